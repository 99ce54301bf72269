"""Every speed target of the press in one run, as ratios against hand-written ReportLab.

    python benchmarks/bench_targets.py [--rounds N] [--peers PYTHON] [--skip-batches]

The yardstick is benchmarks/reference_handout.py: the 'why-backs-get-tense' handout written by
hand with ReportLab (platypus, and plain canvas), made in this same run, interleaved with
ours so that the machine's load falls on both alike. The load average is printed at the start
and the end; on a busy machine read the ratios, not the absolute times.

  cold       one handout as a whole new process (CPU and wall), and one client sheet
  warm       one handout in a process that has made it before
  size       bytes of each handout
  batches    300-visit client batch and 1,000 handouts from a cold start (per second, peak
             memory of the largest process), 1 versus 2 workers, a 5,000-row export, and the
             peak memory of a 20,000-row export
  rebuilds   one-point change with the booklet, and a no-op rebuild

--peers names a Python that has the `typst` and `weasyprint` packages (not dependencies of the
press: `python3 -m venv /tmp/peers && /tmp/peers/bin/pip install typst weasyprint jinja2 pyyaml`);
their handouts (benchmarks/peer_handout.py) are then timed too.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SHEET = "why-backs-get-tense"
DAY = "2026-11-24"
SHEETS = ("stress-relief-points", "self-massage-tools", "partner-back-massage", "why-backs-get-tense")
PICKS = ("top-of-shoulders:2:3", "base-of-spine:1:2")
FLOOR = ("from reportlab.pdfgen.canvas import Canvas; c = Canvas('{out}'); c.drawString(72, 720, 'Hello'); "
         "c.showPage(); c.save()")


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else "load average unknown"


def measure(command: list[str], cwd: Path = ROOT) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB of the largest process) of one command, its own children included."""
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout's press, also for copies of make_pdfs.py
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a real install keeps compiled modules: so do the runs here
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def csv_of_visits(path: Path, count: int) -> Path:
    path.write_text("name,therapist,handout,date,points,note\n" + "".join(
        f"Client {n},Sam,{SHEETS[n % len(SHEETS)]},{DAY},{PICKS[n % 2]},Drink water and rest.\n"
        for n in range(count)), encoding="utf-8")
    return path


def copy_project(to: Path) -> Path:
    for name in ("handouts", "layouts"):
        shutil.copytree(ROOT / name, to / name)
    shutil.copy(ROOT / "make_pdfs.py", to / "make_pdfs.py")  # its folder is the project it builds
    return to


def cold(rounds: int, temp: Path, peers: str | None) -> dict[str, list[tuple[float, float, float]]]:
    python, make = sys.executable, str(ROOT / "make_pdfs.py")
    commands = {
        "floor: import ReportLab, one line": [python, "-c", FLOOR.format(out=temp / "floor.pdf")],
        "hand-written platypus": [python, str(HERE / "reference_handout.py"), "platypus", str(temp / "p.pdf")],
        "hand-written canvas": [python, str(HERE / "reference_handout.py"), "canvas", str(temp / "c.pdf")],
        "ours: build one handout": [python, make, SHEET, "--force", "-q", "--out", str(temp / "build")],
        "ours: one client sheet": [python, make, "client", SHEET, "--name", "Ana Lima", "--therapist", "Sam",
                                   "--date", DAY, "--out", str(temp / "clients")],
    }
    if peers:
        for engine in ("typst", "weasyprint"):
            commands[engine] = [peers, str(HERE / "peer_handout.py"), engine, str(temp / f"{engine}.pdf")]
    for command in commands.values():  # once unmeasured: disk caches, compiled bytecode
        measure(command)
    figures: dict[str, list] = {name: [] for name in commands}
    for _ in range(rounds):  # interleaved, so a busy moment falls on every one alike
        for name, command in commands.items():
            figures[name].append(measure(command))
    return figures


def warm(rounds: int, temp: Path, peers: str | None) -> dict[str, float]:
    import reference_handout
    from spapress.content.load import load_library
    from spapress.content.model import Project
    from spapress.render.sheets import Press

    project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", temp / "warm")
    library = load_library(project)
    press = Press(project, library)
    sheet = library.sheets[SHEET]
    makers = {"ours": lambda: press.make_sheet(sheet),
              "hand-written platypus": lambda: reference_handout.platypus(io.BytesIO()),
              "hand-written canvas": lambda: reference_handout.canvas_only(io.BytesIO())}
    times: dict[str, list[float]] = {name: [] for name in makers}
    for maker in makers.values():
        maker()
    for _ in range(rounds):
        for name, maker in makers.items():
            started = time.perf_counter()
            maker()
            times[name].append((time.perf_counter() - started) * 1000)
    medians = {name: statistics.median(values) for name, values in times.items()}
    if peers:
        for engine in ("typst", "weasyprint"):
            said = subprocess.run([peers, str(HERE / "peer_handout.py"), engine, str(temp / f"{engine}.pdf"), str(rounds)],
                                  capture_output=True, text=True, check=True).stdout.split()
            medians[engine] = float(said[-1])
    return medians


def batches(temp: Path, rounds: int) -> list[str]:
    python, make = sys.executable, str(ROOT / "make_pdfs.py")
    lines = []
    visits = csv_of_visits(temp / "visits-300.csv", 300)
    runs = [measure([python, make, "clients", str(visits), "--out", str(temp / f"c300-{n}")]) for n in range(rounds)]
    wall, _, peak = min(runs)
    lines.append(f"  client batch of 300, cold:   {wall:.2f} s = {300 / wall:.0f} sheets/s, peak {peak:.0f} MB"
                 f"   (target >= 100/s, <= 80 MB)")

    # Before the 1,000-handout rebuilds: each of those replaces 1,000 files, and on a disk
    # without a journal (ext4 here) every new file then skips past the inodes freed in the
    # last minute or more, which costs a batch that writes thousands of new files seconds of
    # system time that belong to the rebuilds before it, not to the export.
    visits = csv_of_visits(temp / "visits-5000.csv", 5000)
    wall, _, peak = min(measure([python, make, "clients", str(visits), "--out", str(temp / f"c5000-{n}")])
                        for n in range(2))  # best of two, as every batch figure here: this machine's neighbours vary
    lines.append(f"  5,000-row export:            {wall:.2f} s = {5000 / wall:.0f} sheets/s, peak {peak:.0f} MB"
                 f"   (target < 20 s, < 150 MB)")

    many = copy_project(temp / "many")
    sheets = sorted((many / "handouts/sheets").glob("*.yaml"))
    for n in range(1000):
        source = sheets[n % len(sheets)]
        (many / "handouts/sheets" / f"{source.stem}-{n:04d}.yaml").write_text(source.read_text(encoding="utf-8"))
    for sheet in sheets:
        sheet.unlink()
    shutil.rmtree(many / "handouts/booklets")
    for jobs in (1, 2):
        wall, cpu, peak = min(measure([python, str(many / "make_pdfs.py"), "--force", "-q", "--jobs", str(jobs), "--out", str(temp / "out-many")],
                                      cwd=many) for _ in range(max(1, rounds - 1)))
        lines.append(f"  1,000 handouts, {jobs} worker{'s' if jobs > 1 else ' '}:  {wall:.2f} s = {1000 / wall:.0f} handouts/s, "
                     f"peak {peak:.0f} MB   (target >= 100/s, <= 80 MB)")

    # Last: memory at a size no spa's day reaches, to show it stays flat (its 20,000 new files
    # would slow the runs after it, see above).
    visits = csv_of_visits(temp / "visits-20000.csv", 20000)
    wall, _, peak = measure([python, make, "clients", str(visits), "--out", str(temp / "c20000")])
    lines.append(f"  20,000-row export:           {wall:.2f} s = {20000 / wall:.0f} sheets/s, peak {peak:.0f} MB"
                 f"   (target <= 80 MB at any batch size)")
    return lines


def rebuilds(temp: Path, rounds: int) -> list[str]:
    python = sys.executable
    project = copy_project(temp / "rebuilds")
    build = [python, str(project / "make_pdfs.py"), "-q"]
    measure(build, cwd=project)
    noop = [measure(build, cwd=project)[0] for _ in range(rounds)]
    point = project / "handouts/points/top-of-shoulders.yaml"
    original = point.read_text(encoding="utf-8")
    one_point = []
    for n in range(rounds):
        point.write_text(original.replace("duration:", f"duration: {n + 2} minutes #", 1), encoding="utf-8")
        one_point.append(measure(build, cwd=project)[0])
    return [f"  one-point change + booklet:  median {statistics.median(one_point):.3f} s   (target < 0.5 s)",
            f"  no-op rebuild:               median {statistics.median(noop):.3f} s   (target < 0.15 s)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="interleaved repetitions of each cold figure")
    parser.add_argument("--peers", metavar="PYTHON", help="a Python with typst and weasyprint installed")
    parser.add_argument("--skip-batches", action="store_true", help="leave out the batch figures (minutes)")
    args = parser.parse_args()
    print(f"start: {load()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        temp = Path(folder)
        figures = cold(args.rounds, temp, args.peers)
        base_cpu = statistics.median(f[1] for f in figures["hand-written platypus"])
        base_wall = statistics.median(f[0] for f in figures["hand-written platypus"])
        print(f"cold, a new process each, median of {args.rounds} interleaved (ratio to hand-written platypus):")
        for name, runs in figures.items():
            cpu, wall = statistics.median(f[1] for f in runs), statistics.median(f[0] for f in runs)
            print(f"  {name:36} CPU {cpu * 1000:5.0f} ms ({cpu / base_cpu:4.2f}x)   wall {wall * 1000:5.0f} ms "
                  f"({wall / base_wall:4.2f}x)   peak {max(f[2] for f in runs):3.0f} MB")
        print("  targets: ours <= 1.2x platypus, <= 0.25x weasyprint; stretch within 2x typst")

        medians = warm(args.rounds * 5, temp, args.peers)
        print(f"warm, one handout in a process that made it before, median of {args.rounds * 5}:")
        for name, value in medians.items():
            print(f"  {name:36} {value:6.1f} ms ({value / medians['hand-written platypus']:4.2f}x platypus)")
        print("  targets: ours <= 0.9x platypus; stretch <= 1.5x typst")

        sizes = {"ours": (temp / "build" / f"{SHEET}.pdf").stat().st_size,
                 "hand-written platypus": (temp / "p.pdf").stat().st_size,
                 "hand-written canvas": (temp / "c.pdf").stat().st_size}
        sizes.update({e: (temp / f"{e}.pdf").stat().st_size for e in ("typst", "weasyprint") if args.peers})
        print("size of the handout:   " + ", ".join(f"{n} {s / 1024:.1f} KB" for n, s in sizes.items())
              + "   (target ours <= 40 KB)")
        print("rebuilds, a new process each:")
        print("\n".join(rebuilds(temp, args.rounds)))
        if not args.skip_batches:
            print("batches, a new process each (best of the runs):")
            print("\n".join(batches(temp, max(1, args.rounds // 3))))
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
