"""Helpers for the incremental-build tests: a larger library, and checking the manifest against the disk."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from conftest import REPO, Site

STARTER = sorted(p.stem for p in (REPO / "handouts/sheets").glob("*.yaml"))
BOOKLET = "back-care-at-home"  # the starter booklet gathers every starter handout
BOOKLET_FILES = (f"build/booklets/{BOOKLET}.pdf", f"build/booklets/{BOOKLET}-imposed.pdf")
MANIFEST = ".press-manifest.json"


def add_copies(site: Site, count: int) -> list[str]:
    """Add `count` handouts, copies of the starter sheets under new ids; returns all sheet ids."""
    sheets = sorted(site.path("handouts/sheets").glob("*.yaml"))
    for n in range(count):
        source = sheets[n % len(sheets)]
        site.write(f"handouts/sheets/{source.stem}-copy-{n:03d}.yaml", source.read_text(encoding="utf-8"))
    return sorted(p.stem for p in site.path("handouts/sheets").glob("*.yaml"))


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def assert_manifest_true(out: Path) -> dict:
    """Every output the manifest vouches for is on disk with exactly the recorded bytes."""
    recorded = manifest(out)
    for key, entry in recorded["targets"].items():
        for output in entry["outputs"]:
            path = out / output["name"]
            assert path.is_file(), f"{key}: manifest claims {output['name']}, which is missing"
            assert hashlib.sha256(path.read_bytes()).hexdigest() == output["sha256"], f"{key}: {output['name']} differs"
    return recorded


def state(out: Path) -> dict[str, tuple[bytes, int]]:
    """Each PDF's bytes and modification time, by its path inside the output folder."""
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*.pdf"))}


def booklet(reason: str) -> dict[str, str]:
    """The starter booklet's files, each made for reason, as made() reports them."""
    return dict.fromkeys(BOOKLET_FILES, reason)


def make_pdfs_command(site: Site, *argv: str) -> list[str]:
    """The real command line, run in a new process, for the project in site."""
    script = site.root / "make_pdfs.py"
    if not script.exists():
        script.write_text((REPO / "make_pdfs.py").read_text(encoding="utf-8"), encoding="utf-8")
    return [sys.executable, str(script), *argv]
