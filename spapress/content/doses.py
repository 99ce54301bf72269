"""Dose ranges: how long and how often a point, technique or tool may be done, as content says.

A point, technique or tool may declare `minutes: 1-2` and `times_a_day: 1-3` (or one number,
or a list of two); without them the defaults below apply. A therapist's pick outside the
range is refused (clients/visits.py), so the plan on a client sheet never contradicts the
card it sits beside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import INVALID, Check, excerpt

DEFAULT_MINUTES = (0.5, 20.0)
DEFAULT_TIMES_A_DAY = (1, 4)
MOST_MINUTES, MOST_TIMES_A_DAY = 120, 12  # what any declared range may reach
_RANGE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:(?:-|–|—|to)\s*([0-9]+(?:\.[0-9]+)?)\s*)?$")


@dataclass(frozen=True)
class DoseRange(Check):
    """A range of minutes or times a day, written like 1-2 (or one number, or a list of two numbers)."""

    whole: bool = False
    low: float = 0.5
    high: float = MOST_MINUTES
    label: str = "range, like 1-2"

    def __call__(self, value, line, report):
        numbers = self._numbers(value)
        if numbers is None:
            report(line, f"'{excerpt(str(value))}' is not a range; write it like 1-2 (smallest first)")
            return INVALID
        first, last = numbers
        if self.whole and not (float(first).is_integer() and float(last).is_integer()):
            report(line, f"'{excerpt(str(value))}': times a day are whole numbers; write it like 1-3")
            return INVALID
        if first > last:
            report(line, f"the range {first:g}-{last:g} is upside down; write the smaller number first: "
                         f"{last:g}-{first:g}")
            return INVALID
        if first < self.low or last > self.high:
            report(line, f"the range {first:g}-{last:g} goes beyond {self.low:g}-{self.high:g}; keep it within that")
            return INVALID
        return (int(first), int(last)) if self.whole else (float(first), float(last))

    @staticmethod
    def _numbers(value):
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return value, value
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return value[0], value[1]
        if isinstance(value, str):
            match = _RANGE.match(value)
            if match:
                first = float(match.group(1))
                return first, float(match.group(2)) if match.group(2) else first
        return None


MINUTES_RANGE = DoseRange(whole=False, low=0.5, high=MOST_MINUTES)
TIMES_RANGE = DoseRange(whole=True, low=1, high=MOST_TIMES_A_DAY)


def range_text(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"
