"""The Windows and macOS code paths, run on Linux: workers spawned rather than forked, no fcntl
module, files with CRLF line ends, a project folder named with spaces and accents. The builds are
real make_pdfs.py processes; the spawned ones must make exactly the bytes the forked ones do."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from conftest import Site, single_problem, without_findings
from generated import Observed, add_copies, make_pdfs_command, with_crlf

WAIT = 30  # seconds; generous for a busy machine, but bounded
COPIES = 8  # handouts added to the starter library: with its booklet, work enough for the pool
EVERY_COPY = ("--impose", "--print-shop")
DAY = "2026-11-24"
STOPPED = "make_pdfs.py: stopped; each PDF is either as it was or complete and new\n"


@dataclass
class Ran:
    pid: int
    code: int
    out: str
    err: str


_RUNNING: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _end_what_was_left_running():
    """A test that failed part-way may leave a build running: kill it and all it started."""
    yield
    while _RUNNING:
        process = _RUNNING.pop()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()


def start(site: Site, observed: Observed, *argv: str) -> subprocess.Popen:
    """make_pdfs.py in its own session (so a test can press Ctrl+C for the whole group, as a terminal does)."""
    process = subprocess.Popen(make_pdfs_command(site, *argv), cwd=site.root, env=observed.env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    _RUNNING.append(process)
    return process


def finish(process: subprocess.Popen) -> Ran:
    out, err = process.communicate(timeout=WAIT)
    _RUNNING.remove(process)
    return Ran(process.pid, process.returncode, out, err)


def run(site: Site, observed: Observed, *argv: str) -> Ran:
    return finish(start(site, observed, *argv))


def pdfs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.pdf"))}


def assert_same_pdfs(made: Path, reference: Path) -> None:
    expected, got = pdfs(reference), pdfs(made)
    assert sorted(got) == sorted(expected)
    for name, data in expected.items():
        assert got[name] == data, f"{name} differs"


def assert_made_by_workers(observed: Observed) -> None:
    """Worker processes made PDFs: the pool path was taken. (Perhaps only one of them: on a busy
    machine the first spawned worker can make everything before the second has imported.)"""
    assert observed.workers_that_made_pdfs(), "no worker process made a PDF"


def wait_until(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    pytest.fail(f"{what}: not within {WAIT} s")


def processes() -> dict[int, tuple[int, int]]:
    """(parent id, session id) of every live process, by id; zombies left out."""
    found = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            found[int(entry)] = (int(fields[1]), int(fields[3]))
    return found


def spawned_workers(pid: int) -> set[int] | None:
    """The two or more processes pid has spawned with multiprocessing (their command line says so), or None."""
    found = set()
    for child, (parent, _) in processes().items():
        try:
            if parent == pid and b"--multiprocessing-fork" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found if len(found) >= 2 else None


def assert_session_ends(session: int) -> None:
    """Every process of a session that start() began ends: the build and all it started."""
    wait_until(lambda: not any(sid == session for _, sid in processes().values()),
               f"processes of session {session} still running")


def holder(site: Site) -> int | None:
    """The process id the build lock's holder wrote, if any."""
    try:
        return int(site.out.joinpath(".press.pid").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The PDFs of the starter library plus COPIES handouts, every booklet copy too, built with forked workers."""
    site = Site(tmp_path_factory.mktemp("reference") / "site")
    add_copies(site, COPIES)
    built = run(site, Observed(site.root.parent / "fork", "fork"), "-q", *EVERY_COPY)
    assert built.code == 0, built.err
    return site.out


# --- builds and batches: spawned workers make the same bytes ---------------------------------------

def test_a_build_with_spawned_workers_makes_the_same_pdfs_as_with_forked_ones(site, tmp_path, reference):
    add_copies(site, COPIES)
    spawned = Observed(tmp_path / "spawn", "spawn")
    build = run(site, spawned, "-q", "--jobs", "2", *EVERY_COPY)
    assert (build.code, build.out, without_findings(build.err)) == (0, "", "")
    assert_made_by_workers(spawned)
    assert len(pdfs(site.out)) == 4 + COPIES + 3  # and the booklet in three copies
    assert_same_pdfs(site.out, reference)


def test_a_client_batch_with_spawned_workers_makes_the_same_pdfs_as_with_forked_ones(site, tmp_path):
    handouts = ("stress-relief-points", "self-massage-tools", "why-backs-get-tense", "partner-back-massage")
    rows = "".join(f"Client {n},Sam,{handouts[n % 4]},{DAY},{'calm' if n % 8 == 0 else ''},"
                   f"{'top-of-shoulders:2:3' if n % 4 == 0 else ''},{f'Note {n}.' if n % 2 == 0 else ''}\n"
                   for n in range(20))
    batch = site.write("today.csv", "name,therapist,handout,date,layout,points,note\n" + rows)
    spawned = Observed(tmp_path / "spawn", "spawn")
    made = run(site, spawned, "clients", str(batch))
    assert made.code == 0, made.err
    assert made.out.splitlines()[-1] == "20 of 20 client sheets made"
    assert_made_by_workers(spawned)

    forked = run(site, Observed(tmp_path / "fork", "fork"), "clients", str(batch), "--out", str(tmp_path / "forked"))
    assert forked.code == 0, forked.err
    assert len(pdfs(site.path("clients"))) == 20
    assert_same_pdfs(site.path("clients"), tmp_path / "forked")


# --- stopping: Ctrl+C, and a build killed outright --------------------------------------------------

def test_ctrl_c_while_spawned_workers_start_stops_the_build_in_one_line(site, tmp_path):
    add_copies(site, COPIES)
    build = start(site, Observed(tmp_path / "spawn", "spawn"), "-q", "--jobs", "2")
    wait_until(lambda: spawned_workers(build.pid), "no worker started")  # and still importing: spawn is slow
    # Ctrl+C reaches every process of the terminal's group. Hold the build itself still a moment,
    # so that its workers meet it before the build can end them, as on a busy machine.
    build.send_signal(signal.SIGSTOP)
    try:
        os.killpg(build.pid, signal.SIGINT)
        time.sleep(0.5)
    finally:
        build.send_signal(signal.SIGCONT)
    stopped = finish(build)
    assert (stopped.code, stopped.err) == (130, STOPPED)
    assert_session_ends(build.pid)


def test_without_fcntl_one_build_at_a_time_and_a_killed_one_blocks_nothing(site, tmp_path, reference):
    """As on Windows: `import fcntl` fails in every process, and workers are spawned."""
    add_copies(site, COPIES)
    site.out.mkdir()
    site.out.joinpath(".press.lock").touch()  # as a build with fcntl leaves it: that must block nothing

    windows = Observed(tmp_path / "windows", "spawn", fcntl=False)
    assert subprocess.run([sys.executable, "-c", "import fcntl"], env=windows.env, capture_output=True).returncode == 1
    first = start(site, windows, "-q", *EVERY_COPY)
    wait_until(lambda: holder(site) == first.pid, "the build never took the lock")
    first.send_signal(signal.SIGSTOP)  # hold it there, lock and all
    try:
        second = run(site, windows, "-q")
    finally:
        first.send_signal(signal.SIGCONT)
    assert (second.code, second.err) == (2, f"make_pdfs.py: error: another build is running in build/ "
                                            f"(pid {first.pid}); wait for it to finish, then run this again\n")
    built = finish(first)
    assert (built.code, built.out, without_findings(built.err)) == (0, "", "")
    assert_made_by_workers(windows)
    assert_same_pdfs(site.out, reference)

    # Killed outright while its workers make PDFs: they end with it, quietly, and the lock is free.
    earlier = windows.workers_that_made_pdfs()
    killed = start(site, windows, "-q", "--force", *EVERY_COPY)
    wait_until(lambda: holder(site) == killed.pid, "the build never took the lock")
    workers = wait_until(lambda: spawned_workers(killed.pid), "no worker started")
    wait_until(lambda: windows.workers_that_made_pdfs() - earlier, "no worker began")
    killed.send_signal(signal.SIGKILL)
    gone = finish(killed)  # its workers write to the same stderr: this waits for them too
    assert gone.code == -signal.SIGKILL
    assert "Traceback" not in gone.err, gone.err  # (multiprocessing may warn that it freed semaphores)
    wait_until(lambda: not workers & set(processes()), f"workers {workers} outlived their build")
    after = run(site, windows, "-q", *EVERY_COPY)
    assert (after.code, without_findings(after.err)) == (0, "")
    assert_same_pdfs(site.out, reference)


# --- watch mode -----------------------------------------------------------------------------------

class Lines:
    """A process's output lines, collected as they come."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.queue, self.seen = process, queue.Queue(), []
        self.pumps = [threading.Thread(target=self._pump, args=(stream, name), daemon=True)
                      for stream, name in ((process.stdout, "out"), (process.stderr, "err"))]
        for pump in self.pumps:
            pump.start()

    def _pump(self, stream, name):
        for line in stream:
            self.queue.put(f"{name}: {line.rstrip()}")

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.1)
            except queue.Empty:
                assert self.process.poll() is None, f"exited early: {self.seen}"
                continue
            self.seen.append(line)
            if text in line:
                return
        pytest.fail(f"no line with {text!r} within {WAIT} s; saw: {self.seen}")

    def rest(self) -> list[str]:
        """Every line seen, once the process has ended."""
        self.process.wait(timeout=WAIT)
        for pump in self.pumps:
            pump.join(timeout=WAIT)
        while not self.queue.empty():
            self.seen.append(self.queue.get())
        return self.seen


def test_watch_with_spawned_builds_rebuilds_on_save_and_stops_on_ctrl_c(site, tmp_path):
    watch = start(site, Observed(tmp_path / "spawn", "spawn"), "watch")
    lines = Lines(watch)
    lines.wait_for("out: watching handouts/ and layouts/ for changes")
    site.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duration: About 90 seconds #")
    lines.wait_for("out: rebuilt build/stress-relief-points.pdf (1 page, body text 9.9 pt): "
                   "points/top-of-shoulders.yaml changed")
    text = pypdf.PdfReader(site.pdf("stress-relief-points")).pages[0].extract_text()
    assert "About 90 seconds" in " ".join(text.split())

    # Ctrl+C just as the next rebuild's process starts: everything stops, quietly.
    site.edit("handouts/points/top-of-shoulders.yaml", "About 90", "About 60")
    lines.wait_for("out: changed: handouts/points/top-of-shoulders.yaml")
    os.killpg(watch.pid, signal.SIGINT)
    seen = lines.rest()
    assert finish(watch).code == 0, seen
    assert seen[-1] == "out: stopped watching", seen
    assert not [line for line in seen if line.startswith("err: ") and without_findings(line)], seen
    assert_session_ends(watch.pid)


# --- files from Windows, folders named by people ---------------------------------------------------

def test_crlf_files_in_a_folder_with_spaces_and_accents_make_the_same_pdfs(tmp_path, reference):
    site = Site(tmp_path / "Faces Spa" / "Été")
    add_copies(site, COPIES)
    with_crlf(site)
    spawned = Observed(tmp_path / "spawn", "spawn")
    build = run(site, spawned, "-q", "--jobs", "2", *EVERY_COPY)
    assert (build.code, without_findings(build.err)) == (0, "")
    assert_made_by_workers(spawned)
    assert_same_pdfs(site.out, reference)


def test_mistakes_in_crlf_files_name_the_right_line(tmp_path):
    site = Site(tmp_path / "Faces Spa" / "Été")
    with_crlf(site)
    point, other = site.path("handouts/points/top-of-shoulders.yaml"), site.path("handouts/points/base-of-spine.yaml")
    original, other_original = point.read_bytes(), other.read_bytes()
    point.write_bytes(original + b"cautions: [unclosed\r\n")
    other.write_bytes(b"name: [unclosed\r\nregion: x\r\n")
    syntax = "YAML syntax error: while parsing a flow sequence, did not find expected ',' or ']'; " \
             "check indentation, colons and quotes"
    checked = site.run("--check")
    assert checked.err.splitlines()[:-1] == [f"handouts/points/base-of-spine.yaml:2: {syntax}",
                                             f"handouts/points/top-of-shoulders.yaml:19: {syntax}"]

    other.write_bytes(other_original)
    point.write_bytes(original.replace(b"duration:", b"duraton:"))
    assert single_problem(site.run("--check")) == \
        "handouts/points/top-of-shoulders.yaml:9: unknown key 'duraton' (did you mean 'duration'?)"

    point.write_bytes(original.replace(b"never the bones", "never \N{SNOWMAN} the bones".encode()))
    assert single_problem(site.run("--check")) == (
        "handouts/points/top-of-shoulders.yaml:12: the character '\N{SNOWMAN}' (U+2603) is not in the font "
        "NotoSans-Italic; remove it or choose a font that has it")
