"""Speed of booklet builds, in figures anyone can reproduce.

    python benchmarks/bench_booklet.py [--rounds N]

Prints, for the starter booklet in a warm process (content loaded, fonts registered): the
time to make the reading copy alone, with the imposed copy, and with the print-shop copy
as well; and the wall time of building it from a cold start (a new Python process).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spapress.render.booklets import make_booklet  # noqa: E402
from spapress.render.sheets import Press  # noqa: E402
from spapress.content.load import load_library  # noqa: E402
from spapress.content.model import Project  # noqa: E402

BOOKLET = "back-care-at-home"


def median_ms(rounds: int, action) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="repetitions for the warm figures")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", Path(out))
        library = load_library(project)
        press = Press(project, library)
        booklet = library.booklets[BOOKLET]
        made = make_booklet(press, booklet, impose_copy=True, print_shop_copy=True)  # warm up

        reading = median_ms(args.rounds, lambda: make_booklet(press, booklet, impose_copy=False, print_shop_copy=False))
        imposed = median_ms(args.rounds, lambda: make_booklet(press, booklet, impose_copy=True, print_shop_copy=False))
        every = median_ms(args.rounds, lambda: make_booklet(press, booklet, impose_copy=True, print_shop_copy=True))

        cold = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "make_pdfs.py"), BOOKLET, "--force", "--out", out, "-q"], check=True)
            cold.append(time.perf_counter() - started)

    pages = made.reading.pages
    print(f"starter booklet:                           {pages} pages, imposed on {-(-pages // 4)} sheets")
    print(f"warm, reading copy:                        {reading:.0f} ms")
    print(f"warm, reading + imposed copy:              {imposed:.0f} ms  (target < 500 ms for 12 pages)")
    print(f"warm, reading + imposed + print-shop copy: {every:.0f} ms")
    print(f"cold, make_pdfs.py {BOOKLET} (writes both): {statistics.median(cold):.2f} s")


if __name__ == "__main__":
    main()
