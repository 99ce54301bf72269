"""The worker pool: one versus two (or more) workers, and how many items to hand a worker at once.

    python benchmarks/bench_pool.py [--items N] [--rounds N]

Makes N handouts (the starter sheets, over and over) through builds/pool.each_made, exactly as
a build does, writing nothing, for each worker count and chunk size; prints the best wall
time of the rounds as handouts per second, and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spapress.builds.pool import cores, each_made  # noqa: E402
from spapress.content.load import load_library  # noqa: E402
from spapress.content.model import Project  # noqa: E402
from spapress.render.sheets import Press  # noqa: E402


def _make(press: Press, sheet_id: str) -> int:
    return len(press.make_sheet(press.library.sheets[sheet_id]).data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("start: load average %.2f %.2f %.2f" % os.getloadavg())
    with tempfile.TemporaryDirectory() as out:
        project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", Path(out))
        press = Press(project, load_library(project))
        ids = sorted(press.library.sheets)
        items = [ids[n % len(ids)] for n in range(args.items)]
        for sheet_id in ids:  # warm up: fonts, art and templates, which forked workers inherit
            _make(press, sheet_id)
        for workers in sorted({1, 2, cores()}):
            for chunk in ((1,) if workers == 1 else (1, 2, 4, 8, 16)):
                best = float("inf")
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    for _ in each_made(press, _make, items, workers=workers, pool=True, chunk=chunk):
                        pass
                    best = min(best, time.perf_counter() - started)
                label = "in this process" if workers == 1 else f"{workers} workers, chunks of {chunk:2}"
                print(f"  {label:26} {args.items / best:6.0f} handouts/s")
    print("end: load average %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
