"""handouts/services.yaml: which handout (and which picks) each booked service gets.

    services:
      - match: ["Deep Tissue*", "Sports Massage*"]
        handout: why-backs-get-tense
        points: [top-of-shoulders:2:3]
    default: stress-relief-points

Patterns are compared with the service's name without regard to case or runs of spaces;
`*` stands for any text. The first rule that matches wins. A service that no rule matches
gets the `default:` handout when there is one, and is listed either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...content.model import Project
from ...content.schema import INVALID, Check, Field, ListOf, Mapping, Text
from ...content.yamlsrc import YamlSyntaxError, read_yaml
from ...errors import ContentError, Problem
from ..visits import PICK_KINDS, VISIT, Checker


@dataclass(frozen=True)
class Patterns(Check):
    """One pattern or a list of them; '*' stands for any text."""

    label: str = "pattern or list of patterns"

    def __call__(self, value, line, report):
        return ListOf(Text(120), min_items=1)(value if isinstance(value, list) else [value], line, report)


def _rule_schema(checker: Checker | None) -> Mapping:
    """A rule's keys; with a checker, the handout and picks are checked against the library."""
    def check(name: str):
        return checker.checks[name] if checker is not None else VISIT.fields[name].check

    return Mapping({
        "match": Field(Patterns(), doc="the booked service's name; '*' stands for any text"),
        "handout": Field(check("handout"), doc="the handout these visits get (a file name in handouts/sheets/)"),
        **{kind: Field(check(kind), required=False, default=(),
                       doc=f"{kind} picked for these visits, written as in a visit: ID or ID:MINUTES or "
                           f"ID:MINUTES:TIMES-A-DAY") for kind in PICK_KINDS},
    }, label="service rule")


def services_schema(checker: Checker | None = None) -> Mapping:
    return Mapping({
        "services": Field(ListOf(_rule_schema(checker)), required=False, default=(),
                          doc="rules, first match wins"),
        "default": Field(checker.checks["handout"] if checker is not None else VISIT.fields["handout"].check, required=False,
                         doc="the handout for services no rule matches (without it, those visits get no sheet)"),
    }, label="services")


@dataclass(frozen=True)
class Rule:
    patterns: tuple[re.Pattern, ...]
    handout: str
    picks: dict[str, tuple[str, ...]]        # kind -> specs as written, checked again with each visit
    line: int


@dataclass(frozen=True)
class Services:
    source: str
    rules: tuple[Rule, ...]
    default: str | None

    def match(self, service: str) -> Rule | None:
        """The first rule whose pattern matches the whole service name, or None."""
        name = " ".join(service.split())
        return next((rule for rule in self.rules if any(p.fullmatch(name) for p in rule.patterns)), None)


def _compile(pattern: str) -> re.Pattern:
    parts = " ".join(pattern.split()).split("*")
    return re.compile(".*".join(re.escape(part) for part in parts), re.IGNORECASE | re.DOTALL)


def services_path(project: Project) -> Path:
    return project.content / "services.yaml"


def load_services(project: Project, checker: Checker) -> Services:
    """handouts/services.yaml, every handout and pick checked against the library; ContentError if wrong."""
    path = services_path(project)
    shown = project.show(path)
    if not path.is_file():
        raise ContentError([Problem(shown, None, "not found; it says which handout each booked service gets "
                                                 "(see docs/booking-exports.md)")])
    problems: list[Problem] = []
    report = lambda line, message: problems.append(Problem(shown, line, message))  # noqa: E731
    try:
        raw = read_yaml(path, shown)
    except YamlSyntaxError as err:
        raise ContentError([err.problem]) from None
    data = services_schema(checker)(raw, 1, report)
    if problems or data is INVALID:
        raise ContentError(problems)
    rules = []
    for item, line in zip(raw.get("services") or [], getattr(raw.get("services"), "item_lines", [])):
        patterns = item["match"] if isinstance(item["match"], list) else [item["match"]]
        picks = {kind: tuple(_specs(item.get(kind))) for kind in PICK_KINDS}
        rules.append(Rule(tuple(_compile(str(p)) for p in patterns), str(item["handout"]).strip(), picks, line))
    return Services(shown, tuple(rules), data["default"])


def _specs(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value]
    return str(value).split()
