"""Emailing client sheets through a real SMTP server (aiosmtpd) on loopback, started per test."""

from __future__ import annotations

import io
import socket
import sqlite3
from email import message_from_bytes, policy

import pypdf
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import single_problem, tool, without_findings

DAY = "2026-11-24"
PASSWORD = "pa55-Never-Shown"


class Recorder:
    """An SMTP handler that keeps what it accepts and refuses one chosen recipient."""

    def __init__(self, refuse: str = "nobody@example.com"):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    def __init__(self, port: int, **options):
        self.handler = Recorder()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port, **options)

    def __enter__(self) -> Recorder:
        self.controller.start()
        return self.handler

    def __exit__(self, *exc):
        self.controller.stop()


def settings(site, port: int, extra: str = "") -> None:
    site.write("delivery.yaml", f"""\
email:
  host: 127.0.0.1
  port: {port}
  security: none
  sender: hello@facesspa.com
  timeout: 5
{extra}""")


def send_ana(site, *more: str):
    return site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY,
                    "--point", "top-of-shoulders:2:3", "--email", "ana@example.com", *more)


def pdf_of(raw: bytes):
    message = message_from_bytes(raw, policy=policy.default)
    (attachment,) = list(message.iter_attachments())
    return message, attachment


@pytest.fixture
def port():
    return free_port()


def test_a_sent_sheet_arrives_with_recipient_subject_and_pdf(site, port):
    settings(site, port)
    with MailServer(port) as server:
        run = send_ana(site, "--send")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1] == "emailed stress-relief-points to Ana Lima <ana@example.com>"
    ((sender, recipients, raw),) = server.messages
    assert sender == "hello@facesspa.com" and recipients == ["ana@example.com"]
    message, attachment = pdf_of(raw)
    assert message["To"] == "Ana Lima <ana@example.com>"
    assert message["From"] == "Faces Spa <hello@facesspa.com>"
    assert message["Subject"] == "Your aftercare sheet from Faces Spa"
    assert message.get_body(("plain",)).get_content().startswith("Hello Ana Lima,")
    html = message.get_body(("html",)).get_content()
    assert "Hello Ana Lima," in html and "2 minutes, 3 times a day" in html
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "ana-lima-stress-relief-points.pdf"
    pdf = attachment.get_content()
    assert "Made for Ana Lima" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    (site.root / "got.pdf").write_bytes(pdf)
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(site.root / "got.pdf"))
    assert list((site.path("clients/mail/outbox/new")).iterdir()) == []
    assert len(list(site.path("clients/mail/sent/new").iterdir())) == 1
    log = site.run("send-log")
    assert log.code == 0
    assert [line.split()[1] for line in log.out.splitlines()] == ["queued", "sent"]
    assert "stress-relief-points (2026-11-24) for Ana Lima <ana@example.com>" in log.out


def test_with_the_server_down_the_sheet_waits_and_goes_exactly_once_on_retry(site, port):
    settings(site, port)
    run = send_ana(site, "--send")
    assert run.code == 2
    assert without_findings(run.err).strip() == (f"not sent to <ana@example.com>: the mail server 127.0.0.1:{port} refused the connection "
                               "(is it running, and are host and port in delivery.yaml right?); it waits in the outbox "
                               "(python make_pdfs.py outbox --retry)")
    assert site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").is_file()
    listing = site.run("outbox")
    assert listing.code == 2
    assert "stress-relief-points for Ana Lima <ana@example.com>: the mail server" in listing.out
    assert listing.out.splitlines()[-1] == "1 message waiting in the outbox"
    with MailServer(port) as server:
        retry = site.run("outbox", "--retry")
        assert retry.code == 0, retry.out + retry.err
        assert retry.out.splitlines()[0] == "emailed stress-relief-points to Ana Lima <ana@example.com>"
        assert retry.out.splitlines()[-1] == "0 messages waiting in the outbox"
        again = site.run("outbox", "--retry")
        assert again.out.splitlines()[0] == "the outbox is empty; nothing to send"
        twice = send_ana(site, "--send")
        assert twice.code == 0
        assert "already sent on" in twice.out and "not sent again" in twice.out
    assert len(server.messages) == 1


def test_a_crash_after_acceptance_is_not_sent_again(site, port):
    """The log says sent but the copy is still in the outbox (a power cut at that moment)."""
    settings(site, port)
    with MailServer(port) as server:
        assert send_ana(site, "--send").code == 0
        (sent,) = site.path("clients/mail/sent/new").iterdir()
        (site.path("clients/mail/outbox/new") / sent.name).write_bytes(sent.read_bytes())
        retry = site.run("outbox", "--retry")
    assert len(server.messages) == 1
    assert "already sent on" in retry.out
    assert list(site.path("clients/mail/outbox/new").iterdir()) == []


def test_a_refused_recipient_is_reported_and_kept(site, port):
    settings(site, port)
    with MailServer(port) as server:
        run = site.run("client", "stress-relief-points", "--name", "No Body", "--therapist", "Sam", "--date", DAY,
                       "--email", "nobody@example.com", "--send")
    assert run.code == 2
    assert "not sent to <nobody@example.com>: the mail server refused the recipient nobody@example.com: " \
           "550 5.1.1 No such mailbox here; it waits in the outbox" in run.err
    assert server.messages == []
    assert "refused the recipient nobody@example.com" in site.run("outbox").out


def test_a_refused_login_is_reported_and_the_password_is_never_written(site, port, monkeypatch):
    settings(site, port, "  username: frontdesk\n")
    monkeypatch.setenv("SPAPRESS_SMTP_PASSWORD", PASSWORD)

    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    with MailServer(port, authenticator=refuse, auth_require_tls=False) as server:
        run = send_ana(site, "--send")
    assert run.code == 2 and server.messages == []
    assert "the mail server refused the login for 'frontdesk': 535" in run.err
    assert "check the password in the environment variable SPAPRESS_SMTP_PASSWORD" in run.err
    assert PASSWORD not in run.out + run.err
    for path in site.root.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    with sqlite3.connect(site.path("clients/mail/send-log.sqlite3")) as db:
        assert db.execute("SELECT result FROM attempts ORDER BY id").fetchall() == [("queued",), ("waiting",)]


def test_a_login_without_the_password_variable_is_refused_before_anything_is_made(site, port, monkeypatch):
    settings(site, port, "  username: frontdesk\n")
    monkeypatch.delenv("SPAPRESS_SMTP_PASSWORD", raising=False)
    run = send_ana(site, "--send")
    assert run.err.strip() == ("make_pdfs.py: error: the mail server login needs a password: run 'make_pdfs.py "
                               "email-setup' to keep it in this computer's keychain, or set the environment variable "
                               "SPAPRESS_SMTP_PASSWORD (it is never read from a file)")
    assert not site.path("clients").exists()


def test_a_password_in_the_settings_file_is_refused_and_not_repeated(site, port):
    settings(site, port)
    site.write("delivery.yaml", site.path("delivery.yaml").read_text() + f"  password: {PASSWORD}\n")
    run = send_ana(site, "--send")
    problem = single_problem(run)
    assert problem == ("delivery.yaml:7: a password never goes in a file: delete this line and set the environment "
                       "variable SPAPRESS_SMTP_PASSWORD before sending")
    assert PASSWORD not in run.err


def test_unprotected_mail_to_a_remote_server_is_refused(site):
    site.write("delivery.yaml", "email:\n  host: smtp.example.com\n  security: none\n  sender: hello@facesspa.com\n")
    assert single_problem(send_ana(site, "--send")).startswith(
        "delivery.yaml:2: security 'none' would send mail unprotected to smtp.example.com; use starttls or ssl")


def test_starttls_against_a_server_without_it_waits_with_the_reason(site, port):
    settings(site, port)
    site.write("delivery.yaml", site.path("delivery.yaml").read_text().replace("security: none", "security: starttls"))
    with MailServer(port) as server:
        run = send_ana(site, "--send")
    assert server.messages == []
    assert f"the mail server 127.0.0.1:{port} does not offer STARTTLS; check security and port in delivery.yaml" in run.err


def test_dry_run_writes_the_message_with_a_stable_message_id_and_sends_nothing(site, port):
    settings(site, port)
    with MailServer(port) as server:
        first = send_ana(site, "--dry-run")
        assert first.code == 0, first.err
        eml = site.path(f"clients/{DAY}/ana-lima-stress-relief-points.eml")
        first_id = message_from_bytes(eml.read_bytes(), policy=policy.default)["Message-ID"]
        send_ana(site, "--dry-run")
        message, attachment = pdf_of(eml.read_bytes())
    assert server.messages == []
    assert message["Message-ID"] == first_id and first_id.endswith("@facesspa.com>")
    assert "Made for Ana Lima" in pypdf.PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert not site.path("clients/mail").exists()


def test_hostile_names_cannot_add_headers_or_recipients(site, port):
    settings(site, port)
    with MailServer(port) as server:
        run = site.run("client", "stress-relief-points", "--name", 'Eve "x" <eve@evil.example>, Bcc: all', "--therapist",
                       "{{ 7*7 }}", "--date", DAY, "--note", "<script>alert(1)</script>", "--email", "eve@example.com",
                       "--send")
    assert run.code == 0, run.err
    ((_, recipients, raw),) = server.messages
    assert recipients == ["eve@example.com"]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "eve@example.com"
    assert len(message["To"].addresses) == 1 and message["Bcc"] is None and message["Cc"] is None
    assert message["To"].addresses[0].display_name == 'Eve "x" <eve@evil.example>, Bcc: all'
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }} has put together" in message.get_body(("plain",)).get_content()


def test_a_batch_with_one_bad_row_sends_the_others(site, port):
    settings(site, port)
    site.write("today.csv", (
        "name,email,date,therapist,handout,points\n"
        f"Ana Lima,ana@example.com,{DAY},Sam,stress-relief-points,top-of-shoulders:2:3\n"
        f"Bo Chen,\"bo@example.com\r\nBcc: eve@example.com\",{DAY},Kim,stress-relief-points,\n"
        f"Cy Diaz,,{DAY},Kim,stress-relief-points,\n"
        f"Di Eze,di@example.com,{DAY},Kim,self-massage-tools,\n"))
    with MailServer(port) as server:
        run = site.run("clients", str(site.path("today.csv")), "--send")
    assert run.code == 2
    assert without_findings(run.err).strip().splitlines() == [
        "today.csv:3: row 2 (Bo Chen): email: contains a line break; give exactly one address, like 'ana@example.com'",
        "today.csv:5: row 3 (Cy Diaz): email: is missing; it is needed to send the sheet",
        "2 of 4 client sheets made; 2 rows need fixing (see above)",
    ]
    assert sorted(r[0] for _, r, _ in server.messages) == ["ana@example.com", "di@example.com"]
    assert "row 4: emailed self-massage-tools to Di Eze <di@example.com>" in run.out


def test_outbox_and_send_log_when_nothing_happened_yet(site):
    assert site.run("send-log").out.strip() == "nothing has been sent yet"
    run = site.run("outbox")
    assert run.code == 0 and run.out.strip() == "0 messages waiting in the outbox"


def test_dry_run_without_email_settings_is_refused_before_anything_is_made(site):
    run = send_ana(site, "--dry-run")
    assert run.err.strip() == ("make_pdfs.py: error: no email settings: add an 'email:' part to delivery.yaml "
                               "(delivery.example.yaml shows how)")
    assert not site.path("clients").exists()


def test_send_without_an_address_is_refused(site, port):
    settings(site, port)
    run = site.run("client", "stress-relief-points", "--name", "Ana", "--therapist", "Sam", "--send")
    assert run.err.strip() == "make_pdfs.py: error: argument --email: the client's address is needed to send the sheet"
