from email import message_from_bytes
from email.policy import default

from t82_pipeline.lib.mail import MailResource


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
