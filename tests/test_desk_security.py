"""The desk app's protections: tokens, the Host header, downloads, markup, the passcode, the network.

Requests are made over real HTTP to the app in a waitress thread (test_desk.DeskServer); the
markup test reads the page in Chromium and the PDF with pypdf.
"""

from __future__ import annotations

import http.client
import logging
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pypdf
import pytest
from selenium.webdriver.common.by import By

from conftest import REPO
from test_desk import DAY, DeskServer, chromium, fill, free_port, preview_shown, press, wait

from spapress.clients.records import Records
from spapress.desk import security


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    server = DeskServer(tmp_path_factory.mktemp("desk") / "site")
    server.site.write("build/stress-relief-points.pdf", "%PDF-1.4 a built handout\n")
    server.site.write("secret.pdf", "%PDF-1.4 not in the build folder\n")
    server.site.write("build/.press-manifest.pdf", "%PDF-1.4 hidden\n")
    yield server
    server.close()


class Http:
    """One browser-like visitor: keeps the session cookie, reads the CSRF token from pages."""

    def __init__(self, port: int, host: str | None = None):
        self.port, self.host, self.cookie = port, host or f"127.0.0.1:{port}", ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": self.host, **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        answer = connection.getresponse()
        text = answer.read()
        cookie = answer.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return answer, text

    def token(self, path: str = "/today") -> str:
        _answer, text = self.request("GET", path)
        return re.search(rb'name="csrf_token" value="([^"]+)"', text).group(1).decode()


def test_a_form_posted_without_its_token_is_refused(app):
    visitor = Http(app.port)
    token = visitor.token("/outbox")
    answer, text = visitor.request("POST", "/outbox", {"client": "Ana"})
    assert answer.status == 403 and b"This form has expired or did not come from the desk" in text
    answer, _ = visitor.request("POST", "/outbox", {"client": "Ana", "csrf_token": token + "x"})
    assert answer.status == 403
    answer, _ = Http(app.port).request("POST", "/outbox", {"client": "Ana", "csrf_token": token})
    assert answer.status == 403, "a token belongs to its own session"
    answer, _ = visitor.request("POST", "/outbox", {"client": "Ana", "csrf_token": token})
    assert answer.status == 200


@pytest.mark.parametrize("host", ["evil.example:{port}", "attacker.test", "127.0.0.1:1", "localhost.evil.example:{port}"])
def test_a_foreign_host_header_is_refused(app, host):
    answer, text = Http(app.port, host.format(port=app.port)).request("GET", "/today")
    assert answer.status == 421 and b"not the front desk's" in text
    answer, _ = Http(app.port, f"localhost:{app.port}").request("GET", "/today")
    assert answer.status == 200


@pytest.mark.parametrize("path", ["../secret.pdf", "..%2Fsecret.pdf", "%2E%2E/secret.pdf", "/etc/passwd",
                                  "..%2F..%2F..%2F..%2Fetc%2Fpasswd", ".press-manifest.pdf", "nothing.pdf",
                                  "../handouts/brand.yaml"])
def test_a_download_outside_the_output_folder_is_refused(app, path):
    visitor = Http(app.port)
    answer, text = visitor.request("GET", "/files/build/" + path)
    if answer.status == 308:  # '//' is merged into '/' first, and that address is refused in turn
        answer, text = visitor.request("GET", answer.getheader("Location"))
    assert answer.status == 404 and b"secret" not in text and b"root:" not in text
    answer, text = visitor.request("GET", "/files/build/stress-relief-points.pdf")
    assert answer.status == 200 and text == b"%PDF-1.4 a built handout\n"


def test_markup_in_a_name_is_shown_as_typed_on_the_page_and_in_the_pdf(app):
    hostile = "<b>Ana</b> <img src=x onerror=alert(1)> & Co"
    browser = chromium()
    try:
        browser.get(app.url + "/sheet/new")
        fill(browser, name=hostile, therapist="Sam", date=DAY, handout="stress-relief-points")
        wait(browser, preview_shown)
        press(browser, "Download", leads_to_a_page=False)
        wait(browser, lambda _b: list((app.root / "clients" / DAY).glob("*.pdf")))
        browser.get(app.url + "/today")
        cell = browser.find_element(By.CSS_SELECTOR, "table.visits tbody td")
        assert cell.text == hostile
        assert browser.find_elements(By.CSS_SELECTOR, "table.visits b, table.visits img") == []
        assert browser.execute_script("return window.alerted === undefined")
    finally:
        browser.quit()
    (kept,) = (app.root / "clients" / DAY).glob("*.pdf")
    # The sheet may wrap a long name over two lines: compare the words as they read.
    assert hostile in " ".join(pypdf.PdfReader(kept).pages[0].extract_text().split())
    (version,) = Records(app.root / "clients").history(hostile)   # kept as a version, its download recorded
    assert version.path == kept and [g.channel for g in version.given] == ["downloaded"]


def test_every_answer_carries_a_strict_content_security_policy_and_nothing_comes_from_outside(app):
    answer, text = Http(app.port).request("GET", "/sheet/new")
    assert answer.getheader("Content-Security-Policy") == security.CSP
    assert "default-src 'none'" in security.CSP and "http" not in security.CSP
    assert answer.getheader("X-Content-Type-Options") == "nosniff"
    assert not re.search(rb'(src|href)="(https?:)?//', text)
    templates = REPO / "spapress" / "desk"
    for page in [*templates.glob("templates/*.html"), *templates.glob("static/*")]:
        assert not re.search(r"https?://", page.read_text(encoding="utf-8")), page
    assert b"style=" not in text and b"<script>" not in text  # inline code would be blocked anyway


def test_an_upload_is_limited_in_size_and_type(app):
    visitor = Http(app.port)
    token = visitor.token()

    def upload(name: str, data: bytes):
        boundary = "----desk-test"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"day\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return _post_raw(visitor, body, boundary)

    answer, text = upload("day.exe", b"MZ\x90\x00")
    assert answer.status == 422 and b"day.exe: a day&#39;s file must be the booking system&#39;s export" in text
    answer, text = upload("day.xlsx", b"name,therapist\n")
    assert answer.status == 422 and b"day.xlsx: is not an Excel workbook" in text
    answer, text = upload("day.csv", b"\x89PNG\r\n\x00\x00")
    assert answer.status == 422 and b"is not a text file" in text
    answer, text = upload("day.csv", b"name,therapist,handout\n" + b"x" * (3 * 1024 * 1024))
    assert answer.status == 413 and b"larger than 2 MB" in text


def _post_raw(visitor: Http, body: bytes, boundary: str):
    connection = http.client.HTTPConnection("127.0.0.1", visitor.port, timeout=30)
    connection.request("POST", "/today", body=body, headers={
        "Host": visitor.host, "Cookie": visitor.cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    answer = connection.getresponse()
    text = answer.read()
    connection.close()
    return answer, text


def test_with_a_passcode_every_page_asks_for_it_and_sessions_expire(tmp_path, monkeypatch):
    server = DeskServer(tmp_path / "site", passcode_hash=security.hash_passcode("calm-waters"))
    try:
        visitor = Http(server.port)
        answer, _ = visitor.request("GET", "/today")
        assert answer.status == 302 and answer.getheader("Location").endswith("/sign-in")
        assert visitor.request("GET", "/files/build/stress-relief-points.pdf")[0].status == 302
        assert visitor.request("GET", "/brand.css")[0].status == 200  # the sign-in page's own colours
        token = visitor.token("/sign-in")
        answer, text = visitor.request("POST", "/sign-in", {"passcode": "wrong", "csrf_token": token})
        assert answer.status == 401 and b"not the desk&#39;s passcode" in text
        answer, _ = visitor.request("POST", "/sign-in", {"passcode": "calm-waters", "csrf_token": token})
        assert answer.status == 302
        assert visitor.request("GET", "/today")[0].status == 200
        monkeypatch.setattr(security, "SESSION_MINUTES", 0)
        time.sleep(0.01)
        answer, _ = visitor.request("GET", "/today")
        assert answer.status == 302 and answer.getheader("Location").endswith("/sign-in")
    finally:
        server.close()
    stored = security.hash_passcode("calm-waters")
    assert "calm-waters" not in stored and security.passcode_matches(stored, "calm-waters")
    assert not security.passcode_matches(stored, "calm-water")


def test_the_app_is_not_reachable_on_other_interfaces_by_default(tmp_path):
    port = free_port()
    (tmp_path / "handouts").symlink_to(REPO / "handouts")
    (tmp_path / "layouts").symlink_to(REPO / "layouts")
    process = subprocess.Popen([sys.executable, str(REPO / "make_pdfs.py"), "desk", "--no-browser", "--port", str(port)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip() == f"the front desk is open at http://127.0.0.1:{port}/ (stop it with Ctrl+C)", \
            line + process.stderr.read()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        for other in _other_addresses():
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def _other_addresses() -> list[str]:
    """This machine's addresses other than loopback (its route out, its name's address)."""
    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET))
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


def test_sharing_on_the_network_is_refused_without_a_passcode(site, monkeypatch):
    run = site.run("desk", "--host", "0.0.0.0", "--no-browser")
    assert run.code == 2
    assert run.err == ("make_pdfs.py: error: argument --host: sharing the desk on the network needs a passcode first; "
                       "run: python make_pdfs.py desk --set-passcode\n")
    answers = iter(["calm-waters", "calm-waters"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    run = site.run("desk", "--set-passcode")
    assert run.code == 0 and "calm-waters" not in Path(site.root / ".desk-passcode").read_text()
    assert security.passcode_matches(Path(site.root / ".desk-passcode").read_text(), "calm-waters")


def test_only_the_adapter_calls_the_package():
    """The pages reach clients/ and builds/ through desk/actions.py alone, so there is one seam to move."""
    from test_layers import imports, modules

    known = modules(REPO / "spapress")
    reaching = {name for name, path in known.items() if name.startswith("spapress.desk")
                and any(t.startswith(("spapress.clients", "spapress.builds")) for t in imports(name, path, known))}
    assert reaching == {"spapress.desk.actions"}


def test_with_broken_content_every_page_says_what_to_fix_and_nothing_is_made(tmp_path):
    server = DeskServer(tmp_path / "site",
                        lambda site: site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:"))
    site = server.site
    try:
        visitor = Http(server.port)
        for page in ("/today", "/sheet/new", "/library", "/outbox", "/settings"):
            answer, text = visitor.request("GET", page)
            assert answer.status == 200, page
            assert (b"handouts/points/top-of-shoulders.yaml:9: unknown key &#39;duraton&#39; "
                    b"(did you mean &#39;duration&#39;?)") in text, page
        _answer, page = visitor.request("GET", "/sheet/new")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        action = re.search(rb'<form method="post" action="(/visit/[^"]+)" id="sheet-form"', page).group(1).decode()
        answer, text = visitor.request("POST", action, {"csrf_token": token, "name": "Ana", "therapist": "Sam",
                                                        "handout": "stress-relief-points", "action": "download"})
        assert answer.status == 422
        assert b"Handout: the handouts need fixing first" in text
        assert not (site.root / "clients").exists()
    finally:
        server.close()


def test_a_port_in_use_is_said_in_one_line(site):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = site.run("desk", "--no-browser", "--port", str(port))
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"make_pdfs.py: error: argument --port: cannot listen on 127.0.0.1:{port} (")
    assert run.err.endswith("another program may use it: choose another with --port N\n")
    assert len(run.err.splitlines()) == 1


def test_no_client_detail_reaches_an_address_or_a_log(app, caplog):
    caplog.set_level(logging.DEBUG)
    visitor = Http(app.port)
    _answer, page = visitor.request("GET", "/sheet/new")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    action = re.search(rb'<form method="post" action="(/visit/[^"]+)" id="sheet-form"', page).group(1).decode()
    check = re.search(rb'data-check="([^"]+)"', page).group(1).decode()
    form = {"csrf_token": token, "name": "Zoe Private", "email": "zoe.private@example.com", "therapist": "Sam",
            "date": DAY, "handout": "stress-relief-points", "note": "Knee surgery in March."}
    addresses = [action, check]
    assert visitor.request("POST", check, form)[0].status == 200
    answer, pdf = visitor.request("POST", action, {**form, "action": "download"})
    assert answer.status == 200 and pdf.startswith(b"%PDF-")
    answer, _ = visitor.request("POST", action, {**form, "date": "not a date", "action": "preview"})
    assert answer.status == 422
    _answer, today = visitor.request("GET", "/today")
    addresses += [a.decode() for a in re.findall(rb'href="([^"]+)"', today)]
    for secret in ("Zoe", "Private", "zoe.private", "Knee"):
        assert not any(secret.lower() in a.lower() for a in addresses), addresses
        assert not any(secret in record.getMessage() for record in caplog.records), caplog.records
