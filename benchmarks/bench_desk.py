"""Speed of the desk app, in figures anyone can reproduce.

    python benchmarks/bench_desk.py [--rounds N]

Prints: the time from starting `make_pdfs.py desk` (a new Python process) until its first
page has been served, and the time of a live preview once the app is warm (the sheet checked,
made by the warm press and drawn as a PNG, over HTTP on loopback), as median and worst, and
the time to measure the room for the note on a sheet not seen before.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Visitor:
    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        answer = connection.getresponse()
        text = answer.read()
        if answer.getheader("Set-Cookie"):
            self.cookie = answer.getheader("Set-Cookie").split(";", 1)[0]
        connection.close()
        return answer.status, text


def in_process(form: dict, rounds: int) -> list[float]:
    """The same work without HTTP: the desk's check, the warm press, the PNG."""
    sys.path.insert(0, str(ROOT))
    from spapress.desk.actions import Desk
    from spapress.desk.preview import page_png

    with tempfile.TemporaryDirectory() as clients:
        desk = Desk(ROOT, ROOT / "handouts", ROOT / "layouts", Path(clients), ROOT / "build")
        values = {**form, "points": ["top-of-shoulders:2:3"]}
        times = []
        for round_number in range(rounds + 3):
            values["note"] = f"Ease off the left shoulder for {round_number + 2} days."
            begin = time.perf_counter()
            visit, problems = desk.check(values, "the benchmark")
            assert not problems, problems
            page_png(desk.make(visit).data)
            times.append(time.perf_counter() - begin)
    return times[3:]


def room_measured(form: dict, rounds: int) -> list[float]:
    """The room for the note measured afresh (a sheet not seen before: here, another name each time)."""
    from spapress.desk.actions import Desk

    with tempfile.TemporaryDirectory() as clients:
        desk = Desk(ROOT, ROOT / "handouts", ROOT / "layouts", Path(clients), ROOT / "build")
        values = {**form, "points": ["top-of-shoulders:2:3"]}
        times = []
        for round_number in range(rounds + 1):
            values["name"] = "Ana " + "Lima" + "a" * round_number
            visit, problems = desk.check(values, "the benchmark")
            assert not problems, problems
            begin = time.perf_counter()
            desk.note_room(visit)
            times.append(time.perf_counter() - begin)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="previews to time once warm (default: 30)")
    args = parser.parse_args()
    port = free_port()
    clients = tempfile.mkdtemp(prefix="spapress-bench-desk-")  # a preview writes nothing, but just in case
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, str(ROOT / "make_pdfs.py"), "desk", "--no-browser", "--port", str(port),
                               "--out", clients],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        visitor = Visitor(port)
        while True:
            try:
                status, page = visitor.request("GET", "/sheet/new")
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(server.stderr.read().decode())
                time.sleep(0.01)
        first_page = time.perf_counter() - started
        assert status == 200, status
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        check = re.search(rb'data-check="([^"]+)"', page).group(1).decode()
        picture = re.search(rb'data-preview="([^"]+)"', page).group(1).decode()
        form = {"name": "Ana Lima", "therapist": "Sam", "date": "2026-11-24", "handout": "stress-relief-points",
                "points": ["top-of-shoulders"], "points-top-of-shoulders-minutes": "2",
                "points-top-of-shoulders-times": "3", "note": "Ease off the left shoulder for two days."}
        times = []
        for round_number in range(args.rounds + 3):  # the first three warm the press and fonts
            form["note"] = f"Ease off the left shoulder for {round_number + 2} days."
            begin = time.perf_counter()
            status, answer = visitor.request("POST", check, form, {"X-CSRF-Token": token})
            assert status == 200 and b'"ready":true' in answer, answer
            status, png = visitor.request("GET", picture)
            assert status == 200 and png.startswith(b"\x89PNG"), status
            times.append(time.perf_counter() - begin)
        warm = times[3:]
        inside = in_process(form, args.rounds)
        room = room_measured(form, min(args.rounds, 10))
        print(f"start to first page:   {first_page * 1000:7.0f} ms (make_pdfs.py desk in a new process)")
        print(f"live preview, warm:    {statistics.median(warm) * 1000:7.1f} ms median, "
              f"{max(warm) * 1000:.1f} ms worst of {len(warm)} (check, make, draw PNG, over HTTP)")
        print(f"  of which in-process: {statistics.median(inside) * 1000:7.1f} ms median (check, make, draw PNG)")
        print(f"room for the note:     {statistics.median(room) * 1000:7.1f} ms median to measure for a sheet not seen "
              f"before (then remembered: a changed note costs nothing)")
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


if __name__ == "__main__":
    main()
