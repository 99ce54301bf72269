"""What a PDF actually draws, read back from its content streams (pages.py finds them, operators.py reads them).

Every check before print works on this record rather than on the layout's intentions: the
text shown (its characters, size, face, fill colour and box on the page, and the text
object it belongs to, which is one paragraph in ReportLab's output) and every filled shape
(its box, colour and whether it is a grid of squares, as a QR code is), in painting order.
Only the operators ReportLab writes are understood; anything else is passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .operators import operations
from .pages import FontParts, PageParts, read_pages

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)
WHITE: Color = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def holds(self, x: float, y: float, slack: float = 0.01) -> bool:
        return self.x0 - slack <= x <= self.x1 + slack and self.y0 - slack <= y <= self.y1 + slack

    def covers(self, other: "Box", slack: float = 0.01) -> bool:
        return (self.x0 - slack <= other.x0 and self.y0 - slack <= other.y0
                and other.x1 <= self.x1 + slack and other.y1 <= self.y1 + slack)

    def meets(self, other: "Box") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def grown(self, by: float) -> "Box":
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)


@dataclass(frozen=True)
class Run:
    """One text show: its characters, where and how they are drawn."""

    order: int          # painting order on the page
    text: str
    size: float         # the size on the page in points (font size times any scaling)
    bold: bool
    color: Color
    box: Box
    baseline: float
    paragraph: int      # runs of one text object (BT..ET) share it: one paragraph in ReportLab's output


@dataclass(frozen=True)
class Fill:
    """One filled shape in painting order; squares holds the boxes when the path is only rectangles."""

    order: int
    color: Color
    box: Box
    squares: tuple[Box, ...] = ()


@dataclass
class DrawnPage:
    number: int
    box: Box
    runs: list[Run] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)

    def lines(self) -> list[tuple[int, float, str]]:
        """Each printed line as (paragraph, baseline, text), in reading order within its paragraph."""
        grouped: dict[tuple[int, float], list[Run]] = {}
        for run in self.runs:
            grouped.setdefault((run.paragraph, round(run.baseline, 1)), []).append(run)
        lines = []
        for (paragraph, baseline), runs in grouped.items():
            text = "".join(run.text for run in sorted(runs, key=lambda r: r.box.x0))
            lines.append((paragraph, baseline, text))
        return sorted(lines, key=lambda line: (line[0], -line[1]))

    def paragraphs(self) -> list[str]:
        """The text of each paragraph, its lines joined with spaces."""
        joined: dict[int, list[str]] = {}
        for paragraph, _, text in self.lines():
            joined.setdefault(paragraph, []).append(text.strip())
        return [" ".join(part for part in parts if part) for parts in joined.values()]

    def background_at(self, x: float, y: float, before: int) -> Fill | None:
        """The last shape painted under the point (x, y) before painting order `before`."""
        for fill in reversed(self.fills):
            if fill.order < before and fill.box.holds(x, y):
                return fill
        return None


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF matrices are row vectors: the point is multiplied by a first)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def _cmyk(c, m, y, k) -> Color:
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


class _Font:
    """A simple (one byte per character) font: its widths and what each code means."""

    def __init__(self, font: FontParts):
        self.bold = "bold" in font.base_font.lower()
        self.first = font.first_char
        self.widths = list(font.widths)
        self.unicode: dict[int, str] = {}
        if font.to_unicode is not None:
            self._read_cmap(font.to_unicode.decode("latin-1"))
        # Each code's character and width, looked up once here rather than for every character shown.
        self.characters = {code: self.unicode.get(code, chr(code)) for code in range(256)}
        self.advances = [self.width(code) for code in range(256)]

    def _read_cmap(self, cmap: str) -> None:
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                self.unicode[int(code, 16)] = _utf16(text)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, start in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                first = int(start, 16)
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    self.unicode[code] = chr(first + offset)

    def text(self, data: bytes) -> str:
        return data.decode("latin-1").translate(self.characters).replace("\x00", "")

    def width(self, code: int) -> float:
        index = code - self.first
        return self.widths[index] / 1000 if 0 <= index < len(self.widths) else 0.5


@lru_cache(maxsize=64)  # a batch's PDFs embed the same subsets again and again; a _Font is never changed
def _font(parts: FontParts) -> _Font:
    return _Font(parts)


def _utf16(hex_text: str) -> str:
    try:
        return bytes.fromhex(hex_text).decode("utf-16-be")
    except ValueError:
        return ""


def _bytes(operand) -> bytes:
    original = getattr(operand, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return bytes(operand) if isinstance(operand, (bytes, bytearray)) else str(operand).encode("latin-1", "replace")


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: Color = BLACK
    font: _Font | None = None
    size: float = 0.0
    leading: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    rise: float = 0.0

    def copy(self) -> "_State":
        return _State(**self.__dict__)


# Every operator the loop below acts on; the rest (line widths, dashes, ET, marked content…) change
# nothing the checks look at and are passed over at once.
_UNDERSTOOD = frozenset(("q", "Q", "cm", "rg", "g", "k", "m", "l", "c", "v", "y", "re", "f", "F", "f*", "B", "B*",
                         "b", "b*", "S", "s", "n", "BT", "Tf", "TL", "Tc", "Tw", "Tz", "Ts", "Tm", "Td", "TD", "T*",
                         "Tj", "TJ", "'", '"'))


def read_pdf(data: bytes) -> list[DrawnPage]:
    """Every page of a PDF as what it draws."""
    return [_read_page(page, number) for number, page in enumerate(read_pages(data), 1)]


def _read_page(page: PageParts, number: int) -> DrawnPage:
    drawn = DrawnPage(number, Box(*page.media_box))
    fonts = {name: _font(font) for name, font in page.fonts.items()}
    if page.contents is None:
        return drawn
    state, stack = _State(), []
    path: list[tuple[float, float]] = []
    squares: list[Box] = []
    only_squares = True
    text_matrix = line_matrix = IDENTITY
    paragraph = order = 0
    for operands, op in operations(page.contents):
        if op not in _UNDERSTOOD:
            continue
        if op == "q":
            stack.append(state.copy())
        elif op == "Q":
            state = stack.pop() if stack else _State()
        elif op in ("c", "v", "y"):  # the commonest first: curves and boxes, most of any art
            values = [float(v) for v in operands]
            path.extend(_apply(state.ctm, values[i], values[i + 1]) for i in range(0, len(values), 2))
            only_squares = False
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            corners = [_apply(state.ctm, x + dx, y + dy) for dx in (0, w) for dy in (0, h)]
            path.extend(corners)
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            squares.append(Box(min(xs), min(ys), max(xs), max(ys)))
        elif op == "cm":
            state.ctm = _multiply(tuple(float(v) for v in operands), state.ctm)
        elif op == "rg":
            state.fill = tuple(float(v) for v in operands)
        elif op == "g":
            state.fill = (float(operands[0]),) * 3
        elif op == "k":
            state.fill = _cmyk(*(float(v) for v in operands))
        elif op in ("m", "l"):
            path.append(_apply(state.ctm, float(operands[0]), float(operands[1])))
            only_squares = False
        elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
            if op not in ("S", "s", "n") and path:
                xs, ys = [p[0] for p in path], [p[1] for p in path]
                order += 1
                drawn.fills.append(Fill(order, state.fill, Box(min(xs), min(ys), max(xs), max(ys)),
                                        tuple(squares) if only_squares else ()))
            path, squares, only_squares = [], [], True
        elif op == "BT":
            text_matrix = line_matrix = IDENTITY
            paragraph += 1
        elif op == "Tf":
            state.font = fonts.get(operands[0])
            state.size = float(operands[1])
        elif op == "TL":
            state.leading = float(operands[0])
        elif op == "Tc":
            state.char_space = float(operands[0])
        elif op == "Tw":
            state.word_space = float(operands[0])
        elif op == "Tz":
            state.scale = float(operands[0]) / 100
        elif op == "Ts":
            state.rise = float(operands[0])
        elif op == "Tm":
            text_matrix = line_matrix = tuple(float(v) for v in operands)
        elif op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                state.leading = -ty
            text_matrix = line_matrix = _multiply((1, 0, 0, 1, tx, ty), line_matrix)
        elif op == "T*":
            text_matrix = line_matrix = _multiply((1, 0, 0, 1, 0, -state.leading), line_matrix)
        elif op in ("Tj", "TJ", "'", '"'):
            if op in ("'", '"'):
                text_matrix = line_matrix = _multiply((1, 0, 0, 1, 0, -state.leading), line_matrix)
                if op == '"':
                    state.word_space, state.char_space = float(operands[0]), float(operands[1])
            pieces = operands[0] if op == "TJ" else [operands[-1]]
            order += 1
            text_matrix = _show(drawn, state, text_matrix, pieces, order, paragraph)
    return drawn


def _show(drawn: DrawnPage, state: _State, text_matrix: Matrix, pieces, order: int, paragraph: int) -> Matrix:
    """Record one text show and return the text matrix moved past it."""
    font = state.font
    if font is None:
        return text_matrix
    start = text_matrix
    characters: list[str] = []
    advance = 0.0
    for piece in pieces:
        if isinstance(piece, (int, float)) or type(piece).__name__ in ("NumberObject", "FloatObject"):
            advance -= float(piece) / 1000 * state.size * state.scale
            continue
        data = _bytes(piece)
        characters.append(font.text(data))
        advances, size, char_space, word_space, scale = font.advances, state.size, state.char_space, \
            state.word_space, state.scale
        for code in data:
            advance += (advances[code] * size + char_space + (word_space if code == 32 else 0.0)) * scale
    device = _multiply(start, state.ctm)
    x0, baseline = _apply(device, 0, state.rise)
    x1, _ = _apply(device, advance, state.rise)
    vertical = (device[2] ** 2 + device[3] ** 2) ** 0.5
    size = state.size * vertical
    text = "".join(characters)
    if text.strip():
        box = Box(min(x0, x1), baseline - 0.22 * size, max(x0, x1), baseline + 0.72 * size)
        drawn.runs.append(Run(order, text, round(size, 2), font.bold, state.fill, box, baseline, paragraph))
    return _multiply((1, 0, 0, 1, advance, 0), text_matrix)
