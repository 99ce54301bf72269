"""Read YAML keeping the line of every key and list item, so errors can point at them.

Content is bounded before it is built: a file larger than MAX_YAML_BYTES is refused here, and
an alias or nesting deeper than MAX_DEPTH by the parser (yamlparse.py), each with the file and
line, before any Python object is made.

What a content or style file reads into is kept in the on-disk cache (spapress/cache.py) by the
file's bytes, as JSON, so a run whose files were read before loads neither PyYAML nor its
parser. Only files that ask for it are kept: a day's visits or the delivery settings never
leave the project.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import cache
from ..errors import Problem
from .ynodes import MAX_DEPTH, YList, YMap

__all__ = ["MAX_DEPTH", "MAX_YAML_BYTES", "YList", "YMap", "YamlSyntaxError", "read_yaml"]

MAX_YAML_BYTES = 1024 * 1024   # far beyond any handout, style sheet or settings file


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def read_yaml(path: Path, shown_as: str, limit: int = MAX_YAML_BYTES, *, keep: bool = False):
    """Parse one YAML file of at most `limit` bytes; every problem becomes a located Problem.
    With keep, what it reads into is kept in the on-disk cache, and read from there next time."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise YamlSyntaxError(Problem(shown_as, None, f"cannot be read: {err.strerror}")) from None
    if len(data) > limit:
        raise YamlSyntaxError(Problem(shown_as, None, f"is larger than {limit // 1024:,} KB; "
                                                      f"is it the right file? Split it into smaller files"))
    entry = cache.entry_name("yaml", data) if keep else None
    if entry is not None:
        kept = _from_entry(cache.read(entry))
        if kept is not _MISSING:
            return kept
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise YamlSyntaxError(Problem(shown_as, line, f"is not UTF-8 text ({err.reason} at byte {err.start}); "
                                                      f"save it as UTF-8")) from None
    from .yamlparse import YamlProblem, parse  # PyYAML: only for a file not read before

    try:
        document = parse(text)
    except YamlProblem as err:
        raise YamlSyntaxError(Problem(shown_as, err.line, err.message)) from None
    if entry is not None:
        _keep(entry, document)
    return document


# -- the cache entry: JSON, with each map and list an object that carries its lines ---------------

_MISSING = object()
_PLAIN = (str, int, float, bool, type(None))


def _keep(entry: str, document) -> None:
    try:
        # ASCII JSON: a lone surrogate ("\ud800" in the file) is written as an escape and read back as it was
        cache.write(entry, json.dumps({"document": _plain(document)}).encode("ascii"))
    except (TypeError, ValueError):
        pass  # a value JSON cannot hold (a !!binary or !!set): this file is simply parsed each run


def _plain(value):
    if isinstance(value, YMap):
        return {"map": value.line, "keys": [[key, value.key_lines[key], _plain(item)] for key, item in value.items()],
                "duplicates": [list(pair) for pair in value.duplicates]}
    if isinstance(value, YList):
        return {"list": value.line, "items": [[line, _plain(item)] for line, item in zip(value.item_lines, value)]}
    if isinstance(value, _PLAIN):
        return value
    raise TypeError(type(value).__name__)


def _from_entry(raw: bytes | None):
    """The document an entry holds, or _MISSING when there is none or it is not of the right shape."""
    if raw is None:
        return _MISSING
    try:
        return json.loads(raw, object_hook=_node)["document"]
    except (ValueError, TypeError, KeyError, AttributeError):
        return _MISSING


def _node(fields: dict):
    if "map" in fields:
        node = YMap((key, item) for key, _, item in fields["keys"])
        node.line, node.duplicates = int(fields["map"]), [tuple(pair) for pair in fields["duplicates"]]
        node.key_lines = {key: line for key, line, _ in fields["keys"]}
        return node
    if "list" in fields:
        node = YList(item for _, item in fields["items"])
        node.line, node.item_lines = int(fields["list"]), [line for line, _ in fields["items"]]
        return node
    if fields.keys() == {"document"}:
        return fields
    raise ValueError("not an entry of this kind")
