"""The build manifest: what each output in the output folder was made from, and why one is stale.

It lives beside the PDFs as .press-manifest.json. For every target it records the hash of each
input file, the builder's identity, and each output file's own hash, size and modification
time. A build trusts an output only if the file on disk still matches its record, so the
manifest can never vouch for a file that a crash or a person changed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .files import write_atomically
from .targets import Target, hash_file

MANIFEST_NAME = ".press-manifest.json"
FORMAT = 1
MAX_NAMED = 3  # changed files named in one reason before "and N more"


@dataclass(frozen=True)
class OutputRecord:
    """One output file as written: its name in the output folder and how to recognise it."""

    name: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Entry:
    """One target as last built."""

    kind: str
    id: str
    builder: str
    inputs: Mapping[str, str]           # label -> sha256
    outputs: tuple[OutputRecord, ...]


@dataclass(frozen=True)
class Manifest:
    """Everything recorded. `sources` and `known` describe the last build that finished with every
    target up to date; they let a build with nothing to do stop after hashing the source files."""

    builder: str | None = None
    sources: Mapping[str, str] | None = None    # label -> sha256 of every source file then
    known: tuple[str, ...] = ()                 # target keys defined then
    entries: Mapping[str, Entry] = field(default_factory=dict)


def manifest_path(out: Path) -> Path:
    return out / MANIFEST_NAME


def read_manifest(out: Path) -> Manifest:
    """The recorded manifest; an empty one if there is none or it cannot be read (all rebuild)."""
    try:
        raw = json.loads(manifest_path(out).read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return Manifest()
        entries = {key: Entry(kind=e["kind"], id=e["id"], builder=e["builder"], inputs=dict(e["inputs"]),
                              outputs=tuple(OutputRecord(**o) for o in e["outputs"]))
                   for key, e in raw["targets"].items()}
        return Manifest(builder=raw.get("builder"), sources=raw.get("sources"),
                        known=tuple(raw.get("known", ())), entries=entries)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically; sorted keys make it the same bytes for the same state."""
    data = {
        "format": FORMAT,
        "builder": manifest.builder,
        "sources": dict(sorted(manifest.sources.items())) if manifest.sources is not None else None,
        "known": sorted(manifest.known),
        "targets": {key: {"kind": e.kind, "id": e.id, "builder": e.builder, "inputs": dict(sorted(e.inputs.items())),
                          "outputs": [o.__dict__ for o in e.outputs]}
                    for key, e in sorted(manifest.entries.items())},
    }
    write_atomically(manifest_path(out), (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))


def record_output(out: Path, path: Path, sha256: str) -> OutputRecord:
    """The record of an output just written (its stat read back from disk)."""
    stat = path.stat()
    return OutputRecord(path.relative_to(out).as_posix(), sha256, stat.st_size, stat.st_mtime_ns)


def output_state(out: Path, record: OutputRecord) -> str | None:
    """None when the file on disk is the one recorded, else why not.

    Size and modification time settle it quickly; only when they differ is the file hashed,
    so touching a PDF without changing it does not force a rebuild.
    """
    path = out / record.name
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "output missing"
    if (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns):
        return None
    if stat.st_size == record.size and hash_file(path) == record.sha256:
        return None
    return "output changed on disk"


def why_stale(target: Target, entry: Entry | None, sources: Mapping[str, str], builder: str, out: Path) -> str | None:
    """Why target must be made again, in words for a person; None if it is up to date."""
    if entry is None:
        return "new"
    if entry.builder != builder:
        return "the builder changed"
    changed = sorted(name for name in target.inputs if name in entry.inputs and entry.inputs[name] != sources.get(name))
    if changed:
        return f"{_listed(changed)} changed"
    newly_used = sorted(name for name in target.inputs if name not in entry.inputs)
    if newly_used:  # e.g. a layout folder gained a file
        return f"now uses {_listed(newly_used)}"
    expected = {path.relative_to(out).as_posix() for path in target.outputs}
    recorded = {record.name for record in entry.outputs}
    if expected - recorded:  # e.g. a booklet's print-shop copy; its other copies come out the same
        return "newly asked for"
    # Copies no longer asked for (recorded - expected) are simply removed by the build.
    for record in (r for r in entry.outputs if r.name in expected):
        state = output_state(out, record)
        if state:
            return state
    return None


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', or 'a, b, c and 4 more'."""
    shown, rest = names[:MAX_NAMED], len(names) - MAX_NAMED
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def fresh_entry(target: Target, sources: Mapping[str, str], builder: str, outputs: tuple[OutputRecord, ...]) -> Entry:
    return Entry(target.kind, target.id, builder, {name: sources[name] for name in sorted(target.inputs)}, outputs)


def remove_leftovers(out: Path) -> None:
    """Delete temporary files a killed build left behind (only call while holding the build lock)."""
    if out.is_dir():
        for path in out.rglob(".*.tmp"):  # booklets/ included
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
