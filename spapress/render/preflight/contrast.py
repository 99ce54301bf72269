"""Contrast: every piece of text against what is painted beneath it, by WCAG 2 (AA).

Normal text needs 4.5:1; large text (18 pt, or 14 pt bold) needs 3:1. Colours are the ones
actually drawn, so badge numbers, diagram markers and text on coloured bands all count.
"""

from __future__ import annotations

from .drawn import WHITE, Color, DrawnPage

NORMAL, LARGE = 4.5, 3.0


def luminance(color: Color) -> float:
    """WCAG relative luminance of an sRGB colour with channels from 0 to 1."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: Color, b: Color) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_of(color: Color) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in color)


def is_large(size: float, bold: bool) -> bool:
    return size >= 18 or (bold and size >= 14)


def low_contrast(pages: list[DrawnPage]) -> list[str]:
    """One message per colour pair that fails, with an example, its page and how often it occurs."""
    failing: dict[tuple, list] = {}
    for page in pages:
        for run in page.runs:
            under = page.background_at(*run.box.centre, before=run.order)
            background = under.color if under else WHITE
            needed = LARGE if is_large(run.size, run.bold) else NORMAL
            found = ratio(run.color, background)
            if found < needed - 0.005:
                key = (hex_of(run.color), hex_of(background), needed)
                failing.setdefault(key, []).append((page.number, run, found))
    messages = []
    for (text, background, needed), cases in failing.items():
        page, run, found = cases[0]
        weight = "bold " if run.bold else ""
        more = f" and {len(cases) - 1} more like it" if len(cases) > 1 else ""
        messages.append(f"page {page}: \"{_clip(run.text)}\" ({weight}{run.size:g} pt) is {text} on {background}, "
                        f"contrast {found:.1f}:1, needs {needed:g}:1{more}; use a darker colour for "
                        f"{'the shape behind it' if luminance(run.color) > luminance(_rgb(background)) else 'the text'}"
                        f" or a lighter one for {'the text' if luminance(run.color) > luminance(_rgb(background)) else 'what is behind it'}")
    return messages


def _rgb(hex_text: str) -> Color:
    return tuple(int(hex_text[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
