"""Sending e-mail: through SMTP when a host is set, else into an outbox folder (.eml files).

What a sender must know is whether a message was handed over: a failure before the DATA command
(server unreachable, greeting refused, STARTTLS or AUTH refused, sender or recipients refused)
means it did not go and can be retried; a cut during DATA means it may have gone."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import dagster as dg

# Values set raw are kept as written; every other header is folded as usual.
RAW_AS_WRITTEN = policy.default.clone(refold_source="none")


class NotHandedOver(Exception):
    """The message was not handed over to the mail server: it did not go."""


class MailServerUnavailable(NotHandedOver):
    """The mail server cannot take any message (unreachable, greeting, STARTTLS or AUTH refused):
    every other message would fail alike."""


class MayHaveGone(Exception):
    """The conversation was cut after the message was handed over: it may have gone."""


def _reason(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


class MailResource(dg.ConfigurableResource):
    smtp_host: str = ""  # empty: embedded default, messages go to outbox_dir
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    starttls: bool = True
    sender: str = "t82 <noreply@tarnetgaronne-tourisme.fr>"
    outbox_dir: str = ""
    timeout_s: float = 30.0

    def compose(
        self,
        to: list[str],
        subject: str,
        text: str,
        html: str | None = None,
        attachments: list[tuple[str, bytes, str]] = (),
        message_id: str | None = None,
        raw_headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Raises ValueError on a header value that would break the message (a line break).
        ``raw_headers`` go on the wire as written (ASCII), never folded into encoded-words: a
        ``List-Unsubscribe`` must show its ``<mailto:…>`` to the reader's mail client (RFC 2369)."""
        message = EmailMessage(policy=RAW_AS_WRITTEN)
        message["From"], message["To"], message["Subject"] = self.sender, ", ".join(to), subject
        message["Date"], message["Message-ID"] = formatdate(localtime=True), message_id or make_msgid(domain="t82")
        for name, value in (raw_headers or {}).items():
            if not value.isascii() or any(c in value for c in "\r\n") or len(value) > 900:
                raise ValueError(f"header {name} must be one ASCII line")
            message.set_raw(name, value)
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        for filename, content, mime in attachments:
            maintype, subtype = mime.split("/", 1)
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
        return message

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    def send(self, message: EmailMessage) -> str:
        """Returns where it went ('smtp' or the outbox file). Raises NotHandedOver (with
        MailServerUnavailable) or MayHaveGone: callers decide."""
        with self.session() as send:
            return send(message)

    @contextmanager
    def session(self) -> Iterator[Callable[[EmailMessage], str]]:
        """One connection for many messages (reopened once when the server dropped an idle one).
        Opening it raises MailServerUnavailable; each send raises NotHandedOver or MayHaveGone."""
        if not self.smtp_host:
            yield self._to_outbox
            return
        connection = [self._connect()]
        try:

            def send(message: EmailMessage) -> str:
                try:
                    return self._transact(connection[0], message)
                except smtplib.SMTPServerDisconnected:  # before DATA: the server dropped an idle connection
                    connection[0] = self._connect()
                try:
                    return self._transact(connection[0], message)
                except smtplib.SMTPServerDisconnected as exc:
                    raise NotHandedOver(_reason(exc)) from None

            yield send
        finally:
            try:
                connection[0].quit()
            except (smtplib.SMTPException, OSError):
                connection[0].close()

    def _to_outbox(self, message: EmailMessage) -> str:
        outbox = Path(self.outbox_dir)
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))
        return str(path)

    def _connect(self) -> smtplib.SMTP:
        where = f"{self.smtp_host}:{self.smtp_port}"
        try:
            smtp = smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout_s)
        except (smtplib.SMTPException, OSError) as exc:  # DNS, refused, timeout, a 554 greeting
            raise MailServerUnavailable(f"{where}: {_reason(exc)}") from None
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.smtp_user:
                smtp.login(self.smtp_user, self.smtp_password)
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:  # never the password: only its type
            smtp.close()
            step = "AUTH" if isinstance(exc, smtplib.SMTPAuthenticationError) else "STARTTLS or AUTH"
            raise MailServerUnavailable(f"{where}: {step} refused ({_reason(exc)})") from None
        return smtp

    def _transact(self, smtp: smtplib.SMTP, message: EmailMessage) -> str:
        """MAIL, RCPT, then DATA: what fails before DATA did not go."""
        recipients = [parseaddr(a)[1] for a in message.get_all("To", []) + message.get_all("Cc", [])]
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(self.sender_address)
            if code != 250:
                raise NotHandedOver(f"sender refused ({code})")
            accepted = [r for r in recipients if smtp.rcpt(r)[0] in (250, 251)]
            if not accepted:
                smtp.rset()
                raise NotHandedOver("recipients refused")
        except smtplib.SMTPServerDisconnected:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise NotHandedOver(_reason(exc)) from None
        try:
            code, reply = smtp.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))  # SMTP's CRLF
        except smtplib.SMTPDataError as exc:  # the server answered: it refused the message
            raise NotHandedOver(_reason(exc)) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MayHaveGone(_reason(exc)) from None
        return "smtp"
