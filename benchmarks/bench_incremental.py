"""Speed of incremental builds, in figures anyone can reproduce.

    python benchmarks/bench_incremental.py [--rounds N] [--many N]

Every figure is the wall time of a new Python process running make_pdfs.py (a cold start) on a
private copy of the starter library:

  no-op rebuild       nothing changed since the last build         (target < 0.15 s)
  one-point change    one point's wording changed                  (target < 0.5 s)
                      (with the starter booklet, which shows it, and without)
  full clean build    an empty output folder
  many handouts       N generated handouts (copies of the starter sheets under new ids),
                      clean build on every core                    (target >= 100 per second)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POINT = "handouts/points/top-of-shoulders.yaml"


def copy_project(where: Path) -> Path:
    for folder in ("handouts", "layouts"):
        shutil.copytree(ROOT / folder, where / folder)
    shutil.copy(ROOT / "make_pdfs.py", where / "make_pdfs.py")
    return where


def timed_build(project: Path, *argv: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(project / "make_pdfs.py"), "-q", *argv], check=True, cwd=project)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="repetitions for the starter-library figures")
    parser.add_argument("--many", type=int, default=1000, help="handouts in the generated library")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        project = copy_project(Path(temp) / "starter")
        out = project / "build"
        clean = []
        for _ in range(args.rounds):
            shutil.rmtree(out, ignore_errors=True)
            clean.append(timed_build(project))
        noop = [timed_build(project) for _ in range(args.rounds)]
        point = project / POINT
        original = point.read_text(encoding="utf-8")
        one_point = []
        for n in range(args.rounds):
            point.write_text(original.replace("duration:", f"duration: {n + 2} minutes #", 1), encoding="utf-8")
            one_point.append(timed_build(project))
        point.write_text(original, encoding="utf-8")

        # The same change where no booklet shows the point: the handouts alone.
        shutil.rmtree(project / "handouts/booklets")
        timed_build(project)
        handouts_only = []
        for n in range(args.rounds):
            point.write_text(original.replace("duration:", f"duration: {n + 2} minutes #", 1), encoding="utf-8")
            handouts_only.append(timed_build(project))

        many = copy_project(Path(temp) / "many")
        sheets = sorted((many / "handouts/sheets").glob("*.yaml"))
        for n in range(args.many):
            source = sheets[n % len(sheets)]
            (many / "handouts/sheets" / f"{source.stem}-{n:04d}.yaml").write_text(source.read_text(encoding="utf-8"))
        for sheet in sheets:
            sheet.unlink()
        shutil.rmtree(many / "handouts/booklets")  # it names the starter sheets; this figure is for handouts
        many_seconds = timed_build(many)
        many_noop = timed_build(many)

    cores = len(os.sched_getaffinity(0))
    print(f"starter library, cold (new process), median of {args.rounds}:")
    print(f"  no-op rebuild:       {statistics.median(noop):.3f} s   (target < 0.15 s)")
    print(f"  one-point change:    {statistics.median(one_point):.3f} s   (target < 0.5 s; remakes the booklet too)")
    print(f"  ... no booklet:      {statistics.median(handouts_only):.3f} s   (the two handouts showing the point)")
    print(f"  full clean build:    {statistics.median(clean):.3f} s")
    print(f"{args.many} generated handouts, {cores} cores:")
    print(f"  clean build:         {many_seconds:.2f} s = {args.many / many_seconds:.0f} handouts per second"
          f"   (target >= 100)")
    print(f"  no-op rebuild:       {many_noop:.2f} s")


if __name__ == "__main__":
    main()
