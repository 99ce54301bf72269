"""Paragraphs that remember their work: the same text in the same style is parsed once, and
broken into lines once for each width it is set at.

A batch of client sheets sets the same handout text on every sheet, and fitting a page lays
the page out at two or three body sizes. ReportLab's Paragraph parses its markup when it is
made and breaks its lines again on every wrap, yet both depend only on the text, the style and
the width. Here both are kept (a bounded number, the least recently used dropped first) and
handed to the next paragraph with the same text, style and width: the page drawn is the same,
byte for byte, only sooner.

A style is known by its identity (ReportLab's styles compare and hash as objects), and every
entry holds the style itself in its key, so a style dropped elsewhere is never mistaken for a
new one made at the same address.
"""

from __future__ import annotations

import copy
from collections import OrderedDict

from . import slow_patterns  # noqa: F401  (before platypus: see its docstring)
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import _FUZZ

PARSED_KEPT = 1024   # parsed texts kept; a handout library has a few hundred
BROKEN_KEPT = 2048   # line breaks kept: each text at the few widths and sizes it is set at
_MISSING = object()


class _Kept(OrderedDict):
    """A dictionary that forgets its least recently used entries beyond a size."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def take(self, key):
        found = self.get(key, _MISSING)
        if found is not _MISSING:
            try:
                self.move_to_end(key)
            except KeyError:  # just dropped by another thread making a page: still a good answer
                pass
        return found

    def keep(self, key, value) -> None:
        self[key] = value
        while len(self) > self.size:
            try:
                self.popitem(last=False)
            except KeyError:  # emptied meanwhile by another thread
                break


_parsed = _Kept(PARSED_KEPT)
_broken = _Kept(BROKEN_KEPT)


class KeptParagraph(Paragraph):
    """A Paragraph whose parse and line breaks come from an earlier one with the same text and
    style when there was one. What an earlier paragraph worked out is shared, never changed:
    splitting one (on flowing pages) works on its own copy."""

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        self._key = None
        if text is None or frags is not None or style is None:  # a piece split off a paragraph
            super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
            return
        key = (style, text, bulletText, caseSensitive)
        parsed = _parsed.take(key)
        if parsed is _MISSING:
            super().__init__(text, style, bulletText, None, caseSensitive, encoding)
            _parsed.keep(key, (self.text, self.frags, self.style, self.bulletText))
        else:
            self.caseSensitive, self.encoding, self.debug = caseSensitive, encoding, 0
            self.text, self.frags, self.style, self.bulletText = parsed
        self._key, self._as_parsed = key, self.frags

    def wrap(self, availWidth, availHeight):
        if self._key is None or self.frags is not self._as_parsed or availWidth < _FUZZ:
            # Set before at another width: the words are those broken for it, so work afresh.
            return super().wrap(availWidth, availHeight)
        key = (self._key, availWidth)
        broken = _broken.take(key)
        if broken is _MISSING:
            before = dict(self.__dict__)
            super().wrap(availWidth, availHeight)
            # What wrapping set (the lines, the words they hold, the size), to hand on.
            broken = {name: value for name, value in self.__dict__.items() if before.get(name, _MISSING) is not value}
            _broken.keep(key, broken)
        else:
            self.__dict__.update(broken)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        # ReportLab's split may change the words it hands on, so it works on a copy of them here.
        if self._key is not None:
            if hasattr(self, "blPara"):
                self.frags, self.blPara = copy.deepcopy((self.frags, self.blPara))
            else:
                self.frags = copy.deepcopy(self.frags)
            self._key = None
        return super().split(availWidth, availHeight)
