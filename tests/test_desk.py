"""The desk app driven in a real browser: Debian's Chromium through chromedriver (Selenium).

The app runs in a real waitress server on a free loopback port; mail goes to a real aiosmtpd on
loopback and printing to the tests' own CUPS queue. One browser serves the whole module.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import threading
from email import message_from_bytes, policy
from pathlib import Path

import keyring
import pypdf
import pytest
from aiosmtpd.smtp import AuthResult
from jaraco.classes.properties import classproperty
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import Site
from test_email import MailServer, free_port
from test_print import _program, cups, pdfs_in  # noqa: F401  (cups is a fixture)

from spapress.clients.records import Records
from spapress.desk.actions import Desk
from spapress.desk.app import create_app
from spapress.desk.day import Day
from spapress.desk.server import open_server, stop

DAY = "2026-11-24"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class DeskServer:
    """The desk app served by waitress in a thread; each test gives it a fresh copy of the project."""

    def __init__(self, root: Path, prepare=None, **options):
        self.use(root, prepare)
        self.port = free_port()
        self.app = create_app(self.desk, port=self.port, **options)
        self.server = open_server(self.app, "127.0.0.1", self.port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def use(self, root: Path, prepare=None) -> None:
        """Serve another copy of the project (first changed by prepare(site)), as if the app had just been started."""
        self.site = Site(root)
        self.root = root
        if prepare:
            prepare(self.site)
        self.desk = Desk(root, root / "handouts", root / "layouts", root / "clients", root / "build")
        if hasattr(self, "app"):
            self.app.extensions.update(desk=self.desk, day=Day())

    def mail_settings(self, port: int) -> None:
        self.site.write("delivery.yaml", f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n"
                                         f"  sender: hello@facesspa.com\n  timeout: 5\n")

    def close(self) -> None:
        stop(self.server)
        self.thread.join(10)
        self.server.task_dispatcher.shutdown()


def chromium() -> webdriver.Chrome:
    """Headless Chromium with a throwaway profile; nothing reaches the internet."""
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), \
        "install Debian's chromium and chromium-driver (see .ci/run)"
    profile = tempfile.mkdtemp(prefix="spapress-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.profile_folder = profile
    return driver


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_folder, ignore_errors=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = DeskServer(tmp_path_factory.mktemp("desk") / "site")
    yield served
    served.close()


@pytest.fixture
def app(server, tmp_path):
    server.use(tmp_path / "site")
    return server


@pytest.fixture
def mail():
    port = free_port()
    with MailServer(port) as recorder:
        recorder.port = port
        yield recorder


def wait(browser, condition, seconds: float = 30):  # generous: the machine may be busy
    # A page may be replaced while it is read (the preview, Rebuild's progress): ask again.
    return WebDriverWait(browser, seconds, ignored_exceptions=(WebDriverException,)).until(condition)


def text_of(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def fill(browser, **fields) -> None:
    for name, value in fields.items():
        element = browser.find_element(By.ID, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


def new_sheet(browser, app, **fields) -> None:
    browser.get(app.url + "/sheet/new")
    fill(browser, **{"name": "Ana Lima", "therapist": "Sam", "date": DAY, "handout": "stress-relief-points", **fields})


def preview_shown(browser) -> bool:
    return browser.execute_script("const p = document.getElementById('preview');"
                                  "return !p.hidden && p.complete && p.naturalWidth > 400;")


def press(browser, label: str, *, leads_to_a_page: bool = True) -> None:
    """Press a button and wait for the page it leads to."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, f"//button[normalize-space()='{label}']").click()
    if leads_to_a_page:
        wait(browser, left(page))


def left(page):
    """Whether the browser has left the page (the element's document is gone)."""
    def gone(_browser) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:  # stale, or the document went away while asking
            return True
        return False
    return gone


def kept_sheet(app) -> Path:
    return app.root / "clients" / DAY / "ana-lima-stress-relief-points.pdf"


def test_a_sheet_typed_in_the_form_is_previewed_live(browser, app):
    new_sheet(browser, app)
    wait(browser, preview_shown)
    labels = {field: browser.find_element(By.XPATH, f"//label[@for='{field}']").text
              for field in ("name", "email", "therapist", "date", "handout", "note")}
    assert list(labels.values()) == ["Client name", "Client email", "Therapist", "Visit date", "Handout", "Note"]
    browser.find_element(By.ID, "points-top-of-shoulders").click()
    Select(browser.find_element(By.NAME, "points-top-of-shoulders-minutes")).select_by_visible_text("2")
    fill(browser, date="2026-02-30")   # no such day: refused next to the field, no preview
    wait(browser, lambda b: text_of(b, "date-problem").startswith("Visit date: "))
    assert "2026-02-30" in text_of(browser, "date-problem")
    fill(browser, date=DAY, note="Ease off the left shoulder.")
    wait(browser, lambda b: not b.find_element(By.ID, "date-problem").is_displayed() and preview_shown(b))
    wait(browser, lambda b: text_of(b, "note-room").startswith("Room left for the note: "))
    hint = text_of(browser, "note-room")
    room = int(hint.rsplit("room for ", 1)[1].rstrip(")."))
    assert 0 < room < 400 and hint == (f"Room left for the note: {room - len('Ease off the left shoulder.')} "
                                       f"characters (this sheet has room for {room}).")
    too_long = ("WWWWWWWWW " * 50)[:room + 30].rstrip()   # over the room: refused next to the Note field
    fill(browser, note=too_long)
    wait(browser, lambda b: "does not fit" in text_of(b, "note-problem"))
    assert text_of(browser, "note-problem").endswith(f"(the note is {len(too_long)} characters; this sheet has "
                                                     f"room for {room})")   # the command line's words
    assert text_of(browser, "note-room") == f"{len(too_long) - room} characters too many: this sheet has room for {room}."
    fill(browser, note="Ease off the left shoulder.")
    wait(browser, lambda b: not b.find_element(By.ID, "note-problem").is_displayed() and preview_shown(b))
    press(browser, "Preview")
    assert text_of(browser, "said") == "Preview updated."
    assert browser.find_element(By.ID, "points-top-of-shoulders").is_selected()
    assert not kept_sheet(app).exists(), "a preview writes nothing"


def test_a_sheet_is_emailed_after_the_letter_is_shown(browser, app, mail):
    app.mail_settings(mail.port)
    new_sheet(browser, app, email="ana@example.com")
    press(browser, "Email")
    assert text_of(browser, "letter-to") == "ana@example.com"
    assert "Faces Spa" in text_of(browser, "letter-subject")
    assert mail.messages == [], "nothing goes before Send"
    press(browser, "Send")
    assert text_of(browser, "said") == "Emailed to ana@example.com."
    (sender, recipients, raw), = mail.messages
    message = message_from_bytes(raw, policy=policy.default)
    (attachment,) = list(message.iter_attachments())
    assert recipients == ["ana@example.com"]
    assert attachment.get_content() == kept_sheet(app).read_bytes()
    assert "Ana Lima" in pypdf.PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()


def test_an_email_without_an_address_is_refused_at_the_field(browser, app, mail):
    app.mail_settings(mail.port)
    new_sheet(browser, app, email="ana@example.com, bo@example.com")
    press(browser, "Email")
    assert "more than one address" in text_of(browser, "email-problem")
    fill(browser, email="")
    press(browser, "Email")
    assert text_of(browser, "email-problem") == "Client email: is missing; it is needed to send the sheet"
    assert mail.messages == [] and not kept_sheet(app).exists()
    (app.root / "delivery.yaml").unlink()
    fill(browser, email="ana@example.com")
    press(browser, "Email")
    assert text_of(browser, "alert") == ("Not sent: no email settings: add an 'email:' part to delivery.yaml "
                                         "(delivery.example.yaml shows how). The mail server is set up on the "
                                         "Settings page.")
    assert browser.find_element(By.ID, "email").get_attribute("value") == "ana@example.com"


def test_a_sheet_is_printed_on_the_chosen_printer(browser, app, cups):  # noqa: F811
    printer, _home = cups
    before = len(printer.jobs)
    new_sheet(browser, app)
    Select(browser.find_element(By.ID, "printer")).select_by_visible_text("Desk")
    fill(browser, copies="2")
    press(browser, "Print")
    assert text_of(browser, "said").startswith("Printed (request id is Desk-")
    copies = pdfs_in(printer.wait_for(before + 1)[before])
    assert copies == [kept_sheet(app).read_bytes()] * 2
    (version,) = Records(app.root / "clients").history("Ana Lima")   # the printing is on record
    assert [(g.channel, g.recipient) for g in version.given] == [("printed", "Desk")]
    # A printer that refuses the job: said in one line, and the form stays as typed.
    subprocess.run([_program("lpadmin"), "-p", "Closed", "-E", "-v", "socket://127.0.0.1:9", "-m", "raw"],
                   check=True, capture_output=True)
    subprocess.run([_program("cupsreject"), "Closed"], check=True, capture_output=True)
    browser.refresh()
    fill(browser, note="Rest today.")
    Select(browser.find_element(By.ID, "printer")).select_by_visible_text("Closed")
    press(browser, "Print")
    assert text_of(browser, "alert") == ("Not printed: the printer 'Closed' is not accepting jobs; check it is "
                                         "switched on and enabled.")
    assert browser.find_element(By.ID, "note").get_attribute("value") == "Rest today."
    assert len(printer.jobs) == before + 1


def test_a_changed_note_shows_send_corrected_version_and_never_sends_twice(browser, app, mail):
    app.mail_settings(mail.port)
    new_sheet(browser, app, email="ana@example.com", note="Rest the left shoulder.")
    press(browser, "Email")
    press(browser, "Send")
    assert text_of(browser, "said") == "Emailed to ana@example.com."
    assert browser.find_element(By.ID, "email-button").text == "Email"
    first_pdf = kept_sheet(app).read_bytes()
    fill(browser, note="Rest the RIGHT shoulder.")
    wait(browser, lambda b: b.find_element(By.ID, "email-button").text == "Send corrected version")
    press(browser, "Send corrected version")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Send the corrected version"
    assert text_of(browser, "letter-to") == "ana@example.com"
    assert text_of(browser, "letter-subject").startswith("Correction: ")
    replaces = text_of(browser, "letter-text").split("\n", 1)[0]   # the day it was sent, in the brand's style
    assert re.fullmatch(r"This corrected sheet replaces the sheet sent on \w+ \d+, \d{4} \(version 1\); "
                        r"please use this one\.", replaces)
    assert len(mail.messages) == 1, "nothing goes before the button on the letter page"
    press(browser, "Send corrected version")
    assert text_of(browser, "said") == "Corrected version 2 emailed to ana@example.com."
    assert len(mail.messages) == 2
    first, second = (message_from_bytes(raw, policy=policy.default) for _sender, _to, raw in mail.messages)
    assert second["Subject"] == "Correction: " + first["Subject"]
    assert second["Message-ID"] != first["Message-ID"]
    assert second["In-Reply-To"] == second["References"] == first["Message-ID"]
    assert second.get_body(("plain",)).get_content().startswith(replaces)
    (attachment,) = list(second.iter_attachments())
    corrected = app.root / "clients" / DAY / "ana-lima-stress-relief-points-v2.pdf"
    assert attachment.get_content() == corrected.read_bytes()
    assert "RIGHT shoulder" in pypdf.PdfReader(corrected).pages[0].extract_text()
    assert kept_sheet(app).read_bytes() == first_pdf, "the sheet the client got first is kept as it was"
    assert "left shoulder" in pypdf.PdfReader(kept_sheet(app)).pages[0].extract_text()
    # Pressed again, the same corrected sheet: the outbox knows it, nothing more goes.
    assert browser.find_element(By.ID, "email-button").text == "Email"
    press(browser, "Email")
    assert text_of(browser, "letter-subject").startswith("Correction: ")
    press(browser, "Send")
    assert text_of(browser, "said").startswith("Not sent again: already sent on ")
    assert len(mail.messages) == 2
    # Both versions are in the client's history, the first marked replaced.
    browser.get(app.url + "/outbox")
    press(browser, "Ana Lima")
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")]
    assert len(rows) == 2
    assert "stress-relief-points 2 current" in rows[0]
    assert " · Emailed as a correction to ana@example.com (delivered)" in rows[0]
    assert "stress-relief-points 1 replaced" in rows[1] and " · Emailed to ana@example.com (delivered)" in rows[1]
    assert "Ana Lima" not in browser.current_url
    browser.get(app.url + "/today")
    visit = browser.find_element(By.CSS_SELECTOR, "table.visits tbody tr")
    assert [c.text for c in visit.find_elements(By.CSS_SELECTOR, ".chip")] == ["sheet made", "emailed", "corrected"]


def test_a_correction_the_records_refuse_is_said_at_the_top_and_nothing_goes(browser, app, mail):
    app.mail_settings(mail.port)
    new_sheet(browser, app, email="ana@example.com", note="Rest the left shoulder.")
    press(browser, "Email")
    letter_page = browser.current_url
    press(browser, "Send")
    # The letter page of the first email, sent again with the corrected flag: nothing changed, refused.
    browser.execute_script("const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                           "for (const [k, v] of [['csrf_token', arguments[1]], ['correct', '1']]) {"
                           "  const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
                           "  f.appendChild(i); }"
                           "document.body.appendChild(f); f.submit();",
                           letter_page.replace(app.url, "") + "/send",
                           browser.find_element(By.NAME, "csrf_token").get_attribute("value"))
    wait(browser, lambda b: b.find_elements(By.ID, "alert"))
    assert text_of(browser, "alert").startswith("Not sent: nothing changed: this sheet is the same as version 1 "
                                                f"(clients/{DAY}/ana-lima-stress-relief-points.pdf); change the note "
                                                "or picks first")
    assert len(mail.messages) == 1
    assert not (app.root / "clients" / DAY / "ana-lima-stress-relief-points-v2.pdf").exists()
    # A changed sheet posted as if new (another desk's page): refused in the records' words.
    fill(browser, note="Rest the RIGHT shoulder.")
    wait(browser, lambda b: b.find_element(By.ID, "email-button").text == "Send corrected version")
    browser.execute_script("document.querySelector('input[name=action]') || 0;"
                           "const f = document.getElementById('sheet-form'); f.action = arguments[0]; f.submit();",
                           letter_page.replace(app.url, "") + "/send")
    wait(browser, lambda b: b.find_elements(By.ID, "alert") and "as a correction" in text_of(b, "alert"))
    assert text_of(browser, "alert") == (f"Not sent: version 1 of stress-relief-points for Ana Lima on {DAY} was "
                                         "already emailed and this one is different; send it as a correction.")
    assert len(mail.messages) == 1
    assert not (app.root / "clients" / DAY / "ana-lima-stress-relief-points-v2.pdf").exists()


def test_the_emailed_sheet_made_again_after_another_version_is_not_sent_twice(browser, app, mail):
    app.mail_settings(mail.port)
    new_sheet(browser, app, email="ana@example.com", note="Rest the left shoulder.")
    press(browser, "Email")
    press(browser, "Send")
    fill(browser, note="Rest the RIGHT shoulder.")
    wait(browser, lambda b: b.find_element(By.ID, "email-button").text == "Send corrected version")
    press(browser, "Download", leads_to_a_page=False)   # version 2, kept, never emailed
    second = app.root / "clients" / DAY / "ana-lima-stress-relief-points-v2.pdf"
    wait(browser, lambda _b: second.exists())
    fill(browser, note="Rest the left shoulder.")       # back to the sheet the client has
    wait(browser, lambda b: b.find_element(By.ID, "email-button").text == "Email")
    press(browser, "Email")
    press(browser, "Send")
    assert text_of(browser, "said").startswith("Not sent again: already sent on ")
    assert len(mail.messages) == 1
    assert sorted(p.name for p in (app.root / "clients" / DAY).glob("*.pdf")) == [
        "ana-lima-stress-relief-points-v2.pdf", "ana-lima-stress-relief-points.pdf"]


def test_a_days_file_is_loaded_and_worked_through(browser, app, cups):  # noqa: F811
    printer, _home = cups
    before = len(printer.jobs)
    day = app.site.write("today.csv", f"name,therapist,handout,date,points,note\n"
                                      f"Ana Lima,Sam,stress-relief-points,{DAY},top-of-shoulders:2:3,Rest today.\n"
                                      f"Bo Chen,Sam,no-such-handout,{DAY},,\n"
                                      f"Cy Park,Lee,self-massage-tools,{DAY},,\n")
    browser.get(app.url + "/today")
    browser.find_element(By.ID, "day").send_keys(str(day))
    press(browser, "Load the day")
    assert "Loaded 2 visits from today.csv; 1 row need fixing" in browser.find_element(By.CSS_SELECTOR, ".said").text
    listed = browser.find_element(By.CSS_SELECTOR, ".lines").text
    assert "today.csv:3: row 2 (Bo Chen): handout: no handout 'no-such-handout'" in listed
    assert "today.csv has no status column, so cancelled and no-show visits cannot be told apart" in listed
    rows = browser.find_elements(By.CSS_SELECTOR, "table.visits tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["Ana Lima", "Cy Park"]
    assert all("nothing yet" in r.text for r in rows)
    page = browser.find_element(By.TAG_NAME, "html")
    rows[0].find_element(By.CSS_SELECTOR, "a.button").send_keys("\n")  # the keyboard alone
    wait(browser, left(page))
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Ana Lima"
    assert browser.find_element(By.ID, "points-top-of-shoulders").is_selected()
    assert Select(browser.find_element(By.NAME, "points-top-of-shoulders-times")).first_selected_option.text == "3"
    wait(browser, preview_shown)
    browser.find_element(By.ID, "printer").send_keys("Desk")  # the keyboard alone: type to choose, Enter to press
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, "//button[normalize-space()='Print']").send_keys(Keys.ENTER)
    wait(browser, left(page))
    assert text_of(browser, "said").startswith("Printed (request id is Desk-")
    printer.wait_for(before + 1)
    browser.get(app.url + "/today")
    first = browser.find_elements(By.CSS_SELECTOR, "table.visits tbody tr")[0]
    assert [c.text for c in first.find_elements(By.CSS_SELECTOR, ".chip")] == ["sheet made", "printed"]


def test_the_outbox_is_retried_once_the_server_answers(browser, app):
    port = free_port()
    app.mail_settings(port)  # nothing listens there yet
    new_sheet(browser, app, email="ana@example.com")
    press(browser, "Email")
    press(browser, "Send")
    assert text_of(browser, "alert").startswith("Not sent: the mail server 127.0.0.1:")
    assert text_of(browser, "alert").endswith("The sheet waits in the outbox; Retry it from the Outbox page.")
    browser.get(app.url + "/outbox")
    waiting = browser.find_element(By.CSS_SELECTOR, "table tbody tr").text
    assert "Ana Lima" in waiting and "refused the connection" in waiting
    with MailServer(port) as recorder:
        press(browser, "Retry")
        assert text_of(browser, "retry-said") == "Sent stress-relief-points to Ana Lima <ana@example.com>."
        assert browser.find_element(By.ID, "outbox-empty").text == "Nothing is waiting."
        assert len(recorder.messages) == 1
    fill(browser, client="ana")   # part of a name, any case
    press(browser, "Search")
    (row,) = browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    assert f"{DAY} stress-relief-points 1 current" in row.text
    assert " · Emailed to ana@example.com (delivered)" in row.text
    assert "ana" not in browser.current_url
    fill(browser, client="Anna Lima")
    press(browser, "Search")
    assert text_of(browser, "history-problem") == "no sheets on record for 'Anna Lima'; did you mean 'Ana Lima'?"


def test_mail_is_set_up_and_a_test_email_arrives(browser, app, mail):
    browser.get(app.url + "/settings")
    fill(browser, host="127.0.0.1", port=str(mail.port), security="none", sender="hello@facesspa.com",
         sender_name="Faces Spa")
    press(browser, "Save")
    assert text_of(browser, "settings-said") == "Saved."
    assert "port: " + str(mail.port) in (app.root / "delivery.yaml").read_text()
    fill(browser, to="desk@example.com")
    press(browser, "Send test email")
    assert text_of(browser, "test-said") == "Sent to desk@example.com."
    (_sender, recipients, raw), = mail.messages
    assert recipients == ["desk@example.com"] and b"Subject: Test message from the front desk" in raw
    fill(browser, security="starttls", host="smtp.example.com")  # a form that is refused changes nothing
    browser.find_element(By.ID, "port").clear()
    fill(browser, sender="not an address")
    press(browser, "Save")
    assert text_of(browser, "sender-problem").startswith("Sender address: 'not an address' is not a usable email "
                                                         "address")
    assert "smtp.example.com" not in (app.root / "delivery.yaml").read_text()


class MemoryKeychain(KeyringBackend):
    """Stands in for the operating system's keychain (this machine has none): keyring's own backend API.
    Never chosen by keyring on its own (it is not 'viable'); a test sets it."""

    @classproperty
    def priority(cls):
        raise RuntimeError("set explicitly with keyring.set_keyring")

    def __init__(self):
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


def test_the_mail_password_goes_to_the_keychain_and_is_used_to_log_in(browser, app, monkeypatch):
    monkeypatch.delenv("SPAPRESS_SMTP_PASSWORD", raising=False)
    password, logins = "pa55-Kept-Away", []

    def check_login(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == password.encode())

    port = free_port()
    before = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())  # as on a computer with no keychain (a test extra may offer a file one)
    try:
        browser.get(app.url + "/settings")
        fill(browser, host="127.0.0.1", port=str(port), security="none", username="frontdesk",
             password=password, sender="hello@facesspa.com")
        press(browser, "Save")  # no keychain: refused, and nothing is written
        assert text_of(browser, "settings-problem").startswith("Nothing was saved: this computer's keychain would "
                                                               "not keep the password")
        assert not (app.root / "delivery.yaml").exists()
        keychain = MemoryKeychain()
        keyring.set_keyring(keychain)
        fill(browser, password=password)
        press(browser, "Save")
        assert text_of(browser, "settings-said") == "Saved. The password is kept in this computer's keychain."
        assert list(keychain.kept.values()) == [password]
        assert "A password is kept in this computer's keychain" in text_of(browser, "password-hint")
        assert browser.find_element(By.ID, "password").get_attribute("value") == ""
        assert password not in browser.page_source
        assert password not in (app.root / "delivery.yaml").read_text()
        with MailServer(port, authenticator=check_login, auth_require_tls=False) as recorder:
            fill(browser, to="desk@example.com")
            press(browser, "Send test email")
            assert text_of(browser, "test-said") == "Sent to desk@example.com."
            assert logins == [(b"frontdesk", password.encode())] and len(recorder.messages) == 1
    finally:
        keyring.set_keyring(before)


def test_the_library_rebuilds_and_says_content_mistakes_in_plain_words(browser, app):
    for extra in [*app.root.glob("handouts/booklets/*.yaml"), *app.root.glob("handouts/sheets/*.yaml")]:
        if extra.stem != "stress-relief-points":
            extra.unlink()  # one handout keeps the build short
    app.site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:")
    browser.get(app.url + "/library")
    assert "Not built yet: press Rebuild." in browser.page_source
    press(browser, "Rebuild")
    wait(browser, lambda b: "fix each line below" in b.find_element(By.ID, "rebuild-said").text, 60)
    assert ("handouts/points/top-of-shoulders.yaml:9: unknown key 'duraton' (did you mean 'duration'?)"
            in text_of(browser, "rebuild-said"))
    assert not (app.root / "build" / "stress-relief-points.pdf").exists()
    app.site.edit("handouts/points/top-of-shoulders.yaml", "duraton:", "duration:")
    press(browser, "Rebuild")
    wait(browser, lambda b: "1 made, 0 unchanged" in b.find_element(By.ID, "rebuild-said").text, 60)
    card = browser.find_element(By.CSS_SELECTOR, ".card")
    assert card.find_element(By.TAG_NAME, "img").get_attribute("naturalWidth") == "220"
    link = card.find_element(By.CSS_SELECTOR, "a.button").get_attribute("href")
    assert link == app.url + "/files/build/stress-relief-points.pdf"
