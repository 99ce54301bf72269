"""Checking a rendered page tree against the declared elements: every problem, each at its line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...content.schema import did_you_mean
from .base import ELEMENTS


@dataclass(frozen=True)
class TreeProblem:
    """What is wrong at one element of a rendered page: its line in the rendered XML and its tag."""

    line: int
    tag: str
    message: str


def check_tree(root, *, needs_disclaimer: bool = True, may_flow: bool = False) -> list[TreeProblem]:
    """Every problem in a rendered layout tree."""
    problems: list[TreeProblem] = []
    if root.tag != "page":
        problems.append(TreeProblem(root.sourceline, root.tag, f"the layout must start with <page>, not <{root.tag}>"))
        return problems
    _check(root, None, problems)
    for flow in (c for c in root if c.tag == "flow" and not may_flow):
        problems.append(TreeProblem(flow.sourceline, "flow", "<flow> is only for booklet sections; a one-page handout uses <fit>"))
    bodies = [c for c in root if c.tag in ("fit", "flow")]
    if len(bodies) != 1:
        problems.append(TreeProblem(root.sourceline, "page", f"<page> needs exactly one <fit> or <flow>, found {len(bodies)}"))
    if needs_disclaimer and not any(True for _ in root.iter("disclaimer")):
        problems.append(TreeProblem(root.sourceline, "page", "the page has no <disclaimer/>; every handout must carry the disclaimer"))
    return problems


@lru_cache(maxsize=None)
def _declared(cls) -> dict:
    return {a.name: a for a in cls.attrs}


def _check(node, parent_cls, problems) -> None:
    if not isinstance(node.tag, str):  # comments and processing instructions
        return
    line, tag = node.sourceline, node.tag
    cls = ELEMENTS.get(tag)
    if cls is None:
        problems.append(TreeProblem(line, tag, f"<{tag}> is not a layout element{did_you_mean(tag, ELEMENTS)}"))
        return
    if parent_cls is not None:
        allowed = parent_cls.content
        if isinstance(allowed, tuple):
            ok = tag in allowed
        elif allowed == "inline":
            ok = cls.place == "inline"
        elif allowed == "blocks":
            ok = cls.place == "block"
        else:
            ok = False
        if not ok:
            problems.append(TreeProblem(line, tag, f"<{tag}> cannot go inside <{parent_cls.tag}>"))
            return
    declared = _declared(cls)
    for name, raw in node.attrib.items():
        attr = declared.get(name)
        if attr is None:
            problems.append(TreeProblem(line, tag, f"<{tag}> has no attribute '{name}'{did_you_mean(name, declared)}"))
            continue
        attr.check(raw.strip(), line, lambda at, message: problems.append(TreeProblem(at, tag, f"<{tag} {name}>: {message}")))
    for attr in cls.attrs:
        if attr.required and attr.name not in node.attrib:
            problems.append(TreeProblem(line, tag, f"<{tag}> needs the attribute '{attr.name}' ({attr.doc})"))
    if cls.content != "inline" and (node.text or "").strip():
        problems.append(TreeProblem(line, tag, f"text directly inside <{tag}>; put it in a <p>"))
    for child in node:
        if cls.content != "inline" and (child.tail or "").strip():
            problems.append(TreeProblem(child.sourceline, tag, f"text directly inside <{tag}>; put it in a <p>"))
        _check(child, cls, problems)


