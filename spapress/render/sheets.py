"""Making one-page handouts: a Press holds one loaded library and turns its sheets into PDF bytes.

The Press caches what every sheet of a library shares (style sheets, registered fonts), and
is the one place that says which content file or template a drawing failure comes from.
Importing this module loads ReportLab and svglib.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..content.model import Library, Project, Sheet
from ..errors import ContentError, Problem
from .context import ClientCard, sheet_context
from .elements import AttrError, Ink
from .fonts import FontProblem, first_missing, font_label, register_family
from .pages import ComposedPdf, Metadata, Overflow, compose_page, plan_flowing_pages, render_pages
from .styles import StyleSheet, load_style_sheet
from .templates import SHEET_TEMPLATE, render_page


class Press:
    """Makes handout PDFs from one loaded library; caches style sheets and fonts between sheets."""

    def __init__(self, project: Project, library: Library):
        self.project, self.library = project, library
        self._styles: dict[str, StyleSheet] = {}
        self._face_names: tuple[str, ...] | None = None

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

    def missing_glyph(self, text: str) -> str | None:
        """The first character of text that some face of the brand's fonts cannot draw."""
        if self._face_names is None:  # asked once per typed field: look the faces up once
            self._face_names = tuple(dict.fromkeys(
                getattr(f, style) for f in self.faces().values() for style in ("regular", "bold", "italic", "bold_italic")))
        return first_missing(text, self._face_names)

    def font_label(self) -> str:
        """The body font's own name, for messages."""
        return font_label(self.faces()["body"].regular)

    def ink(self, layout: str) -> Ink:
        """What a layout's elements draw with: the brand, the layout's styles and the fonts."""
        return Ink(self.library.brand, self.styles(layout), self.faces(), self.project)

    def make_sheet(self, sheet: Sheet, client: ClientCard | None = None) -> ComposedPdf:
        """One sheet as PDF bytes (personalised when client is given); failures are ContentErrors."""
        template = f"{sheet.layout}/{SHEET_TEMPLATE}"
        most = self.styles(sheet.layout).pages
        root = render_page(self.project, template, sheet_context(self.library, sheet, client), may_flow=most > 1)
        with self.reported(template, sheet.source, what=f"'{sheet.id}'", sources=self.sources_of(sheet)):
            if most == 1:
                return compose_page(root, self.ink(sheet.layout), self.metadata(sheet))
            return self._flowing(root, sheet, most)

    def _flowing(self, root, sheet: Sheet, most: int) -> ComposedPdf:
        """A sheet in a layout that may run over `most` pages (large print): its <flow> at the design size."""
        ink = self.ink(sheet.layout)
        pages = plan_flowing_pages(root, ink)
        if len(pages) > most:
            raise Overflow(f"runs to {len(pages)} pages in the {sheet.layout} layout, and the most is {most}; "
                           f"shorten the text or remove a section")
        return ComposedPdf(render_pages(pages, self.metadata(sheet)), len(pages), ink.styles.body_size)

    def metadata(self, sheet: Sheet) -> Metadata:
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

    @contextmanager
    def reported(self, template: str, source: str, *, what: str, sources: list[str],
                 line: int | None = None) -> Iterator[None]:
        """Turn a failure while laying out or drawing into a ContentError naming the file to fix:
        the content file (at `line`) for text that does not fit, the file and line holding a
        character the fonts lack, the template for a bad attribute. `what` names the thing that
        did not fit, as in "'stress-relief-points' does not fit on one page…"."""
        try:
            yield
        except Overflow as err:
            raise ContentError([Problem(source, line, f"{what} {err}")]) from None
        except FontProblem as err:
            raise ContentError([self._locate_glyph(err, sources, source)]) from None
        except AttrError as err:
            raise ContentError([Problem(self.project.show(self.project.layouts / template), None, str(err))]) from None

    def _locate_glyph(self, err: FontProblem, sources: list[str], fallback: str) -> Problem:
        """Point at the content file and line holding the character the font lacks."""
        for shown in dict.fromkeys(sources):
            path = self.project.root / shown
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, 1):
                if err.char and err.char in line:
                    return Problem(shown, number, str(err))
        return Problem(fallback, None, str(err))
