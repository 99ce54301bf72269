"""Builds killed part-way and builds started together never leave a broken PDF or a lying manifest."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Site, tool
from generated import MANIFEST, add_copies, assert_manifest_true, make_pdfs_command


def staged(name: str) -> bool:
    """A new PDF waiting in its hidden temporary file (.NAME.pdf.XXXX.tmp) to be renamed into place."""
    return name.rpartition("/")[2].startswith(".") and ".pdf." in name and name.endswith(".tmp")


# When to kill a build: the moment the output folder shows it writing, each time at another stage.
KILL_WHEN = (
    ("a new PDF is staged", lambda before, now: any(staged(name) and name not in before for name in now)),
    ("a PDF is replaced", lambda before, now: any(name.endswith(".pdf") and now[name] != before.get(name) for name in now)),
    ("the manifest is rewritten", lambda before, now: now.get(MANIFEST) != before.get(MANIFEST)),
)
ATTEMPTS = 8


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[Site, list[str]]:
    site = Site(tmp_path_factory.mktemp("many") / "site")
    return site, add_copies(site, 28)


def build(site: Site, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(make_pdfs_command(site, "-q", *argv), capture_output=True, text=True, cwd=site.root)


def assert_every_pdf_whole(site: Site, checked: set | None = None) -> None:
    """qpdf --check every PDF; with `checked`, skip files already checked and not replaced since."""
    for path in sorted(site.out.rglob("*.pdf")):
        stat = path.stat()
        seen = (path.name, stat.st_ino, stat.st_mtime_ns)
        if checked is None or seen not in checked:
            assert "No syntax or stream encoding errors" in tool("qpdf", "--check", str(path)), path.name
            if checked is not None:
                checked.add(seen)


def assert_same_as_clean_build(site: Site, ids: list[str], clean) -> None:
    assert build(site, "--out", str(clean)).returncode == 0
    assert sorted(p.stem for p in site.out.glob("*.pdf")) == ids
    names = sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*.pdf"))
    assert names == sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*.pdf"))
    for name in names:
        assert (site.out / name).read_bytes() == (clean / name).read_bytes(), name


def output_files(out: Path) -> dict[str, int]:
    """The inode of every file in the output folder and booklets/; a file renamed into place has a new one."""
    found = {}
    for prefix, folder in (("", out), ("booklets/", out / "booklets")):
        with os.scandir(folder) as entries:
            found.update((prefix + entry.name, entry.inode()) for entry in entries)
    return found


def kill_when(site: Site, writing) -> tuple[dict, dict]:
    """Start a build and kill it the moment writing(before, now) is true of its output folder;
    returns the folder's files before the build and after the kill."""
    before = output_files(site.out)
    process = subprocess.Popen(make_pdfs_command(site, "-q"), cwd=site.root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not writing(before, output_files(site.out)):
        time.sleep(0.0005)
    process.kill()
    process.wait()
    return before, output_files(site.out)


def test_killed_builds_leave_whole_pdfs_and_a_true_manifest(library, tmp_path):
    site, ids = library
    assert build(site).returncode == 0
    checked: set = set()
    # Every attempt has real work: a new phone number in the brand makes every PDF stale.
    phones = ["(402) 384-8400"] + [f"(402) 555-01{attempt:02d}" for attempt in range(ATTEMPTS)]
    landed = []  # for each kill: (when, PDFs still waiting to be renamed into place, PDFs replaced, PDFs in all)
    for attempt in range(ATTEMPTS):
        site.edit("handouts/brand.yaml", phones[attempt], phones[attempt + 1])
        when, writing = KILL_WHEN[attempt % len(KILL_WHEN)]
        before, after = kill_when(site, writing)
        pdfs = [name for name in before if name.endswith(".pdf")]
        landed.append((when, sum(staged(name) and name not in before for name in after),
                       sum(after.get(name) != before[name] for name in pdfs), len(pdfs)))
        assert_every_pdf_whole(site, checked)
        assert_manifest_true(site.out)
    # The kills landed while files were being written, not only before or after.
    assert any(waiting and not replaced for _, waiting, replaced, _ in landed), \
        f"no kill landed while new PDFs were being staged with every old one in place: {landed}"
    assert any(0 < replaced < total for _, _, replaced, total in landed), \
        f"no kill landed while PDFs were being replaced, some new and some old: {landed}"
    finished = build(site)
    assert finished.returncode == 0, finished.stderr
    assert not list(site.out.rglob(".*.tmp")), "temporary files of killed builds were left behind"
    assert_every_pdf_whole(site)
    assert len(assert_manifest_true(site.out)["targets"]) == len(ids) + 1  # and the booklet
    assert_same_as_clean_build(site, ids, tmp_path / "clean")


def test_two_builds_at_once_end_with_correct_outputs(library, tmp_path):
    site, ids = library
    site.edit("handouts/brand.yaml", "Omaha, Nebraska", "Lincoln, Nebraska")
    first, second = (subprocess.Popen(make_pdfs_command(site, "-q"), cwd=site.root, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2))
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in (first, second)]
    for p in (first, second):
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    assert codes[0] == 0, results
    for code, _, err in results:
        if code:
            assert code == 2
            assert err.startswith("make_pdfs.py: error: another build is running in build/ (pid "), err
            assert len(err.splitlines()) == 1
    assert_every_pdf_whole(site)
    assert_manifest_true(site.out)
    assert_same_as_clean_build(site, ids, tmp_path / "clean")
