"""Imposition: saddle-stitch two-up copies with pypdf.

Pages are placed two-up on landscape sheets so that printing double-sided (flip on the
short edge), folding the stack in half and stapling on the fold gives the booklet in
reading order.
"""

from __future__ import annotations

import io

# A folded booklet page and the office paper two of them are printed on.
SHEET_FOR_PAGE = {"half-letter": "letter", "a5": "a4"}


def pad_to_fold(pages: list[int], keep_last: bool) -> list[int | None]:
    """The page order with blanks (None) added to make a multiple of four.

    keep_last puts the blanks before the final page, so a back cover stays on the outside."""
    blanks = [None] * (-len(pages) % 4)
    if keep_last and pages:
        return pages[:-1] + blanks + pages[-1:]
    return pages + blanks


def saddle_stitch_sides(sequence: list[int | None]) -> list[tuple[int | None, int | None]]:
    """(left, right) for each printed side, in printing order: sheet 1 front, sheet 1 back, ...

    The outermost sheet carries the last and first pages on its front, the second and the
    second-last on its back; each following sheet nests inside the one before."""
    count = len(sequence)
    if count % 4:
        raise ValueError(f"{count} pages cannot be folded; pad them to a multiple of four first")
    sides = []
    for sheet in range(count // 4):
        sides.append((sequence[count - 1 - 2 * sheet], sequence[2 * sheet]))
        sides.append((sequence[2 * sheet + 1], sequence[count - 2 - 2 * sheet]))
    return sides


def impose(pdf: bytes, *, sheet: tuple[float, float] | None = None, keep_last: bool = False) -> bytes:
    """The PDF's pages two-up in saddle-stitch order; blank pages stay truly blank.

    sheet: the landscape paper size; pages meet at its centre fold (default: exactly two pages wide).
    Each page becomes a form XObject drawn in place, so its content is copied once and never
    re-parsed, and the fonts all pages share are stored once."""
    from pypdf import PdfReader, PdfWriter  # loaded on use: plain builds start faster
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, RectangleObject

    reader = PdfReader(io.BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    for number, page in enumerate(reader.pages, 1):
        if (float(page.mediabox.width), float(page.mediabox.height)) != (width, height):
            raise ValueError(f"page {number} is not the same size as page 1; every page of a booklet must match")
    sheet_width, sheet_height = sheet or (2 * width, height)
    fold, bottom = sheet_width / 2, (sheet_height - height) / 2
    writer = PdfWriter()

    def stream(data: bytes, entries: dict):
        made = DecodedStreamObject()
        made.set_data(data)
        made.update({NameObject(key): value for key, value in entries.items()})
        return writer._add_object(made.flate_encode())  # pypdf's way to add a new object to the file

    def as_form(index: int):
        page = reader.pages[index]
        return stream(page.get_contents().get_data(), {
            "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"),
            "/BBox": RectangleObject((0, 0, width, height)),
            "/Resources": page["/Resources"].clone(writer)})

    for left, right in saddle_stitch_sides(pad_to_fold(list(range(len(reader.pages))), keep_last)):
        side = writer.add_blank_page(width=sheet_width, height=sheet_height)
        forms, drawing = DictionaryObject(), []
        for index, x in ((left, fold - width), (right, fold)):
            if index is not None:
                name = f"/Page{index + 1}"
                forms[NameObject(name)] = as_form(index)
                drawing.append(f"q 1 0 0 1 {x:.4f} {bottom:.4f} cm {name} Do Q")
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        side[NameObject("/Contents")] = stream("\n".join(drawing).encode("ascii"), {})
    if reader.metadata:
        writer.add_metadata({key: value for key, value in reader.metadata.items() if key != "/Producer"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
