"""QR codes as drawn: at least 20 mm across, with a light margin of 4 modules all round.

A QR code is found as one filled path made only of squares on a grid whose extent is a
valid QR size (21, 25, 29, … modules). The module size comes from that count; the margin is
the light shape the code sits on, less anything drawn over it afterwards.
"""

from __future__ import annotations

from .contrast import luminance
from .drawn import Box, DrawnPage, Fill

MIN_MM, QUIET_MODULES = 20.0, 4
MM = 72 / 25.4


def find_codes(page: DrawnPage) -> list[tuple[Fill, int, float]]:
    """Each QR code on the page: its fill, its modules across, and the module size in points."""
    codes = []
    for fill in page.fills:
        if len(fill.squares) < 20:
            continue
        cell = min(square.height for square in fill.squares)
        if cell <= 0 or any(abs(square.height - cell) > cell * 0.05 for square in fill.squares):
            continue
        across = round(fill.box.width / cell)
        if abs(fill.box.width - fill.box.height) > cell * 0.5 or across < 21 or (across - 21) % 4:
            continue
        codes.append((fill, across, fill.box.width / across))
    return codes


def quiet_modules(page: DrawnPage, code: Fill, cell: float) -> float:
    """How many modules of light margin the code has on its narrowest side."""
    under = None
    for fill in reversed(page.fills):
        if fill.order < code.order and fill.box.covers(code.box):
            under = fill
            break
    light = under.box if under is not None and luminance(under.color) > 0.6 else None
    if under is None:  # straight on the paper
        light = page.box
    elif light is None:
        return 0.0
    margin = min(code.box.x0 - light.x0, light.x1 - code.box.x1, code.box.y0 - light.y0, light.y1 - code.box.y1)
    # Anything painted over the light margin after it (text, shapes) narrows it.
    start = under.order if under is not None else 0
    zone = code.box.grown(max(margin, 0.0))
    for other in [f.box for f in page.fills if f.order > start and f is not code] + \
                 [r.box for r in page.runs if r.order > start]:
        if zone.meets(other) and not _inside(other, code.box):
            margin = min(margin, _gap(code.box, other))
    return max(margin, 0.0) / cell


def _inside(inner: Box, outer: Box) -> bool:
    return outer.covers(inner)


def _gap(a: Box, b: Box) -> float:
    dx = max(b.x0 - a.x1, a.x0 - b.x1, 0.0)
    dy = max(b.y0 - a.y1, a.y0 - b.y1, 0.0)
    return max(dx, dy)


def poor_codes(pages: list[DrawnPage]) -> list[str]:
    messages = []
    for page in pages:
        for code, across, cell in find_codes(page):
            size_mm = code.box.width / MM
            if size_mm < MIN_MM - 0.05:
                messages.append(f"page {page.number}: the QR code is {size_mm:.1f} mm across; it must be at least "
                                f"{MIN_MM:g} mm: make the <qr> size larger")
            quiet = quiet_modules(page, code, cell)
            if quiet < QUIET_MODULES - 0.05:
                messages.append(f"page {page.number}: the QR code has a light margin of {quiet:.1f} modules; it needs "
                                f"{QUIET_MODULES} all round: leave more room around the <qr>")
    return messages


