"""Pictures of PDF pages for the browser: the live preview of a client sheet and the library's thumbnails.

pypdfium2 draws the real PDF the press made, so what the desk sees is what prints. Thumbnails
of built files are kept in memory by path, size and modification time.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pypdfium2 as pdfium

PREVIEW_WIDTH, THUMBNAIL_WIDTH = 520, 220  # the preview column is 400 px: a little more keeps it sharp
_thumbnails: dict[tuple[str, int, int], bytes] = {}
_pdfium_lock = threading.Lock()  # PDFium is not safe to call from two threads at once


def page_png(pdf: bytes, width: int = PREVIEW_WIDTH, compress: int = 0) -> bytes:
    """The first page of a PDF as a PNG about `width` pixels wide."""
    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            image = page.render(scale=width / page.get_width()).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    # Not compressed for this computer's own browser (encoding is the slow part); a little for a tablet.
    image.save(out, "PNG", compress_level=compress)
    return out.getvalue()


def thumbnail_png(path: Path) -> bytes:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _thumbnails:
        _thumbnails[key] = page_png(path.read_bytes(), THUMBNAIL_WIDTH, compress=6)  # kept, and maybe on a tablet
    return _thumbnails[key]
