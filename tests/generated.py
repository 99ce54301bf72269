"""Helpers for the incremental-build tests: a larger library, and checking the manifest against the disk."""

from __future__ import annotations

import hashlib
import json
import os
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


def with_crlf(site: Site) -> None:
    """Give every text file in handouts/ and layouts/ Windows line ends, as Git leaves them there."""
    for path in sorted(site.path("handouts").rglob("*")) + sorted(site.path("layouts").rglob("*")):
        if path.suffix in (".yaml", ".j2", ".svg"):
            text = path.read_text(encoding="utf-8")
            path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))


# Runs first in every Python process that inherits the environment below, spawned workers included.
OBSERVER = '''\
"""Test helper loaded at start-up: hides fcntl when asked, and notes each worker that opens a font."""
import os
import sys

if os.environ.get("PRESS_TEST_NO_FCNTL"):
    sys.modules["fcntl"] = None  # `import fcntl` now fails, as on Windows


def _note(event, args):
    if event == "open" and str(args[0]).endswith(".ttf"):
        multiprocessing = sys.modules.get("multiprocessing")
        if multiprocessing and multiprocessing.parent_process():  # a worker, not the build hashing its inputs
            with open(os.environ["PRESS_TEST_FONT_LOG"], "a", encoding="ascii") as log:
                log.write(f"{os.getpid()}\\n")


if os.environ.get("PRESS_TEST_FONT_LOG"):
    sys.addaudithook(_note)
'''


class Observed:
    """An environment for make_pdfs.py processes with the given start method (and, with
    fcntl=False, no fcntl module in any of them) that notes which worker processes opened a font
    file: a worker does that only to make a PDF (registering the brand's fonts, once)."""

    def __init__(self, folder: Path, start_method: str, *, fcntl: bool = True):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sitecustomize.py").write_text(OBSERVER, encoding="utf-8")
        self.log = folder / "fonts.log"
        path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
        self.env = dict(os.environ, PYTHONPATH=path, SPAPRESS_START_METHOD=start_method,
                        PRESS_TEST_FONT_LOG=str(self.log))
        if not fcntl:
            self.env["PRESS_TEST_NO_FCNTL"] = "1"

    def workers_that_made_pdfs(self) -> set[int]:
        """Ids of the worker processes that have made PDFs so far."""
        return {int(pid) for pid in self.log.read_text(encoding="ascii").split()} if self.log.exists() else set()
