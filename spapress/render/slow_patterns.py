"""ReportLab's paragraph module, loaded with its one slow pattern compiled when first used.

As it loads, reportlab.platypus.paragraph compiles a pattern that recognises web addresses,
so that a long one can be broken at its slashes to fit a line. Compiling it takes about 25 ms:
a tenth of a one-handout build from a cold start, paid even by a build that never breaks an
address. Loaded through here, that pattern is compiled the first time it is used instead,
and behaves exactly the same. Every other pattern compiles as usual; so does that one, should
a later ReportLab write it differently.

Importing this module does it: each module of the press that uses platypus imports this one
first (`from . import slow_patterns`), so whichever of them loads first, the pattern waits.
"""

from __future__ import annotations

import re
import sys

PARAGRAPH = "reportlab.platypus.paragraph"
_ADDRESS_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"  # how ReportLab's web-address pattern begins


class PatternOnFirstUse:
    """Stands in for a compiled pattern; compiles it on first use and hands every call to it."""

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags = pattern, flags
        self._compiled = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)


def _load_paragraph_module() -> None:
    """Import reportlab.platypus.paragraph (and so platypus), deferring its web-address pattern.
    Anything else compiling a pattern while re.compile is swapped (another thread, say) gets it
    compiled as usual: only that one pattern is deferred."""
    if PARAGRAPH in sys.modules:
        return
    compile_now = re.compile

    def compile_or_defer(pattern, flags=0):
        if isinstance(pattern, str) and pattern.startswith(_ADDRESS_START) and flags == re.IGNORECASE:
            return PatternOnFirstUse(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_or_defer
    try:
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = compile_now


_load_paragraph_module()
