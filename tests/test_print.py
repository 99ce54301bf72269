"""Printing through a real CUPS scheduler started for these tests.

The queue's device is a socket:// printer: a small TCP listener in the test that receives the
print data exactly as a network printer would, so the test reads back what was printed.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pypdf
import pytest

from spapress.clients.printing import PrintJob, lp_command

DAY = "2026-11-24"


class NetworkPrinter:
    """Accepts print jobs on a loopback port and keeps the bytes of each connection."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(10)
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            self.jobs.append(b"".join(chunks))

    def wait_for(self, count: int, seconds: float = 30) -> list[bytes]:
        deadline = time.monotonic() + seconds
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.jobs) >= count, f"the printer got {len(self.jobs)} jobs, expected {count}"
        return self.jobs

    def close(self):
        self._stop.set()
        self._thread.join()
        self.server.close()


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    assert found, f"{name} is missing: install Debian's cups and cups-client packages (see .ci/run)"
    return found


@pytest.fixture(scope="module")
def cups():
    """A private cupsd on a Unix socket with one queue, 'Desk', printing to a NetworkPrinter."""
    home = Path(tempfile.mkdtemp(prefix="spapress-cups-"))
    home.chmod(0o755)  # the scheduler's filters run as the unprivileged 'lp' user
    for sub in ("conf", "spool", "spool/tmp", "cache", "state", "log"):
        (home / sub).mkdir()
        (home / sub).chmod(0o777)
    sock = home / "cups.sock"
    (home / "conf/cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel warn\nWebInterface no\nBrowsing no\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n")
    (home / "conf/cups-files.conf").write_text(
        f"ServerRoot {home}/conf\nRequestRoot {home}/spool\nCacheDir {home}/cache\nStateDir {home}/state\n"
        f"TempDir {home}/spool/tmp\nErrorLog {home}/log/error_log\nAccessLog {home}/log/access_log\n"
        f"PageLog {home}/log/page_log\nUser lp\nGroup lp\nSandboxing relaxed\n")
    daemon = subprocess.Popen([_program("cupsd"), "-f", "-c", str(home / "conf/cupsd.conf"),
                               "-s", str(home / "conf/cups-files.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    saved = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(sock)
    printer = NetworkPrinter()
    try:
        deadline = time.monotonic() + 15
        while subprocess.run([_program("lpstat"), "-r"], capture_output=True, text=True).stdout.strip() != "scheduler is running":
            assert daemon.poll() is None, f"cupsd stopped: {daemon.stderr.read().decode()}"
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.1)
        subprocess.run([_program("lpadmin"), "-p", "Desk", "-E", "-v", f"socket://127.0.0.1:{printer.port}", "-m", "raw"],
                       check=True, capture_output=True)
        yield printer, home
    finally:
        printer.close()
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stderr.close()
        if saved is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = saved
        shutil.rmtree(home, ignore_errors=True)


def pdfs_in(job: bytes) -> list[bytes]:
    """The documents in one job's data (CUPS sends each copy in turn)."""
    return [b"%PDF-" + part for part in job.split(b"%PDF-")[1:]]


def page_log(home: Path, title: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = home / "log/page_log"
        lines = [line for line in log.read_text().splitlines() if f" {title} " in line] if log.exists() else []
        if lines:
            return lines[-1]
        time.sleep(0.05)
    raise AssertionError(f"no page_log entry for {title}")


def test_a_client_sheet_is_printed_twice_on_both_sides(site, cups):
    printer, home = cups
    before = len(printer.jobs)
    run = site.run("client", "stress-relief-points", "--name", "Ana Lima", "--therapist", "Sam", "--date", DAY,
                   "--print", "--printer", "Desk", "--copies", "2", "--double-sided")
    assert run.code == 0, run.err
    assert run.out.splitlines()[1].startswith(
        f"printed clients/{DAY}/ana-lima-stress-relief-points.pdf (request id is Desk-")
    job = printer.wait_for(before + 1)[before]
    copies = pdfs_in(job)
    assert len(copies) == 2
    assert copies[0] == site.path(f"clients/{DAY}/ana-lima-stress-relief-points.pdf").read_bytes()
    assert "Made for Ana Lima" in pypdf.PdfReader(io.BytesIO(copies[0])).pages[0].extract_text()
    assert page_log(home, "ana-lima-stress-relief-points").endswith("two-sided-long-edge")


def test_a_built_handout_is_printed_by_its_id(site, cups):
    printer, home = cups
    assert site.run("stress-relief-points").code == 0
    before = len(printer.jobs)
    run = site.run("print", "stress-relief-points", "--printer", "Desk")
    assert run.code == 0, run.err
    assert run.out.startswith("printed build/stress-relief-points.pdf (request id is Desk-")
    job = printer.wait_for(before + 1)[before]
    assert pdfs_in(job) == [site.pdf("stress-relief-points").read_bytes()]


def test_a_booklet_prints_its_imposed_copy_turning_on_the_short_edge(site, cups):
    printer, home = cups
    assert site.run("back-care-at-home").code == 0
    before = len(printer.jobs)
    run = site.run("print", "back-care-at-home", "--printer", "Desk")
    assert run.code == 0, run.err
    assert run.out.startswith("printed build/booklets/back-care-at-home-imposed.pdf (request id is Desk-")
    job = printer.wait_for(before + 1)[before]
    assert pdfs_in(job) == [(site.out / "booklets/back-care-at-home-imposed.pdf").read_bytes()]
    assert page_log(home, "back-care-at-home-imposed").endswith("two-sided-short-edge")


def test_an_unknown_printer_is_named_with_the_ones_that_exist(site, cups):
    assert site.run("stress-relief-points").code == 0
    run = site.run("print", "stress-relief-points", "--printer", "Frontdesk")
    assert run.code == 2
    assert run.err.strip() == "build/stress-relief-points.pdf: not printed: no printer named 'Frontdesk'; printers here: Desk"


def test_without_a_print_system_the_answer_is_one_line(site, monkeypatch, tmp_path):
    assert site.run("stress-relief-points").code == 0
    monkeypatch.setenv("PATH", str(tmp_path))
    run = site.run("print", "stress-relief-points")
    assert run.code == 2
    assert run.err.strip() == ("build/stress-relief-points.pdf: not printed: no print system found: the CUPS command 'lp' "
                               "is not installed (Debian and Ubuntu: sudo apt-get install cups-client)")


@pytest.mark.parametrize("argv, message", [
    (["print", "nothing-built"], "argument FILE: no built handout or booklet 'nothing-built' in build/; build it first with: "
                                 "python make_pdfs.py nothing-built"),
    (["print", "handouts/brand.yaml"], "argument FILE: 'handouts/brand.yaml' is not a PDF file"),
    (["print", "x.pdf", "--printer", "-d evil"], "argument --printer: '-d evil' is not a printer name"),
    (["print", "x.pdf", "--copies", "0"], "argument --copies: give a number from 1 to 99"),
])
def test_bad_print_arguments_are_refused(site, monkeypatch, argv, message):
    monkeypatch.chdir(site.root)
    run = site.run(*argv)
    assert run.code == 2
    assert run.err.startswith(f"make_pdfs.py: error: {message}"), run.err


def test_the_exact_command_handed_to_cups():
    job = PrintJob(Path("/c/-odd name.pdf"), "-odd name", "Desk", 3, True)
    assert lp_command(job) == ["lp", "-d", "Desk", "-n", "3", "-t", "-odd name", "-o", "sides=two-sided-long-edge",
                               "--", "/c/-odd name.pdf"]
    assert lp_command(PrintJob(Path("a.pdf"), "a", None, 1, False)) == ["lp", "-n", "1", "-t", "a", "--", "a.pdf"]
