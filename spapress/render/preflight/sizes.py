"""Type sizes: running text at 9 pt or more, and nothing printed under 7 pt."""

from __future__ import annotations

from .contrast import _clip
from .drawn import DrawnPage

BODY_MIN, ANY_MIN = 9.0, 7.0
RUNNING_WORDS = 8  # a paragraph of at least this many words is running text


def body_size(pages: list[DrawnPage]) -> float | None:
    """The size at which at least half the characters of running text are set (None if there is none)."""
    sizes: dict[float, int] = {}
    for page in pages:
        by_paragraph: dict[int, list] = {}
        for run in page.runs:
            by_paragraph.setdefault(run.paragraph, []).append(run)
        for runs in by_paragraph.values():
            if sum(len(run.text.split()) for run in runs) >= RUNNING_WORDS:
                for run in runs:
                    sizes[run.size] = sizes.get(run.size, 0) + len(run.text.strip())
    total = sum(sizes.values())
    if not total:
        return None
    counted = 0
    for size in sorted(sizes):
        counted += sizes[size]
        if counted * 2 >= total:
            return size
    return None


def too_small(pages: list[DrawnPage]) -> list[str]:
    messages = []
    body = body_size(pages)
    if body is not None and body < BODY_MIN - 0.005:
        messages.append(f"body text is {body:g} pt; it must be at least {BODY_MIN:g} pt: raise the layout's body "
                        f"sizes or min_body_size, or shorten the text so it need not shrink")
    smallest: dict[float, tuple] = {}
    for page in pages:
        for run in page.runs:
            if run.size < ANY_MIN - 0.005 and run.size not in smallest:
                smallest[run.size] = (page.number, run)
    for size, (page, run) in sorted(smallest.items()):
        messages.append(f"page {page}: \"{_clip(run.text)}\" is {size:g} pt; nothing may be printed under "
                        f"{ANY_MIN:g} pt: raise the size of its style")
    return messages
