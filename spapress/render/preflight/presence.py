"""The disclaimer and the safety block, found in the printed text.

The disclaimer is the brand's own `disclaimer` text. The safety block is recognised by its
heading: a line containing the word "safety", printed in bold or larger than the body text.
"""

from __future__ import annotations

import re

from .drawn import DrawnPage
from .sizes import body_size

SAFETY_WORD = re.compile(r"\bsafety\b", re.IGNORECASE)


def _words(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("\u00a0", " ").split()).lower()


def printed_text(pages: list[DrawnPage]) -> str:
    return _words(" ".join(paragraph for page in pages for paragraph in page.paragraphs()))


def has_disclaimer(pages: list[DrawnPage], disclaimer: str) -> bool:
    return _words(disclaimer) in printed_text(pages)


def has_safety_block(pages: list[DrawnPage]) -> bool:
    body = body_size(pages) or 10.0
    for page in pages:
        for run in page.runs:
            if SAFETY_WORD.search(run.text) and (run.bold or run.size >= body * 1.15):
                return True
    return False
