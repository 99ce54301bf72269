"""The builder's fingerprint covers exactly the code that shapes a PDF: content and render, searched
recursively, plus the libraries they draw with. Run on a private copy of the package."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO, Site
from generated import STARTER

PACKAGE = REPO / "spapress"


@pytest.fixture
def own_press(site: Site) -> Site:
    """The site with its own make_pdfs.py and copy of the package, which a test may edit."""
    shutil.copytree(PACKAGE, site.root / "spapress", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "make_pdfs.py", site.root / "make_pdfs.py")
    return site


def build(site: Site) -> str:
    # The script's own folder comes first on the import path, so the copy beside it is what runs.
    result = subprocess.run([sys.executable, str(site.root / "make_pdfs.py")], cwd=site.root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "spapress" not in result.stderr
    return result.stdout


def append_comment(site: Site, module: str) -> None:
    path = site.root / "spapress" / module
    path.write_text(path.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")


def test_the_copy_is_the_code_that_runs(own_press):
    (own_press.root / "spapress" / "render" / "flowables.py").write_text("raise SystemExit('the copy ran')\n")
    result = subprocess.run([sys.executable, str(own_press.root / "make_pdfs.py")], cwd=own_press.root,
                            capture_output=True, text=True, check=False)
    assert "the copy ran" in result.stderr


def test_code_that_does_not_draw_rebuilds_nothing(own_press):
    build(own_press)
    for module in ("clients/smtp.py", "clients/letter.py", "builds/pool.py", "cli/build.py", "errors.py"):
        append_comment(own_press, module)
    said = build(own_press)
    assert f"0 handouts built, {len(STARTER) + 1} unchanged" in said, said


@pytest.mark.parametrize("module", ["render/elements/blocks.py", "content/load.py"])
def test_code_that_draws_rebuilds_everything(own_press, module):
    build(own_press)
    append_comment(own_press, module)
    said = build(own_press)
    assert said.count(": the builder changed") == len(STARTER) + 2, said  # the booklet and its imposed copy
