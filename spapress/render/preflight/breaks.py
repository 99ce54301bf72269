"""Phone numbers, prices and durations kept whole: never split over two printed lines.

Each paragraph's printed lines are read back in order; a pattern found in two neighbouring
lines joined, that starts on one and ends on the next, was broken by the line wrap.
"""

from __future__ import annotations

import re

from .drawn import DrawnPage

SPACE = r"[ \u00a0\u202f]"
RANGE = rf"\d+(?:{SPACE}?[–—-]{SPACE}?\d+)?"
KEPT_WHOLE = {
    "phone number": re.compile(rf"(?:\+\d{{1,3}}{SPACE}?)?\(?\d{{2,4}}\)?{SPACE}?[-.]?{SPACE}?\d{{3}}{SPACE}?[-.]{SPACE}?\d{{4}}"),
    "price": re.compile(rf"[$€£]{SPACE}?\d+(?:[.,]\d{{2}})?|\d+(?:[.,]\d{{2}})?{SPACE}?(?:dollars|USD|EUR|GBP)\b"),
    "duration": re.compile(rf"{RANGE}{SPACE}?(?:/{SPACE}?)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|"
                           rf"weeks?|months?|times)\b\.?", re.IGNORECASE),
}


def broken(pages: list[DrawnPage]) -> list[str]:
    messages, seen = [], set()
    for page in pages:
        lines = page.lines()
        for (paragraph, _, first), (following, _, second) in zip(lines, lines[1:]):
            if paragraph != following:
                continue
            head, tail = first.rstrip(), second.lstrip()
            joined = f"{head} {tail}"
            for what, pattern in KEPT_WHOLE.items():
                for match in pattern.finditer(joined):
                    if match.start() < len(head) < match.end() - 1 and match.group() not in seen:
                        seen.add(match.group())
                        messages.append(f"page {page.number}: the {what} \"{match.group()}\" is split over two lines "
                                        f"(\"{head[match.start():]}\" / \"{tail[:match.end() - len(head) - 1]}\"); "
                                        f"write its spaces as non-breaking spaces (U+00A0) so it stays on one line")
    return messages
