"""Sending e-mail: through SMTP when a host is set, else into an outbox folder (.eml files)."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import dagster as dg


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
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """Raises ValueError on a header value that would break the message (a line break)."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, ", ".join(to), subject
        message["Date"], message["Message-ID"] = formatdate(localtime=True), message_id or make_msgid(domain="t82")
        for name, value in (headers or {}).items():
            message[name] = value
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
        """Returns where it went ('smtp' or the outbox file). Raises on refusal: callers decide."""
        if not self.smtp_host:
            outbox = Path(self.outbox_dir)
            outbox.mkdir(parents=True, exist_ok=True)
            path = outbox / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(bytes(message))
            return str(path)
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.smtp_user:
                smtp.login(self.smtp_user, self.smtp_password)
            smtp.send_message(message)
        return "smtp"
