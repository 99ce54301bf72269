"""Speed of the handout build, in figures anyone can reproduce.

    python benchmarks/bench_build.py [--rounds N]

Prints: ms per handout in a warm process (content loaded, fonts registered), the time for a
whole in-process build (load + make every handout, nothing written), and the wall time of a
full build from a cold start (a new Python process running make_pdfs.py --force, writing PDFs;
benchmarks/bench_incremental.py measures the incremental cases).
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

from spapress.builds.incremental import build  # noqa: E402
from spapress.render.sheets import Press  # noqa: E402
from spapress.content.load import load_library  # noqa: E402
from spapress.content.model import Project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="repetitions for the warm figures")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as out:
        project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", Path(out))
        library = load_library(project)
        press = Press(project, library)
        sheets = list(library.sheets.values())
        for sheet in sheets:  # warm up: fonts, art, templates, styles
            press.make_sheet(sheet)

        per_handout = []
        for _ in range(args.rounds):
            for sheet in sheets:
                started = time.perf_counter()
                press.make_sheet(sheet)
                per_handout.append((time.perf_counter() - started) * 1000)

        whole = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            build(project, write=False)
            whole.append((time.perf_counter() - started) * 1000)

        cold = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "make_pdfs.py"), "--out", out, "-q", "--force"], check=True)
            cold.append(time.perf_counter() - started)

    print(f"handouts in the library:            {len(sheets)}")
    print(f"warm, per handout:                  median {statistics.median(per_handout):.1f} ms, "
          f"max {max(per_handout):.1f} ms   (target <= 20 ms)")
    print(f"warm, whole build (load + make all): median {statistics.median(whole):.0f} ms")
    print(f"cold, full build (new process):     median {statistics.median(cold):.2f} s, "
          f"min {min(cold):.2f} s   (target < 1.5 s)")


if __name__ == "__main__":
    main()
