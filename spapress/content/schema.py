"""Declared fields: the one way data is checked. Each field is declared once, with its check,
whether it is required, its default and its meaning.

A check takes a value and its line, reports what is wrong through `report(line, message)`
and returns the cleaned value, or INVALID.  The same checks read YAML values (content, style
sheets, settings), layout attributes (their text) and client visits, and the same
declarations document them (see `describe`).  The named rules (ids, colours, addresses,
lengths, dates, …) are in rules.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from .ynodes import YList, YMap

Report = Callable[[int | None, str], None]
INVALID = object()

def did_you_mean(word: str, choices) -> str:
    import difflib  # only when something is misspelt

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def excerpt(text: str, limit: int = 40) -> str:
    """Text quoted back in a message: printable, and short."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value)"
    return "text"


def bad_character(text: str) -> str | None:
    """Name the first control character in text, if any (newlines and tabs are fine)."""
    for char in text:
        if char in "\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or char in "\u2028\u2029":
            return f"U+{ord(char):04X}"
    return None


class Check:
    label = "value"

    def __call__(self, value: Any, line: int | None, report: Report) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Check):
    max_length: int = 2000
    label: str = "text"

    def __call__(self, value, line, report):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            report(line, f"expected text, got {_kind_of(value)}; put the value in quotes")
            return INVALID
        if not isinstance(value, str):
            report(line, f"expected text, got {_kind_of(value)}")
            return INVALID
        text = value.strip()
        if not text:
            report(line, "is empty; write some text or remove the line")
            return INVALID
        char = bad_character(text)
        if char:
            report(line, f"contains the control character {char}; delete it (it is invisible in most editors)")
            return INVALID
        if len(text) > self.max_length:
            report(line, f"is {len(text)} characters long; keep it under {self.max_length}")
            return INVALID
        return text


class TextCheck(Check):
    """A check that reads text (a layout attribute, a CSV cell, a YAML string): it gets the text
    stripped; a value that is not text is reported as Text reports it."""

    def __call__(self, value, line, report):
        text = value.strip() if isinstance(value, str) else Text()(value, line, report)
        return INVALID if text is INVALID else self.read(text, line, report)

    def read(self, text: str, line: int | None, report: Report) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class AnyText(TextCheck):
    """Text taken as written, such as a layout attribute filled in from content already checked."""

    label: str = "text"

    def read(self, text, line, report):
        return text


@dataclass(frozen=True)
class Choice(Check):
    options: tuple[str, ...] = ()

    @property
    def label(self):
        return " | ".join(self.options)

    def __call__(self, value, line, report):
        if value not in self.options:
            report(line, f"'{value}' is not one of {', '.join(self.options)}{did_you_mean(str(value), self.options)}")
            return INVALID
        return value


@dataclass(frozen=True)
class Flag(Check):
    label: str = "yes | no"

    def __call__(self, value, line, report):
        if not isinstance(value, bool):
            report(line, f"'{value}' is not yes or no; write yes or no")
            return INVALID
        return value


@dataclass(frozen=True)
class Number(Check):
    """A YAML number in a range."""

    low: float = 0.0
    high: float = 1.0
    label: str = "number"

    def __call__(self, value, line, report):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            report(line, f"expected a number from {self.low:g} to {self.high:g}, got {_kind_of(value)}")
            return INVALID
        if not self.low <= value <= self.high:
            report(line, f"{value:g} is out of range; use a number from {self.low:g} to {self.high:g}")
            return INVALID
        return float(value)


@dataclass(frozen=True)
class NumberText(TextCheck):
    """A number written as text (an attribute, a CSV cell), in a range when one is given."""

    low: float | None = None
    high: float | None = None
    whole: bool = False
    label: str = "number"

    def read(self, text, line, report):
        try:
            number = int(text) if self.whole else float(text)
        except ValueError:
            report(line, f"'{excerpt(text)}' is not a {'whole ' if self.whole else ''}number")
            return INVALID
        if self.low is not None and not self.low <= number <= self.high:
            report(line, f"{number:g} is out of range; use {self.low:g} to {self.high:g}")
            return INVALID
        return number


@dataclass(frozen=True)
class Pattern(Check):
    """Text that must match a pattern, such as a colour or a web address."""

    pattern: re.Pattern = re.compile(".*")
    label: str = "text"
    example: str = ""

    def __call__(self, value, line, report):
        text = Text()(value, line, report)
        if text is INVALID:
            return INVALID
        if not self.pattern.match(text):
            report(line, f"'{text}' is not a valid {self.label}; write it like {self.example}")
            return INVALID
        return text


@dataclass(frozen=True)
class ListOf(Check):
    item: Check = Text()
    min_items: int = 0

    @property
    def label(self):
        return f"list of {self.item.label}"

    def __call__(self, value, line, report):
        if not isinstance(value, list):
            report(line, f"expected a list (lines starting with '- '), got {_kind_of(value)}")
            return INVALID
        if len(value) < self.min_items:
            report(line, f"needs at least {self.min_items} item{'s' if self.min_items > 1 else ''}")
            return INVALID
        lines = value.item_lines if isinstance(value, YList) else [line] * len(value)
        items = [self.item(v, item_line, report) for v, item_line in zip(value, lines)]
        if any(i is INVALID for i in items):
            return INVALID
        return tuple(items)


@dataclass(frozen=True)
class Field:
    """One declared key: how it is checked, whether it must be given, what it is when not, and what it means."""

    check: Check
    required: bool = True
    default: Any = None
    doc: str = ""


@dataclass(frozen=True)
class Mapping(Check):
    fields: dict[str, Field] = field(default_factory=dict)
    label: str = "mapping"
    exactly_one_of: tuple[str, ...] = ()

    def __call__(self, value, line, report):
        if not isinstance(value, dict):
            report(line, f"expected a mapping of 'key: value' lines, got {_kind_of(value)}")
            return INVALID
        key_lines = value.key_lines if isinstance(value, YMap) else {}
        here = value.line if isinstance(value, YMap) else line
        for key, dup_line in getattr(value, "duplicates", []):
            report(dup_line, f"'{key}' is given twice; keep one")
        result, ok, suggested = {}, True, set()
        for key, item in value.items():
            if key not in self.fields:
                hint = did_you_mean(key, self.fields)
                report(key_lines.get(key, here), f"unknown key '{key}'{hint}")
                suggested.add(hint.split("'")[1] if hint else None)
                ok = False
                continue
            checked = self.fields[key].check(item, key_lines.get(key, here), report)
            if checked is INVALID:
                ok = False
            result[key] = checked
        for name, spec in self.fields.items():
            if name in value or name in suggested:  # a misspelt key is one mistake, not two
                continue
            if spec.required:
                report(here, f"missing required key '{name}' ({spec.doc})" if spec.doc else f"missing required key '{name}'")
                ok = False
            else:
                result[name] = spec.default
        if self.exactly_one_of:
            given = [k for k in self.exactly_one_of if k in value]
            if len(given) != 1:
                report(here, f"give exactly one of {', '.join(self.exactly_one_of)} (found {len(given)})")
                ok = False
        return result if ok else INVALID


def shown_default(value: Any) -> str | None:
    """A default as a person would write it in the file, or None when there is nothing to show."""
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe(mapping: Mapping, indent: str = "") -> list[str]:
    """Markdown lines documenting a mapping's keys: type, required or optional, default, meaning."""
    lines = []
    for name, spec in mapping.fields.items():
        facts = [spec.check.label, "required" if spec.required else "optional"]
        default = None if spec.required else shown_default(spec.default)
        if default is not None:
            facts.append(f"default: {default}")
        lines.append(f"{indent}- `{name}` ({', '.join(facts)}): {spec.doc}")
        inner = spec.check.item if isinstance(spec.check, ListOf) else spec.check
        if isinstance(inner, Mapping):
            lines.extend(describe(inner, indent + "  "))
    return lines
