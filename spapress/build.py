"""The whole story of a build: load content, render each sheet's and booklet's layouts, compose, then write.

Nothing is written until every requested handout has been made, so a build with any
problem leaves earlier PDFs exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compose import ComposedPdf, Metadata, Overflow, compose_page
from .elements import AttrError, Ink
from .errors import ContentError, Problem, UsageError
from .fonts import FontProblem, register_family
from .booklet import make_booklet
from .layout import SHEET_TEMPLATE, render_page, sheet_context
from .load import load_library
from .model import Booklet, ClientCard, Library, Project, Sheet
from .output import write_atomically
from .schema import did_you_mean
from .styles import StyleSheet, load_style_sheet


@dataclass(frozen=True)
class Built:
    """One finished PDF: where it goes, its bytes, and a short description for people."""

    id: str
    path: Path
    data: bytes
    description: str


class Press:
    """Makes handout PDFs from one loaded library; caches style sheets and fonts between sheets."""

    def __init__(self, project: Project, library: Library):
        self.project, self.library = project, library
        self._styles: dict[str, StyleSheet] = {}

    def styles(self, layout: str) -> StyleSheet:
        if layout not in self._styles:
            path = self.project.layouts / layout / "styles.yaml"
            if not path.is_file():
                raise ContentError([Problem(self.project.show(path), None, "style sheet not found; every layout needs a styles.yaml")])
            self._styles[layout] = load_style_sheet(path, self.project.show(path))
        return self._styles[layout]

    def faces(self):
        brand = self.library.brand
        try:
            return {"body": register_family(brand.body_font), "heading": register_family(brand.heading_font)}
        except FontProblem as err:
            raise ContentError([Problem(brand.source, None, str(err))]) from None

    def make_sheet(self, sheet: Sheet, client: ClientCard | None = None) -> ComposedPdf:
        """One sheet as PDF bytes (personalised when client is given); failures are ContentErrors."""
        template = f"{sheet.layout}/{SHEET_TEMPLATE}"
        root = render_page(self.project, template, sheet_context(self.library, sheet, client))
        ink = Ink(self.library.brand, self.styles(sheet.layout), self.faces(), self.project)
        try:
            return compose_page(root, ink, self._metadata(sheet))
        except Overflow as err:
            raise ContentError([Problem(sheet.source, None, f"'{sheet.id}' {err}")]) from None
        except FontProblem as err:
            raise ContentError([self.locate_glyph(err, self.sources_of(sheet), sheet.source)]) from None
        except AttrError as err:
            raise ContentError([Problem(self.project.show(self.project.layouts / template), None, str(err))]) from None

    def _metadata(self, sheet: Sheet) -> Metadata:
        brand = self.library.brand
        names = [self.library.items(s.kind)[i] for s in sheet.sections if s.kind != "topics" for i in s.ids]
        keywords = tuple(dict.fromkeys(["massage", "self-care", *(item.name for item in names)]))
        return Metadata(title=sheet.title, author=brand.name,
                        subject=sheet.subtitle or f"A handout from {brand.name}",
                        keywords=keywords, language=brand.language)

    def sources_of(self, sheet: Sheet) -> list[str]:
        """The content files whose text a sheet shows."""
        sources = [sheet.source, self.library.brand.source]
        return sources + [self.library.items(s.kind)[i].source for s in sheet.sections for i in s.ids]

    def locate_glyph(self, err: FontProblem, sources: list[str], fallback: str) -> Problem:
        """Point at the content file and line holding the character the font lacks."""
        char = str(err).split("'")[1] if "'" in str(err) else ""
        for shown in dict.fromkeys(sources):
            path = self.project.root / shown
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                if char and char in line:
                    return Problem(shown, number, str(err))
        return Problem(fallback, None, str(err))


def select_targets(library: Library, ids: list[str] | None) -> tuple[list[Sheet], list[Booklet]]:
    """The handouts and booklets to build: those named, or all of them."""
    if not ids:
        return list(library.sheets.values()), list(library.booklets.values())
    known = {**library.sheets, **library.booklets}
    unknown = [i for i in ids if i not in known]
    if unknown:
        name = unknown[0]
        raise UsageError(f"argument ID: no handout or booklet '{name}'{did_you_mean(name, known)}; "
                         f"known: {', '.join(known) or 'none'}")
    wanted = list(dict.fromkeys(ids))
    return ([library.sheets[i] for i in wanted if i in library.sheets],
            [library.booklets[i] for i in wanted if i in library.booklets])


def build(project: Project, ids: list[str] | None = None, *, write: bool = True,
          impose: bool = False, print_shop: bool = False) -> list[Built]:
    """Make the requested handouts and booklets (all by default); write them only if every one succeeded.

    impose and print_shop add those copies of every booklet built, on top of what each booklet asks for."""
    library = load_library(project)
    sheets, booklets = select_targets(library, ids)
    press = Press(project, library)
    problems: list[Problem] = []
    built: list[Built] = []
    for sheet in sheets:
        try:
            pdf = press.make_sheet(sheet)
        except ContentError as err:
            problems.extend(err.problems)
            continue
        built.append(Built(sheet.id, project.out / f"{sheet.id}.pdf", pdf.data, f"1 page, body text {pdf.body_size:g} pt"))
    for booklet in booklets:
        try:
            made = make_booklet(press, booklet, impose_copy=impose or booklet.impose,
                                print_shop_copy=print_shop or booklet.print_shop)
        except ContentError as err:
            problems.extend(err.problems)
            continue
        folder = project.out / "booklets"
        built.append(Built(booklet.id, folder / f"{booklet.id}.pdf", made.reading.data, f"booklet of {made.reading.pages} pages"))
        if made.imposed is not None:
            sheets_needed = -(-made.reading.pages // 4)
            built.append(Built(booklet.id, folder / f"{booklet.id}-imposed.pdf", made.imposed,
                               f"{sheets_needed} sheet{'s' if sheets_needed != 1 else ''}: print double-sided, flip on short edge, fold, staple"))
        if made.print_shop is not None:
            built.append(Built(booklet.id, folder / f"{booklet.id}-print-shop.pdf", made.print_shop,
                               f"for the print shop: {booklet.bleed:g} in bleed, crop marks"))
    if problems:
        raise ContentError(problems)
    if write:
        for item in built:
            write_atomically(item.path, item.data)
    return built
