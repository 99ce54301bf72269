"""The brand's locale (brand.yaml `locale: en-US`): how dates are written and read, and the paper.

Babel supplies the locale's own date patterns (CLDR data): a long date is printed as the
locale writes it ("November 24, 2026" in en-US, "24 November 2026" in en-GB), and a date
typed in the locale's short numeric order (11/24/2026 in en-US, 24/11/2026 in en-GB) is
accepted as well as YYYY-MM-DD. Reading is strict: the fields must be in the locale's order
and form a real date, so 13/24/2026 is refused rather than guessed at.

Babel is loaded only to write or read a date. Checking brand.yaml's locale and choosing the
paper need only the locale's country, which is kept in the on-disk cache (spapress/cache.py)
once Babel has said it, so building handouts does not load Babel.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .. import cache
from .schema import INVALID, TextCheck

DEFAULT_LOCALE = "en-US"
# Countries whose everyday office paper is US Letter; everywhere else uses A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "PA", "DO", "SV",
                              "NI", "HN", "BZ"})
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NUMERIC = re.compile(r"^([0-9]{1,4})[./-]([0-9]{1,2})[./-]([0-9]{1,4})$")


@lru_cache(maxsize=16)
def _locale(tag: str):
    from babel import Locale

    return Locale.parse(tag.replace("_", "-"), sep="-")


@lru_cache(maxsize=16)
def country(tag: str) -> str | None:
    """The country of a locale Babel knows ('US' for en-US); None for an unknown tag or one without a country."""
    entry = cache.entry_name("locale", tag.encode("utf-8", "replace"))
    try:
        kept = json.loads(cache.read(entry) or b"")["country"]
        if kept is None or isinstance(kept, str):
            return kept
    except (ValueError, TypeError, KeyError):
        pass  # not asked before, or not an entry of this kind
    from babel import UnknownLocaleError

    try:
        found = _locale(tag).territory
    except (UnknownLocaleError, ValueError, TypeError):
        found = None
    cache.write(entry, json.dumps({"country": found}).encode())
    return found


def paper_for(tag: str) -> str:
    """The locale's everyday paper: letter in the Americas that use it, a4 elsewhere."""
    return "letter" if country(tag) in LETTER_COUNTRIES else "a4"


def long_date(day: date, tag: str) -> str:
    """A date as the locale writes it in a sentence: 'November 24, 2026'."""
    from babel.dates import format_date

    return format_date(day, "long", locale=_locale(tag))


@lru_cache(maxsize=16)
def _field_order(tag: str) -> tuple[str, str, str]:
    """The order of day, month and year in the locale's short numeric date, such as ('M', 'd', 'y')."""
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=_locale(tag)).pattern
    order = []
    for char in pattern:
        if char in "dMy" and char not in order:
            order.append(char)
    return tuple(order) if sorted(order) == ["M", "d", "y"] else ("y", "M", "d")


def short_example(day: date, tag: str) -> str:
    """A date in the locale's numeric order with a four-digit year, such as 11/24/2026."""
    from babel.dates import get_date_format

    parts = {"d": f"{day.day}", "M": f"{day.month}", "y": f"{day.year}"}
    pattern = get_date_format("short", locale=_locale(tag)).pattern
    separator = next((c for c in pattern if c in "./-"), "/")
    return separator.join(parts[field] for field in _field_order(tag))


def read_date(text: str, tag: str) -> date | None:
    """A date typed as YYYY-MM-DD or in the locale's numeric order; None when it is not a real date."""
    text = text.strip()
    try:
        if _ISO.match(text):
            return date.fromisoformat(text)
        match = _NUMERIC.match(text)
        if not match:
            return None
        fields = dict(zip(_field_order(tag), (int(g) for g in match.groups())))
        year_text = match.group(1 + _field_order(tag).index("y"))
        if len(year_text) not in (2, 4):
            return None
        year = fields["y"] + 2000 if len(year_text) == 2 else fields["y"]
        return date(year, fields["M"], fields["d"])
    except ValueError:
        return None


@dataclass(frozen=True)
class LocaleTag(TextCheck):
    """A language and country such as en-US or en-GB: it sets how dates are written and the default paper."""

    label: str = "locale"

    def read(self, text, line, report):
        if country(text) is None:
            report(line, f"'{text}' is not a locale with a country; write it like en-US or en-GB")
            return INVALID
        return text.replace("_", "-")
