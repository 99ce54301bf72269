"""Client file names: readable ASCII from a name in any script, and never one file for two clients.

A name is transliterated with anyascii (ISC licence): 'Zoë Ölçer' -> 'zoe-olcer', 'Ελένη
Παπαδοπούλου' -> 'eleni-papadopoyloy', 'Анна Петрова' -> 'anna-petrova'. When nothing readable is
left, when the name had to be cut short, or when another client already has the same stem, a
short suffix from the client's own name is added ('client-3f9a2c', 'anna-petrova-81d0e4'); the
suffix is stable, so a client keeps their file name. records.py decides, under its lock, which
stem a client gets.

Who is 'the same client' is decided by the name as typed, compared without regard to case,
Unicode form or spacing (client_key).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

STEM_LIMIT = 40
SUFFIX_LENGTH = 6


def client_key(name: str) -> str:
    """The name as records compare it: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def readable_stem(name: str, limit: int = STEM_LIMIT) -> tuple[str, bool]:
    """ASCII letters, digits and hyphens from a name, and whether it needs a suffix to be safe
    (nothing readable was left, or it was cut short)."""
    folded = anyascii(unicodedata.normalize("NFKC", name)).lower()
    stem = "-".join(filter(None, re.split(r"[^a-z0-9]+", folded)))
    if len(stem) > limit:
        return stem[:limit].strip("-"), True
    return stem, not stem


def suffix(key: str, length: int = SUFFIX_LENGTH) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def with_suffix(stem: str, key: str, length: int = SUFFIX_LENGTH) -> str:
    return f"{stem or 'client'}-{suffix(key, length)}"


def first_name(name: str) -> str:
    """The name to greet a client by: the first word of a plain 'Given Family' name, else the whole
    name (a single word, 'Family, Given', a title or an initial first, or a name without spaces)."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return name
    first = words[0]
    if first.rstrip(".").lower() in {"mr", "mrs", "ms", "miss", "mx", "dr", "prof"}:
        return name
    if len(first.rstrip(".")) < 2 or not any(c.isalpha() for c in first):
        return name
    return first
