"""make_pdfs.py watch, run for real: it rebuilds on save, shows mistakes, and keeps watching."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time

import pypdf
import pytest

from generated import make_pdfs_command

WAIT = 30  # seconds; generous for a busy machine, but bounded


class Watcher:
    """The watch command in its own process, with its output lines collected as they come."""

    def __init__(self, site):
        self.process = subprocess.Popen(make_pdfs_command(site, "watch"), cwd=site.root, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        self.pumps = [threading.Thread(target=self._pump, args=(stream, name), daemon=True)
                      for stream, name in ((self.process.stdout, "out"), (self.process.stderr, "err"))]
        for pump in self.pumps:
            pump.start()

    def _pump(self, stream, name):
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, text: str, stream: str = "out") -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                name, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, f"watch exited early: {self.seen}"
                continue
            self.seen.append(f"{name}: {line}")
            if name == stream and text in line:
                return line
        pytest.fail(f"no line with {text!r} within {WAIT} s; saw: {self.seen}")

    def stop(self) -> int:
        """SIGTERM, as a service manager would send; returns the exit status once all output is read."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=WAIT)
        finally:
            self.process.kill()
            self.process.wait()
        for pump in self.pumps:
            pump.join(timeout=WAIT)
        while not self.lines.empty():
            name, line = self.lines.get()
            self.seen.append(f"{name}: {line}")
        self.process.stdout.close()
        self.process.stderr.close()
        return code


@pytest.fixture
def watcher(site):
    watching = Watcher(site)
    yield watching
    if watching.process.poll() is None:
        watching.stop()


def test_watch_rebuilds_on_save_shows_mistakes_and_picks_up_new_files(site, watcher):
    watcher.wait_for("watching handouts/ and layouts/ for changes")
    assert site.pdf("stress-relief-points").exists()

    site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duration: About 90 seconds #")
    watcher.wait_for("rebuilt build/stress-relief-points.pdf (1 page, body text 9.4 pt): "
                     "points/top-of-shoulders.yaml changed")
    text = pypdf.PdfReader(site.pdf("stress-relief-points")).pages[0].extract_text()
    assert "About 90 seconds" in " ".join(text.split())

    site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:")
    watcher.wait_for("handouts/points/top-of-shoulders.yaml:", stream="err")
    watcher.wait_for("still watching; save a file to try again", stream="err")

    site.edit("handouts/points/top-of-shoulders.yaml", "duraton:", "duration:")
    site.write("handouts/sheets/fresh.yaml", site.path("handouts/sheets/why-backs-get-tense.yaml").read_text())
    watcher.wait_for("built build/fresh.pdf (1 page, body text 10 pt): new")
    assert site.pdf("fresh").exists()

    assert watcher.stop() == 0
    assert watcher.seen[-1] == "out: stopped watching"


def test_watch_with_a_bad_argument_is_a_one_line_usage_error(site):
    run = site.run("watch", "--colour", "red")
    assert (run.code, run.err.strip()) == (2, "make_pdfs.py: error: unrecognized arguments: --colour red (see --help)")
    run = site.run("watch", "--content", "nowhere")
    assert (run.code, run.err.strip()) == (2, "make_pdfs.py: error: argument --content: folder 'nowhere' not found")
