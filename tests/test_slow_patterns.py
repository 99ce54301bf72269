"""ReportLab's web-address pattern, compiled on first use (render/slow_patterns.py), behaves
exactly as compiled at once, and loading it leaves Python's re module as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ADDRESSES = ["https://example.com/a/b/", "www.example.com", "ftp://user:pw@10.0.0.1:21/x", "HTTPS://ÉTÉ.example.org",
             "mailto:someone@example.com", "http://[::1]/", "not an address", "https://-bad-.example.com/",
             "https://relax.example.com/" + "long/" * 40, "C:\\spa\\handouts\\sheet.pdf", ""]

CHECK = f"""
import re
compile_before = re.compile
import spapress.render.paragraphs  # the press loads platypus
import reportlab.platypus.paragraph as paragraph
from spapress.render.slow_patterns import PatternOnFirstUse

assert re.compile is compile_before, "re.compile left swapped"
assert isinstance(paragraph.uri_pat, PatternOnFirstUse), type(paragraph.uri_pat)
assert paragraph.uri_pat._compiled is None, "compiled while loading"
assert isinstance(paragraph._hy_letters_pat, re.Pattern), "other patterns compile as usual"
compiled_at_once = re.compile(paragraph.uri_pat.pattern, re.IGNORECASE)
deferred_pattern = paragraph.uri_pat
for address in {ADDRESSES!r}:
    deferred, direct = deferred_pattern.match(address), compiled_at_once.match(address)
    assert (deferred and deferred.groups()) == (direct and direct.groups()), address
    paragraph.uri_pat = deferred_pattern
    split_deferred = paragraph._uri_split_pairs(address)
    paragraph.uri_pat = compiled_at_once
    assert split_deferred == paragraph._uri_split_pairs(address), address
assert deferred_pattern._compiled is not None
print("ok")
"""


def test_address_pattern_waits_and_then_matches_as_compiled_at_once():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_long_address_still_breaks_at_its_slashes():
    """A paragraph that must break a web address longer than its line does so at a slash,
    which needs the deferred pattern (ReportLab's uriWasteReduce)."""
    from reportlab.lib.styles import ParagraphStyle

    import spapress.render.paragraphs  # noqa: F401  (loads platypus as the press does)
    from reportlab.platypus import Paragraph

    address = "https://relax.example.com/" + "/".join(["aftercare"] * 12)
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=9, leading=11, uriWasteReduce=0.3,
                           hyphenationLang="en_US", embeddedHyphenation=1)
    lines = Paragraph(address, style).breakLines([160]).lines
    words = [" ".join(line[1]) if isinstance(line, tuple) else "".join(w.text for w in line.words) for line in lines]
    assert len(words) > 1
    assert all(text.endswith("/") for text in words[:-1]), words
    assert "".join(words) == address
