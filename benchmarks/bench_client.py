"""Speed of client sheets, in figures anyone can reproduce.

    python benchmarks/bench_client.py [--batch N] [--rounds N]

Prints: the wall time of `make_pdfs.py client …` from a cold start (a new Python process,
until the PDF is written), the time per client sheet in a warm process, and the throughput
of `make_pdfs.py clients FILE.csv` for a batch of N visits (a new process, all PDFs written).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spapress.clients.visits import Checker  # noqa: E402
from spapress.content.load import load_library, sheet_layouts  # noqa: E402
from spapress.content.model import Project  # noqa: E402
from spapress.clients.sheets import make_client_pdf  # noqa: E402
from spapress.render.sheets import Press  # noqa: E402

DAY = "2026-11-24"
PICKS = ("top-of-shoulders:2:3", "base-of-spine:1:2")
SHEETS = ("stress-relief-points", "self-massage-tools", "partner-back-massage", "why-backs-get-tense")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=200, help="visits in the batch (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="repetitions of each cold measurement")
    args = parser.parse_args()
    make_pdfs = str(ROOT / "make_pdfs.py")

    with tempfile.TemporaryDirectory() as out:
        cold = []
        for n in range(args.rounds):
            started = time.perf_counter()
            subprocess.run([sys.executable, make_pdfs, "client", "stress-relief-points", "--name", f"Ana Lima {n}",
                            "--therapist", "Sam", "--date", DAY, "--point", PICKS[0], "--technique", "kneading:5",
                            "--note", "Ease off the left shoulder for two days.", "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
            cold.append(time.perf_counter() - started)

        project = Project(ROOT, ROOT / "handouts", ROOT / "layouts", Path(out))
        library = load_library(project)
        press = Press(project, library)
        checker = Checker(library, sheet_layouts(project), press.missing_glyph, press.font_label(), date.today())
        visits = [checker.visit({"name": f"Client {n}", "therapist": "Sam", "handout": SHEETS[n % len(SHEETS)],
                                 "date": DAY, "points": PICKS[n % 2]}, "bench")[0] for n in range(40)]
        for visit in visits[:8]:
            make_client_pdf(press, visit, Path(out))  # warm up: fonts, art, templates
        warm = []
        for visit in visits:
            started = time.perf_counter()
            make_client_pdf(press, visit, Path(out))
            warm.append((time.perf_counter() - started) * 1000)

        csv = Path(out) / "batch.csv"
        csv.write_text("name,therapist,handout,date,points,note\n" + "".join(
            f"Client {n},Sam,{SHEETS[n % len(SHEETS)]},{DAY},{PICKS[n % 2]},Drink water and rest.\n"
            for n in range(args.batch)), encoding="utf-8")
        batch = []
        for _ in range(max(1, args.rounds // 2)):
            started = time.perf_counter()
            subprocess.run([sys.executable, make_pdfs, "clients", str(csv), "--out", str(Path(out) / "batch")],
                           check=True, stdout=subprocess.DEVNULL)
            batch.append(time.perf_counter() - started)

    print(f"cold start to finished client PDF:  median {statistics.median(cold) * 1000:.0f} ms, "
          f"best {min(cold) * 1000:.0f} ms (target < 300 ms)")
    print(f"client sheet in a warm process:     median {statistics.median(warm):.1f} ms")
    best = min(batch)
    print(f"batch of {args.batch} from a cold start:     {best:.2f} s = {args.batch / best:.0f} sheets/s "
          f"(target >= 100 sheets/s)")


if __name__ == "__main__":
    main()
