"""PyYAML, bounded and keeping lines: the parser behind read_yaml (yamlsrc.py), loaded only when
a file is not in the on-disk cache.

An alias (`*name`, which can multiply a 1 KB file into gigabytes) and nesting deeper than
MAX_DEPTH are each refused with the line, before any Python object is made.
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .ynodes import MAX_DEPTH, YList, YMap


class YamlProblem(Exception):
    """Why a document cannot be read, and the line (None when unknown)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


# The C parser is several times faster; the pure-Python one is the fallback. Either way the
# document is composed by the Python composer below, which refuses aliases and deep nesting.
try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    from yaml.reader import Reader
    from yaml.scanner import Scanner
    from yaml.parser import Parser

    class _Parser(Reader, Scanner, Parser):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Refused(Exception):
    """The document uses something content may not: carries the mark and what to say."""

    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark, self.message = mark, message


class _BoundedComposer(Composer):
    """PyYAML's composer, refusing aliases and nesting deeper than MAX_DEPTH."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, f"'*{event.anchor}' repeats another part of the file (a YAML alias), "
                                             f"which content files may not use; write the value out in full")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark,
                               f"nested more than {MAX_DEPTH} levels deep; content files need only a few levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _LineLoader(_BoundedComposer, _Parser, SafeConstructor, Resolver):
    def __init__(self, stream):
        _Parser.__init__(self, stream)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0


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


def parse(text: str):
    """The document as YMap, YList and plain values; raises YamlProblem."""
    loader = _LineLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as err:
        raise YamlProblem(err.mark.line + 1, err.message) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or "is not valid YAML"
        if err.context:
            what = f"{err.context}, {what}"
        raise YamlProblem(mark.line + 1 if mark else None,
                          f"YAML syntax error: {what}; check indentation, colons and quotes") from None
    except yaml.YAMLError as err:
        raise YamlProblem(None, f"YAML error: {err}") from None
    finally:
        loader.dispose()
