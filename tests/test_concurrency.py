"""Builds killed part-way and builds started together never leave a broken PDF or a lying manifest."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from conftest import Site, tool
from generated import add_copies, assert_manifest_true, make_pdfs_command

MOMENTS = (0.4, 0.6, 0.75, 0.85, 0.9, 0.95, 1.0, 1.2)  # when to kill, as a share of a full build's time
PHONES = ("(402) 555-0101", "(402) 555-0102")


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


def test_killed_builds_leave_whole_pdfs_and_a_true_manifest(library, tmp_path):
    site, ids = library
    started = time.perf_counter()
    assert build(site).returncode == 0
    full = time.perf_counter() - started
    checked: set = set()
    for attempt in range(len(MOMENTS)):
        # Every attempt has real work: the brand's phone number flips, so every handout is stale.
        site.edit("handouts/brand.yaml", PHONES[attempt % 2 - 1] if attempt else "(402) 384-8400", PHONES[attempt % 2])
        process = subprocess.Popen(make_pdfs_command(site, "-q"), cwd=site.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * MOMENTS[attempt])
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_every_pdf_whole(site, checked)
        assert_manifest_true(site.out)
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
