"""The whole story of a build: find what is stale, make it (on all cores), then write.

A build hashes the source files and compares them with the manifest in the output folder;
only targets whose inputs, builder or output file changed are made again. New PDFs wait in
hidden temporary files until every stale target has been made, so a build with any problem
leaves earlier PDFs exactly as they were. A build holds the output folder's lock throughout
and keeps the manifest true at every moment: a target's record is dropped before its files
are replaced and added back after.

Making lives in make.py and is imported only when something must be made, so a build with
nothing to do never loads ReportLab.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..content.model import Library, Project
from ..errors import UnknownId
from .files import stage_file
from .lock import build_lock
from .pool import WRITE_AHEAD, WRITERS
from .manifest import (Manifest, fresh_entry, output_state, read_manifest, record_output, remove_leftovers,
                       why_stale, write_manifest)
from .targets import Target, builder_version, hash_bytes, hash_file, plan, source_files

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..render.pages import ComposedPdf

WRITE_BATCH = 250  # outputs published between two manifest updates


@dataclass(frozen=True)
class Built:
    """One finished output file: where it goes, what it is, and why it was made."""

    id: str
    path: Path
    pdf: ComposedPdf
    why: str = ""
    kind: str = "sheet"     # the target's kind: sheet or booklet
    same: bool = False      # made again byte for byte as before, so the file was left untouched


@dataclass(frozen=True)
class BuildReport:
    """What a build did: files made, targets left as they were, and outputs removed."""

    built: tuple[Built, ...]
    unchanged: tuple[str, ...]
    removed: tuple[tuple[Path, str], ...]   # each removed file and why
    library: Library | None = None          # the content as read, in its own layouts; None if not read

    @property
    def made(self) -> int:
        """How many targets were made (a target may write more than one file)."""
        return len({(item.kind, item.id) for item in self.built})

    def made_of(self, kind: str) -> int:
        return len({item.id for item in self.built if item.kind == kind})


def select_targets(targets: list[Target], ids: list[str] | None) -> list[Target]:
    """The targets with the given ids (all when none are given); an unknown id is UnknownId."""
    if not ids:
        return targets
    by_id = {target.id: target for target in targets}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise UnknownId(unknown[0], tuple(by_id))
    return [by_id[i] for i in dict.fromkeys(ids)]


def build(project: Project, ids: list[str] | None = None, *, write: bool = True, force: bool = False,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None,
          impose: bool = False, print_shop: bool = False, layout: str | None = None) -> BuildReport:
    """Bring the requested outputs (all by default) up to date; with write=False, make every
    requested one to check it and write nothing. Raises ContentError listing every problem.

    impose and print_shop add those copies to every booklet, on top of what its file asks for.
    layout makes every handout in that layout instead of its own, and no booklets (the
    large-print copies, in a folder of their own)."""
    copies = {"impose": impose, "print_shop": print_shop}
    if not write:
        content = load_content(project)
        library = in_layout(content, layout)
        chosen = select_targets(plan(project, library, source_files(project), **copies), ids)
        made = _make(project, library, chosen, workers, progress)  # with their bytes: the checks read them
        return BuildReport(_as_built(chosen, made, {}), (), (), content)

    with build_lock(project.out, project.show(project.out)):
        remove_leftovers(project.out)
        manifest = read_manifest(project.out)
        builder = builder_version()
        files = source_files(project)
        sources = {name: hash_file(path) for name, path in files.items()}
        if not (force or impose or print_shop):  # extra copies may be new: look properly
            unchanged = up_to_date(project, manifest, sources, builder, ids)
            if unchanged is not None:
                return BuildReport((), unchanged, ())

        content = load_content(project)
        library = in_layout(content, layout)
        targets = plan(project, library, files, **copies)
        chosen = select_targets(targets, ids)
        for target in targets:  # inputs outside the content and layouts folders
            sources.update((name, hash_file(Path(name))) for name in target.inputs if name not in sources)
        stale = {target.key: why_stale(target, manifest.entries.get(target.key), sources, builder, project.out)
                 for target in targets}
        chosen_keys = {target.key for target in chosen}
        if force:
            stale.update((key, "--force") for key in chosen_keys)
        to_make = [target for target in chosen if stale[target.key]]
        staged = _Staged({target.key: target for target in to_make})
        try:
            made = _make(project, library, to_make, workers, progress, staged.add) if to_make else {}
            staged.finish()
            # Only a build that left everything as the content asks may vouch for it wholesale; one
            # that made extra booklet copies may not, so the next plain build drops those copies.
            complete = not (impose or print_shop) and not any(why for key, why in stale.items() if key not in chosen_keys)
            removed, kept = _write(project, manifest, targets, to_make, staged, sources, complete, builder)
        finally:
            staged.discard()
        built = _as_built(to_make, made, stale, kept)
        unchanged = tuple(target.id for target in chosen if not stale[target.key])
        return BuildReport(built, unchanged, removed, content)


def load_content(project: Project) -> Library:
    from ..content.load import load_library  # YAML and the content checks: not for a build with nothing to do

    return load_library(project)


def in_layout(library: Library, layout: str | None) -> Library:
    """The library with every handout in `layout` and no booklets; as it is when layout is None."""
    if layout is None:
        return library
    sheets = {sheet_id: replace(sheet, layout=layout) for sheet_id, sheet in library.sheets.items()}
    return replace(library, sheets=sheets, booklets={})


def _make(project, library, targets, workers, progress, on_made=None):
    from .make import make_all  # loads ReportLab: only now that something must be made

    return make_all(project, library, targets, workers, progress, on_made)


class _Staged:
    """New output files written to hidden temporary files as soon as each target is made, so
    disk writes overlap the making; published by _write, deleted if the build fails.

    The writing (and flushing to disk, which is most of its time) happens on a few threads:
    a disk finishes several flushes together in about the time of one. At most WRITE_AHEAD
    PDFs wait for a writer, so memory stays bounded whatever the size of the build."""

    def __init__(self, targets: dict[str, Target]):
        self.targets = targets
        self.temp: dict[Path, Path] = {}      # output path -> temporary file with its new bytes
        self.sha256: dict[Path, str] = {}
        self._writes: dict[Path, Future] = {}
        self._room = threading.BoundedSemaphore(WRITE_AHEAD)
        self._writer: ThreadPoolExecutor | None = None

    def add(self, key: str, pdfs) -> None:
        if self._writer is None:  # started only now: the worker pool, if any, was forked before
            from concurrent.futures import ThreadPoolExecutor  # with logging: a build with nothing to make never needs them

            self._writer = ThreadPoolExecutor(WRITERS, thread_name_prefix="stage")
        for path, pdf in zip(self.targets[key].outputs, pdfs):
            self._room.acquire()
            self._writes[path] = self._writer.submit(self._stage, path, pdf.data)

    def _stage(self, path: Path, data: bytes) -> tuple[Path, str]:
        try:
            return stage_file(path, data), hash_bytes(data)
        finally:
            self._room.release()

    def finish(self) -> None:
        """Wait until every file is staged; raise the first failure once all have ended."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        failure = None
        for path, write in self._writes.items():
            if write.exception() is not None:
                failure = failure or write.exception()
            else:
                self.temp[path], self.sha256[path] = write.result()
        self._writes.clear()
        if failure is not None:
            raise failure

    def publish(self, path: Path) -> str:
        """Rename the staged file over path; returns its sha256."""
        os.replace(self.temp.pop(path), path)
        return self.sha256[path]

    def drop(self, path: Path) -> None:
        """Forget a staged file whose bytes the file on disk already has."""
        self.temp.pop(path).unlink(missing_ok=True)

    def discard(self) -> None:
        try:
            self.finish()
        except OSError:
            pass  # already on its way to the caller
        for temp in self.temp.values():
            temp.unlink(missing_ok=True)
        self.temp.clear()


def up_to_date(project: Project, manifest: Manifest, sources: dict[str, str], builder: str,
               ids: list[str] | None) -> tuple[str, ...] | None:
    """The ids of the requested targets if every one is up to date, decided from the manifest
    alone (no content loaded, nothing composed); None if a full look is needed."""
    if manifest.sources != sources or manifest.builder != builder:
        return None
    entries = [manifest.entries.get(key) for key in manifest.known]
    if any(entry is None for entry in entries):
        return None
    if ids:
        by_id = {entry.id: entry for entry in entries}
        if not all(i in by_id for i in ids):
            return None
        entries = [by_id[i] for i in dict.fromkeys(ids)]
    for entry in entries:
        if entry.builder != builder or any(output_state(project.out, record) for record in entry.outputs):
            return None
    return tuple(entry.id for entry in entries)


def _as_built(targets: list[Target], made: dict, stale: dict[str, str | None],
              kept: set[Path] = frozenset()) -> tuple[Built, ...]:
    return tuple(Built(target.id, path, pdf, stale.get(target.key) or "", target.kind, path in kept)
                 for target in targets for path, pdf in zip(target.outputs, made[target.key]))


def _write(project: Project, manifest: Manifest, targets: list[Target], to_make: list[Target],
           staged: _Staged, sources: dict[str, str], complete: bool,
           builder: str) -> tuple[tuple[tuple[Path, str], ...], set[Path]]:
    """Publish the staged outputs and remove orphaned ones, keeping the manifest true throughout:
    an entry is dropped (manifest written) before its files change and added back after.
    Returns the removed files (with why) and the outputs left untouched because their new
    bytes were the same as the old."""
    kept: set[Path] = set()
    out = project.out
    keys = {target.key for target in targets}
    entries = dict(manifest.entries)
    # Outputs to delete: those of targets no longer defined, and files a remade target no longer writes.
    new_names = {t.key: {p.relative_to(out).as_posix() for p in t.outputs} for t in to_make}
    expected = {t.key: {p.relative_to(out).as_posix() for p in t.outputs} for t in targets}
    doomed: list[tuple[Path, str]] = []
    pruned = {}  # entries of targets left as they were, less the copies no longer asked for
    for key, entry in manifest.entries.items():
        keep = expected.get(key, set())
        why = "its definition was deleted" if key not in keys else "no longer asked for"
        gone = [(out / r.name, why) for r in entry.outputs if r.name not in keep]
        if gone:
            doomed += gone
            del entries[key]
            if key in keys and key not in new_names:
                pruned[key] = replace(entry, outputs=tuple(r for r in entry.outputs if r.name in keep))

    def save(final: bool) -> None:
        write_manifest(out, Manifest(builder=builder, sources=sources if final and complete else None,
                                     known=tuple(sorted(keys)), entries=entries))

    removed = []
    if doomed:
        save(final=False)
        for path, why in doomed:
            if path.exists():
                path.unlink()
                removed.append((path, why))
        entries.update(pruned)
    for start in range(0, len(to_make), WRITE_BATCH):
        batch = to_make[start:start + WRITE_BATCH]
        for target in batch:
            entries.pop(target.key, None)
        save(final=False)
        for target in batch:
            records = []
            previous = {r.name: r for r in manifest.entries[target.key].outputs} if target.key in manifest.entries else {}
            for path in target.outputs:
                record = previous.get(path.relative_to(out).as_posix())
                if record and record.sha256 == staged.sha256[path] and output_state(out, record) is None:
                    staged.drop(path)  # made again, byte for byte the same: leave the file untouched
                    records.append(record)
                    kept.add(path)
                else:
                    records.append(record_output(out, path, staged.publish(path)))
            entries[target.key] = fresh_entry(target, sources, builder, tuple(records))
    save(final=True)
    return tuple(sorted(removed)), kept
