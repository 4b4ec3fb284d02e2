from email import message_from_bytes
from email.policy import default

import pytest

from t82_pipeline.lib.mail import MailResource, MailServerUnavailable, MayHaveGone
from tests.support.smtp import scripted_smtp_server


def test_sends_through_a_real_smtp_server(smtp_server):
    controller, received = smtp_server
    mail = MailResource(
        smtp_host="127.0.0.1", smtp_port=controller.port, starttls=False, sender="t82 <t82@example.org>"
    )
    message = mail.compose(
        ["ot@example.org"],
        "Rapport d'avis — novembre",
        "Bonjour,",
        "<p>Bonjour,</p>",
        [("rapport.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    assert mail.send(message) == "smtp"
    [envelope] = received
    assert envelope.rcpt_tos == ["ot@example.org"]
    parsed = message_from_bytes(envelope.content, policy=default)
    assert parsed["Subject"] == "Rapport d'avis — novembre"
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "rapport.pdf" and attachment.get_content() == b"%PDF-1.4 test"


def test_embedded_default_writes_to_the_outbox(tmp_path):
    mail = MailResource(outbox_dir=str(tmp_path / "outbox"))
    where = mail.send(mail.compose(["ot@example.org"], "Sujet", "Corps"))
    parsed = message_from_bytes((tmp_path / "outbox").joinpath(where.rsplit("/", 1)[-1]).read_bytes(), policy=default)
    assert parsed["To"] == "ot@example.org" and parsed.get_content().strip() == "Corps"


def test_a_list_unsubscribe_header_is_on_the_wire_as_written(smtp_server):
    controller, received = smtp_server
    mail = MailResource(smtp_host="127.0.0.1", smtp_port=controller.port, starttls=False)
    value = "<mailto:stop-reports@example.org?subject=d%C3%A9sinscription%20rapport%20avis%201234567>"
    mail.send(mail.compose(["ot@example.org"], "Sujet", "Corps", raw_headers={"List-Unsubscribe": value}))
    [envelope] = received
    assert f"List-Unsubscribe: {value}\r\n".encode() in envelope.original_content
    with pytest.raises(ValueError):
        mail.compose(["ot@example.org"], "Sujet", "Corps", raw_headers={"List-Unsubscribe": "<mailto:a>\r\nBcc: x"})


@pytest.mark.parametrize("fail_at", ["greeting", "starttls", "auth"])
def test_a_server_refusing_before_the_message_is_unavailable_and_nothing_went(fail_at):
    with scripted_smtp_server(fail_at) as (port, script):
        mail = MailResource(smtp_host="127.0.0.1", smtp_port=port, starttls=fail_at == "starttls",
                            smtp_user="t82", smtp_password="wrong-s3cret")  # fmt: skip
        with pytest.raises(MailServerUnavailable) as raised:
            mail.send(mail.compose(["ot@example.org"], "Sujet", "Corps"))
    assert script.messages == [] and "wrong-s3cret" not in str(raised.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "smtp.does-not-exist.invalid"])
def test_an_unreachable_server_is_unavailable(host):
    mail = MailResource(smtp_host=host, smtp_port=1, starttls=False, timeout_s=2)
    with pytest.raises(MailServerUnavailable):
        mail.send(mail.compose(["ot@example.org"], "Sujet", "Corps"))


def test_a_connection_cut_during_data_may_have_sent_the_message():
    with scripted_smtp_server("data-cut") as (port, _):
        mail = MailResource(smtp_host="127.0.0.1", smtp_port=port, starttls=False)
        with pytest.raises(MayHaveGone):
            mail.send(mail.compose(["ot@example.org"], "Sujet", "Corps"))


def test_one_connection_serves_many_messages():
    with scripted_smtp_server() as (port, script):
        mail = MailResource(smtp_host="127.0.0.1", smtp_port=port, starttls=False)
        with mail.session() as send:
            for n in range(3):
                send(mail.compose(["ot@example.org"], f"Sujet {n}", "Corps"))
    assert len(script.messages) == 3 and script.connections == 1
