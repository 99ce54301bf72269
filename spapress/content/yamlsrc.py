"""Read YAML keeping the line of every key and list item, so errors can point at them."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Problem

# The C parser is several times faster; the pure-Python one is the fallback.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict):
    """A mapping that remembers where it and each of its keys stand in the file."""

    line: int = 0
    key_lines: dict
    duplicates: list


class YList(list):
    """A list that remembers where it and each of its items stand in the file."""

    line: int = 0
    item_lines: list


class _LineLoader(_BaseLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
# Dates and timestamps stay text: staff write "2026-11-24" and mean words, not objects.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def read_yaml(path: Path, shown_as: str):
    """Parse one YAML file; a syntax error becomes a located Problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise YamlSyntaxError(Problem(shown_as, None, f"is not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8")) from None
    except OSError as err:
        raise YamlSyntaxError(Problem(shown_as, None, f"cannot be read: {err.strerror}")) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        what = err.problem or "is not valid YAML"
        if err.context:
            what = f"{err.context}, {what}"
        raise YamlSyntaxError(Problem(shown_as, line, f"YAML syntax error: {what}; check indentation, colons and quotes")) from None
    except yaml.YAMLError as err:
        raise YamlSyntaxError(Problem(shown_as, None, f"YAML error: {err}")) from None
