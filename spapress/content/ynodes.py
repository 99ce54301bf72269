"""The maps and lists read from YAML, each remembering the lines it came from. Apart from the
reader (yamlsrc.py) so that checking them never loads the YAML library."""

from __future__ import annotations

MAX_DEPTH = 32   # levels of nesting: content needs a handful; 32 leaves room for any honest file


class YMap(dict):
    """A mapping that remembers where it and each of its keys stand in the file."""

    line: int = 0
    key_lines: dict
    duplicates: list


class YList(list):
    """A list that remembers where it and each of its items stand in the file."""

    line: int = 0
    item_lines: list
