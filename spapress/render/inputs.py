"""Checks on the files a page draws from, before anything reads them for real: pictures, SVG art
and fonts. Each is bounded (bytes, pixels), must be what its name says, and may refer only to
files inside the project's content and layouts folders, links followed.

Every refusal is an InputProblem naming the file (and line, for SVG). A file that passes is
remembered by its size and modification time, so a long build checks it once. Cheap to
import: lxml and Pillow are loaded only when a file is checked (builds/targets reads SVG
references through this module before deciding what to build), and what an SVG links to is
kept in the on-disk cache (spapress/cache.py) by the file's bytes.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import os
import re
import struct
import warnings
from functools import lru_cache
from pathlib import Path

from .. import cache
from ..content.rules import resolves_inside

MAX_SVG_BYTES = 5 * 1024 * 1024         # the shipped body art is 10 KB
MAX_PICTURE_BYTES = 20 * 1024 * 1024    # a print-quality photo of a full page is a few MB
MAX_PIXELS = 25_000_000                 # 25 megapixels: a full page at 300 dpi is 8.4
MAX_FONT_BYTES = 32 * 1024 * 1024       # large CJK TrueType fonts are about 20 MB
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg")
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_LOADING_ELEMENTS = ("image", "use", "feImage")  # SVG elements whose href svglib (or a reader) loads
_EMBEDDED = re.compile(r"^data:image/(?:png|jpe?g);base64,?", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, C: …


class InputProblem(Exception):
    """A file the page needs cannot be used: `path` is the file to fix, `line` where, if known."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        super().__init__(message)
        self.path, self.message, self.line = path, message, line


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _read(path: Path, limit: int, what: str) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputProblem(path, f"is larger than {limit // (1024 * 1024)} MB, too large for {what}; "
                                 f"save a smaller copy")
    return data


# --- pictures ---------------------------------------------------------------------------------

def check_picture(path: Path) -> None:
    """A PNG or JPEG file of at most MAX_PICTURE_BYTES and MAX_PIXELS, whole."""
    _check_picture(path, *_stamp(path))


@lru_cache(maxsize=256)
def _check_picture(path: Path, size: int, mtime: int) -> None:
    _check_picture_bytes(path, _read(path, MAX_PICTURE_BYTES, "a picture"), "")


def _check_picture_bytes(path: Path, data: bytes, inside: str, line: int | None = None) -> None:
    """inside: words naming where the picture is when it is embedded in another file."""
    from PIL import Image

    what = f"the picture {inside}" if inside else "it"
    start = f"{inside}: " if inside else ""
    if not data:
        raise InputProblem(path, f"{start}is an empty file, not a picture", line)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if kind not in ("PNG", "JPEG"):
                    raise InputProblem(path, f"{start}is a {kind} picture; save it as PNG or JPEG", line)
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(path, start, f"{width:,} x {height:,} pixels", line)
                if width == 0 or height == 0:
                    raise InputProblem(path, f"{start}is a picture with no pixels", line)
                image.load()  # within the budget: decoding now finds a file cut short before drawing does
    except Image.DecompressionBombError:
        raise _too_many_pixels(path, start, "hundreds of millions of pixels", line) from None
    except InputProblem:
        raise
    except Exception as err:  # Pillow raises many kinds for broken files
        raise InputProblem(path, f"{start}cannot be read as a picture ({what} may be cut short or not a "
                                 f"PNG or JPEG at all: {str(err)[:80] or type(err).__name__}); save it again", line) from None


def _too_many_pixels(path: Path, start: str, size: str, line: int | None) -> InputProblem:
    return InputProblem(path, f"{start}is a picture of {size}, more than the {MAX_PIXELS // 1_000_000} megapixels "
                              f"a handout can use; save a smaller copy (300 dpi at the printed size is plenty)", line)


# --- SVG art ----------------------------------------------------------------------------------

def check_svg(path: Path, roots: tuple[Path, ...]) -> None:
    """SVG art that is an SVG document with a size, bounded, and refers only to pictures and art
    inside roots (each checked in turn)."""
    _check_svg(path, roots, *_stamp(path))


@lru_cache(maxsize=256)
def _check_svg(path: Path, roots: tuple[Path, ...], size: int, mtime: int) -> None:
    _references(path, roots, strict=True, seen=frozenset())
    from .flowables import vector_art

    try:
        drawing = vector_art(path)  # svglib's reading, or the cache's of these very bytes read before
    except Exception as err:  # svglib's failures come in many kinds
        raise InputProblem(path, f"cannot be drawn as SVG art ({str(err)[:80] or type(err).__name__})") from None
    if not all(math.isfinite(v) and v > 0 for v in (drawing.width, drawing.height)):
        raise InputProblem(path, f"has no size (width {drawing.width:g}, height {drawing.height:g}); "
                                 f"give the <svg> a width, height or viewBox larger than zero")


def svg_references(path: Path, roots: tuple[Path, ...]) -> tuple[Path, ...]:
    """The files an SVG (and the SVGs it refers to) draws from, inside roots; broken ones left out.
    What a build tracks, so replacing a picture the logo shows rebuilds the handouts."""
    try:
        return _svg_references(path, roots, *_stamp(path))
    except OSError:
        return ()


@lru_cache(maxsize=256)
def _svg_references(path: Path, roots: tuple[Path, ...], size: int, mtime: int) -> tuple[Path, ...]:
    try:
        return tuple(_references(path, roots, strict=False, seen=frozenset()))
    except (InputProblem, OSError):
        return ()


def _links(path: Path) -> list[tuple[str, int | None]]:
    """The address and line of each element of the SVG at path that loads something (a picture,
    other art), '#' links within the file left out. Kept in the on-disk cache by the file's
    bytes: a build that finds them there reads no SVG and never loads lxml."""
    data = _read(path, MAX_SVG_BYTES, "SVG art")
    entry = cache.entry_name("svglinks", data)
    kept = cache.read(entry)
    if kept is not None:
        try:
            links = [(href, line) for href, line in json.loads(kept)]
            if all(isinstance(href, str) and (line is None or type(line) is int) for href, line in links):
                return links
        except (ValueError, TypeError):
            pass  # not what this code writes: read the file again
    from lxml import etree

    links = []
    for node in _parse_svg(path, data).iter():
        if not isinstance(node.tag, str) or etree.QName(node).localname not in _LOADING_ELEMENTS:
            continue
        href = (node.get(_XLINK_HREF) or node.get("href") or "").strip()
        if href and not href.startswith("#"):
            links.append((href, node.sourceline))
    cache.write(entry, json.dumps(links).encode())  # only for a file that parsed as SVG
    return links


def _parse_svg(path: Path, data: bytes):
    from lxml import etree

    if not data.strip():
        raise InputProblem(path, "is an empty file, not SVG art")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise InputProblem(path, f"is not SVG art: it is not well-formed XML ({err.msg}); "
                                 f"save it again as SVG from the drawing program", err.lineno or None) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise InputProblem(path, "is not SVG art: its outermost element is not <svg>", root.sourceline)
    return root


def _references(path: Path, roots: tuple[Path, ...], *, strict: bool, seen: frozenset) -> list[Path]:
    """Every local file the SVG at path loads, following SVGs it loads; with strict, any reference
    that leads outside roots, is missing or is not a usable picture is an InputProblem."""
    found: list[Path] = []
    for href, line in _links(path):
        embedded = _EMBEDDED.match(href)
        if embedded:
            if strict:
                try:
                    data = base64.b64decode(href[embedded.end():], validate=False)
                except (binascii.Error, ValueError):
                    raise InputProblem(path, "an embedded picture is not valid base64 data", line) from None
                _check_picture_bytes(path, data, "an embedded picture", line)
            continue
        if href.lower().startswith("data:"):
            continue  # svglib draws no other kind of embedded data
        name = href.split("#", 1)[0]
        shown = name if len(name) <= 60 else name[:60] + "…"
        target = Path(os.path.normpath(path.parent / name)) if name else path
        if _SCHEME.match(name) or os.path.isabs(name) or name.startswith(("/", "\\")) or not resolves_inside(target, *roots):
            if strict:
                raise InputProblem(path, f"refers to '{shown}', outside the handouts and layouts folders; "
                                         f"copy it into the project and refer to it by a relative name", line)
            continue
        if not target.is_file():
            if strict:
                raise InputProblem(path, f"refers to '{shown}', which is not there", line)
            continue
        if target == path or target in seen:
            continue
        found.append(target)
        if target.suffix.lower() == ".svg":
            found += _references(target, roots, strict=strict, seen=seen | {path})
        elif strict:
            if target.suffix.lower() not in PICTURE_SUFFIXES:
                raise InputProblem(path, f"refers to '{shown}', which is not a PNG, JPEG or SVG file", line)
            check_picture(target)
    return found


# --- fonts ------------------------------------------------------------------------------------

_TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_NEEDED_TABLES = (b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp")


def check_font(path: Path) -> None:
    """A TrueType font file, bounded, whose tables all lie inside the file (a cut-short copy fails)."""
    _check_font(path, *_stamp(path))


@lru_cache(maxsize=64)
def _check_font(path: Path, size: int, mtime: int) -> None:
    data = _read(path, MAX_FONT_BYTES, "a font")
    kind = data[:4]
    if kind == b"OTTO":
        raise InputProblem(path, "is an OpenType font with PostScript outlines; use the TrueType (.ttf) version")
    if kind == b"ttcf":
        return  # a collection: ReportLab reads its first font and checks it itself
    if kind not in _TRUETYPE:
        raise InputProblem(path, "is not a TrueType font file")
    if len(data) < 12:
        raise InputProblem(path, "is cut short: copy the font file again")
    count = struct.unpack(">H", data[4:6])[0]
    if len(data) < 12 + 16 * count:
        raise InputProblem(path, "is cut short: copy the font file again")
    tables = set()
    for index in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * index: 28 + 16 * index])
        if offset + length > len(data):
            raise InputProblem(path, f"is cut short (its '{tag.decode('latin-1')}' table runs past the end "
                                     f"of the file): copy the font file again")
        tables.add(tag)
    missing = [t.decode() for t in _NEEDED_TABLES if t not in tables]
    if missing:
        raise InputProblem(path, f"is not a usable TrueType font (it has no '{missing[0]}' table)")


# --- a page's files ----------------------------------------------------------------------------

def check_art(path: Path, roots: tuple[Path, ...]) -> None:
    """Any picture or art file a page draws, by its kind, after checking it lies inside roots."""
    if not resolves_inside(path, *roots):
        raise InputProblem(path, "is a link to a file outside the handouts and layouts folders; "
                                 "copy the file itself into the project")
    if path.suffix.lower() == ".svg":
        check_svg(path, roots)
    else:
        check_picture(path)


def page_files(root, project, brand) -> list[Path]:
    """The picture and art files a rendered page tree will draw: <img>, <body-map> art and the
    brand's logo in <brand-header>. Files that do not exist are left to the elements to report."""
    files = []
    for node in root.iter("img", "body-map", "brand-header"):
        if node.tag == "img":
            folder = project.content if node.get("folder") == "handouts" else project.layouts
            files.append(folder / node.get("src", ""))
        elif node.tag == "body-map":
            files.append(project.layouts / "art" / f"body-{node.get('view', '')}.svg")
        elif brand is not None and brand.logo is not None:
            files.append(brand.logo)
    return [path for path in dict.fromkeys(files) if path.is_file()]


def check_page_files(root, project, brand) -> None:
    """Check every file a rendered page will draw; the first that cannot be used is an InputProblem."""
    roots = (project.content, project.layouts)
    for path in page_files(root, project, brand):
        check_art(path, roots)
