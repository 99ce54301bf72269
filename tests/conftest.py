"""Shared helpers: a private copy of the project per test, and the CLI run in-process."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from spapress.cli import main

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str


class Site:
    """A throwaway copy of the shipped content and layouts that a test may break freely."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(REPO / "handouts", root / "handouts")
        shutil.copytree(REPO / "layouts", root / "layouts")
        self.out = root / "build"

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def run(self, *argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), project=self.root, stdout=out, stderr=err)
        return Run(code, out.getvalue(), err.getvalue())

    def pdf(self, sheet_id: str) -> Path:
        return self.out / f"{sheet_id}.pdf"


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path / "site")


def single_problem(run: Run) -> str:
    """The one problem line a failed run printed (the last line is the summary)."""
    assert run.code == 2, run.out + run.err
    lines = run.err.strip().splitlines()
    assert lines[-1].endswith("no PDF was written or changed."), run.err
    assert len(lines) == 2, run.err
    return lines[0]


FINDING = re.compile(r"^(err: )?(row \d+: )?\S+: '[^']+' .*$|^(err: )?\d+ problems? found before print; the PDFs were "
                     r"made anyway \(--strict refuses them\)\.$")


def without_findings(err: str) -> str:
    """stderr less the warnings of the checks before print, for tests about other things that
    build the starter library as it stands (tests/test_preflight.py holds the checks to account)."""
    return "".join(line for line in err.splitlines(keepends=True) if not FINDING.match(line.rstrip("\n")))


def tool(*argv: str) -> str:
    """Run a real PDF tool (qpdf, pdffonts, pdftoppm, zbarimg); fail loudly if it is missing."""
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{argv[0]} failed: {result.stderr}"
    return result.stdout
