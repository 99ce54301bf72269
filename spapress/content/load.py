"""Loading: read handouts/*.yaml, check every file against its declared schema, return a Library.

All problems across all files are collected and raised together as one ContentError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problem
from .model import (BodyPosition, Booklet, BookletSection, Brand, FontFamily, Library, Point, Project, Safety, Section,
                    Sheet, Spot, Technique, Tool, Topic)
from .schema import INVALID, Choice, Field, Flag, ListOf, Mapping, Number, Text, did_you_mean
from .rules import COLOR, EMAIL, ID, ID_PATTERN, URL, BrandColor, RelativeFile, resolves_inside, windows_reserved
from .yamlsrc import YamlSyntaxError, read_yaml
from .doses import DEFAULT_MINUTES, DEFAULT_TIMES_A_DAY, MINUTES_RANGE, TIMES_RANGE
from .locales import DEFAULT_LOCALE, LocaleTag, paper_for

PAPER_SIZES = ("letter", "a4")
BOOKLET_PAPER_SIZES = ("half-letter", "a5", "letter", "a4")
BOOKLET_TEMPLATES = ("cover.xml.j2", "welcome.xml.j2", "contents.xml.j2", "section.xml.j2", "back.xml.j2")
COLOR_NAMES = ("primary", "accent", "ink", "muted", "light", "paper")
SECTION_KINDS = ("points", "techniques", "tools", "topics")
FONT_FILE = RelativeFile("layouts/fonts", (".ttf",))
BRAND_COLOR = BrandColor(COLOR_NAMES)  # what layouts and style sheets may colour with

_FAMILY = Mapping({
    "regular": Field(FONT_FILE, doc="TrueType file in layouts/fonts/ for normal text"),
    "bold": Field(FONT_FILE, required=False, doc="bold file; defaults to regular"),
    "italic": Field(FONT_FILE, required=False, doc="italic file; defaults to regular"),
    "bold_italic": Field(FONT_FILE, required=False, doc="bold italic file; defaults to bold"),
})

BRAND = Mapping({
    "name": Field(Text(120), doc="the spa's name, printed in the header"),
    "tagline": Field(Text(200), required=False, doc="a short line under the name"),
    "phone": Field(Text(40), doc="phone number as it should be printed"),
    "booking_url": Field(URL, doc="web address for booking; becomes the QR code and link"),
    "email": Field(EMAIL, required=False, doc="contact email address"),
    "address": Field(Text(200), required=False, doc="street address or town"),
    "logo": Field(RelativeFile("handouts", (".svg", ".png", ".jpg", ".jpeg")), required=False,
                  doc="logo file inside handouts/ (SVG, PNG or JPEG)"),
    "colors": Field(Mapping({name: Field(COLOR, doc=f"the {name} colour") for name in COLOR_NAMES}),
                    doc="the palette layouts draw with, as #RRGGBB"),
    "fonts": Field(Mapping({"body": Field(_FAMILY, doc="family for running text"),
                            "heading": Field(_FAMILY, doc="family for titles and headings")}),
                   doc="the two font families"),
    "disclaimer": Field(Text(600), doc="printed on every handout"),
    "safety": Field(Mapping({"title": Field(Text(80), doc="its heading, such as Aftercare and safety"),
                             "lines": Field(ListOf(Text(300), 1), doc="short points, each printed as a line")}),
                    doc="the aftercare-and-safety block every handout, client sheet and booklet carries"),
    "language": Field(Text(20), required=False, default="en-US", doc="language tag of the text, such as en-US"),
    "locale": Field(LocaleTag(), required=False, default=DEFAULT_LOCALE,
                    doc="how dates are written and typed, such as en-US (November 24, 2026; 11/24/2026) or en-GB"),
    "paper": Field(Choice(PAPER_SIZES), required=False,
                   doc="letter or a4 for handouts that do not say; default: the locale's (letter for en-US)"),
})

_SPOT = Mapping({"x": Field(Number(0, 1), doc="0 = left edge of the figure, 1 = right edge"),
                 "y": Field(Number(0, 1), doc="0 = top of the head, 1 = bottom of the figure")})

_DOSES = {
    "minutes": Field(MINUTES_RANGE, required=False, default=DEFAULT_MINUTES,
                     doc="the minutes a therapist may pick for a client, such as 1-2"),
    "times_a_day": Field(TIMES_RANGE, required=False, default=DEFAULT_TIMES_A_DAY,
                         doc="the times a day a therapist may pick, such as 1-3"),
}

POINT = Mapping({
    "name": Field(Text(80), doc="the point's name"),
    "region": Field(Text(60), doc="body region, such as Upper back"),
    "summary": Field(Text(300), doc="one sentence: what it relieves"),
    "where": Field(Text(400), doc="where the point is"),
    "how_to_find": Field(Text(500), doc="how to find it by touch"),
    "work_with": Field(Text(80), doc="finger, thumb or tool"),
    "motion": Field(Text(120), doc="the movement to make"),
    "pressure": Field(Text(80), doc="how hard to press"),
    "duration": Field(Text(60), doc="how long, such as 1–2 minutes"),
    **_DOSES,
    "helps": Field(ListOf(Text(80), 1), doc="what it helps with"),
    "cautions": Field(ListOf(Text(300)), required=False, default=(), doc="when to be careful"),
    "map": Field(Mapping({"view": Field(Text(40), doc="body view art, such as back"),
                          "spots": Field(ListOf(_SPOT, 1), doc="marker positions")}),
                 required=False, doc="where the point sits on a body diagram"),
})

_HOW_TO = {
    "name": Field(Text(80), doc="its name"),
    "summary": Field(Text(300), doc="one sentence about it"),
    "steps": Field(ListOf(Text(300), 1), doc="what to do, in order"),
    "best_for": Field(Text(160), required=False, doc="when it helps most"),
    "tips": Field(ListOf(Text(300)), required=False, default=(), doc="extra advice"),
    **_DOSES,
}
TECHNIQUE = Mapping(dict(_HOW_TO))
TOOL = Mapping(dict(_HOW_TO))

TOPIC = Mapping({
    "title": Field(Text(120), doc="the topic's heading"),
    "body": Field(ListOf(Text(1200), 1), doc="paragraphs"),
    "bullets": Field(ListOf(Text(300)), required=False, default=(), doc="a short list after the paragraphs"),
})

_SECTION = Mapping({
    "heading": Field(Text(120), required=False, doc="heading shown above the section"),
    **{kind: Field(ListOf(ID, 1), required=False, doc=f"ids of {kind} to show, in order") for kind in SECTION_KINDS},
}, exactly_one_of=SECTION_KINDS)

SHEET = Mapping({
    "title": Field(Text(120), doc="the handout's title"),
    "subtitle": Field(Text(200), required=False, doc="a line under the title"),
    "intro": Field(Text(1200), required=False, doc="opening paragraph"),
    "layout": Field(Text(60), doc="a folder in layouts/, such as classic"),
    "paper": Field(Choice(PAPER_SIZES), required=False, doc="letter or a4; default: the brand's paper"),
    "sections": Field(ListOf(_SECTION, 1), doc="what appears, in order"),
    "closing": Field(Text(400), required=False, doc="a last line, such as a call to book"),
})

_BOOKLET_SECTION = Mapping({
    "sheet": Field(ID, required=False, doc="id of a handout in sheets/ to include whole, in its own layout"),
    "title": Field(Text(120), required=False, doc="title of a section composed here (instead of sheet)"),
    "intro": Field(Text(1200), required=False, doc="opening paragraph of a composed section"),
    "sections": Field(ListOf(_SECTION, 1), required=False, doc="what a composed section shows, like a sheet's sections"),
}, exactly_one_of=("sheet", "title"))

BOOKLET = Mapping({
    "title": Field(Text(120), doc="the booklet's title, on the cover and at the foot of every page"),
    "subtitle": Field(Text(200), required=False, doc="a line under the title on the cover"),
    "layout": Field(Text(60), required=False, default="booklet", doc="a folder in layouts/ with the booklet templates"),
    "paper": Field(Choice(BOOKLET_PAPER_SIZES), required=False,
                   doc="page size: half-letter or a5 (folded from Letter or A4 sheets), letter or a4; "
                       "default: half-letter for a Letter brand, a5 for an A4 one"),
    "cover_art": Field(RelativeFile("handouts", (".svg", ".png", ".jpg", ".jpeg")), required=False,
                       doc="picture for the cover, a file inside handouts/"),
    "welcome": Field(ListOf(Text(1200), 1), required=False, default=(), doc="paragraphs for a welcome page"),
    "contents": Field(Flag(), required=False, default=True, doc="include a table of contents"),
    "sections": Field(ListOf(_BOOKLET_SECTION, 1), doc="the booklet's sections, in order"),
    "closing": Field(Text(400), required=False, doc="a line on the back cover, such as a call to book"),
    "impose": Field(Flag(), required=False, default=False,
                    doc="also write ID-imposed.pdf: two pages per sheet side, to print double-sided, fold and staple"),
    "print_shop": Field(Flag(), required=False, default=False,
                        doc="also write ID-print-shop.pdf with bleed and crop marks"),
    "bleed": Field(Number(0, 0.5), required=False, default=0.125, doc="bleed for the print-shop copy, in inches"),
})

# Folder name -> (schema, builder), in the order they are read.
KINDS = ("points", "techniques", "tools", "topics", "sheets", "booklets")
BUILDABLE = ("sheets", "booklets")  # kinds whose ids name output files and may be given on the command line
# Words make_pdfs.py takes as a command, so a handout or booklet may not be called one of them.
RESERVED_IDS = ("client", "clients", "print", "outbox", "send-log", "watch", "reference", "history", "reprint",
                "resend", "email-setup", "desk")


def load_library(project: Project) -> Library:
    """Read and check the whole content folder; raise ContentError listing every problem."""
    problems: list[Problem] = []
    content = project.content
    if not content.is_dir():
        raise ContentError([Problem(project.show(content), None, "content folder not found; pass --content DIR or run from the project folder")])

    brand = _load_brand(project, problems)
    files_seen: dict[str, set[str]] = {}
    known = _Available(
        paper=brand.paper if brand is not None else "letter",
        views=tuple(sorted(p.stem.removeprefix("body-") for p in (project.layouts / "art").glob("body-*.svg"))),
        layouts=sheet_layouts(project),
        booklet_layouts=tuple(sorted(p.parent.name for p in project.layouts.glob("*/section.xml.j2"))),
        project=project)
    collections = {kind: _load_folder(project, kind, problems, files_seen.setdefault(kind, set()), known)
                   for kind in KINDS}
    for sheet in collections["sheets"].values():
        _check_references(sheet, files_seen, project, problems)
    for booklet in collections["booklets"].values():
        _check_booklet_references(booklet, files_seen, project, problems)
    for shared in sorted(files_seen["sheets"] & files_seen["booklets"]):
        problems.append(Problem(project.show(project.content / "booklets" / f"{shared}.yaml"), 1,
                                f"a handout and a booklet are both called '{shared}'; rename one"))
    if problems or brand is None:
        raise ContentError(problems)
    return Library(brand=brand, **collections)


def sheet_layouts(project: Project) -> tuple[str, ...]:
    """The layouts a handout can name: folders in layouts/ with a sheet template."""
    return tuple(sorted(p.parent.name for p in project.layouts.glob("*/sheet.xml.j2")))


def _reporter(problems: list[Problem], shown: str):
    return lambda line, message: problems.append(Problem(shown, line, message))


def _read(path: Path, shown: str, problems: list[Problem]):
    try:
        return read_yaml(path, shown, keep=True)  # the handouts folder: content, not client data
    except YamlSyntaxError as err:
        problems.append(err.problem)
        return INVALID


def _load_brand(project: Project, problems: list[Problem]) -> Brand | None:
    path = project.content / "brand.yaml"
    shown = project.show(path)
    if not path.is_file():
        problems.append(Problem(shown, None, "brand file not found; create it (see README: The brand)"))
        return None
    raw = _read(path, shown, problems)
    if raw is INVALID:
        return None
    report = _reporter(problems, shown)
    data = BRAND(raw, 1, report)
    if data is INVALID:
        return None
    ok = True
    logo = None
    if data["logo"]:
        logo = project.content / data["logo"]
        if not logo.is_file():
            report(raw.key_lines["logo"], f"logo file '{data['logo']}' not found in {project.show(project.content)}/")
            ok = False
        elif not resolves_inside(logo, project.content):
            report(raw.key_lines["logo"], _outside("logo file", data["logo"], project.show(project.content)))
            ok = False
    families = {}
    for role, spec in data["fonts"].items():
        names = dict(spec)
        names["bold"] = names["bold"] or names["regular"]
        names["italic"] = names["italic"] or names["regular"]
        names["bold_italic"] = names["bold_italic"] or names["bold"]
        paths = {style: project.layouts / "fonts" / name for style, name in names.items()}
        line = raw["fonts"][role].key_lines.get("regular", raw.key_lines["fonts"])
        for style, font_path in paths.items():
            if not font_path.is_file():
                line = raw["fonts"][role].key_lines.get(style, line)
                report(line, f"font file '{names[style]}' not found in {project.show(project.layouts / 'fonts')}/")
                ok = False
            elif not resolves_inside(font_path, project.layouts):
                line = raw["fonts"][role].key_lines.get(style, line)
                report(line, _outside("font file", names[style], project.show(project.layouts / "fonts")))
                ok = False
        families[role] = FontFamily(**paths)
    if not ok:
        return None
    return Brand(name=data["name"], tagline=data["tagline"], phone=data["phone"], booking_url=data["booking_url"],
                 email=data["email"], address=data["address"], logo=logo, colors=dict(data["colors"]),
                 body_font=families["body"], heading_font=families["heading"], disclaimer=data["disclaimer"],
                 safety=Safety(data["safety"]["title"], tuple(data["safety"]["lines"])),
                 language=data["language"], source=shown, locale=data["locale"],
                 paper=data["paper"] or paper_for(data["locale"]))


def _outside(what: str, name: str, folder: str) -> str:
    return f"{what} '{name}' is a link to a file outside {folder}/; copy the file itself into {folder}/"


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


@dataclass(frozen=True)
class _Available:
    """What the layouts folder offers, looked up once per load: body views and layout names."""

    paper: str                  # the brand's paper, for sheets that do not name one
    views: tuple[str, ...]
    layouts: tuple[str, ...]
    booklet_layouts: tuple[str, ...]
    project: Project


def _load_folder(project: Project, kind: str, problems: list[Problem], seen: set[str], known: _Available) -> dict:
    """Load one kind's folder; `seen` collects every id that has a file, valid or not."""
    found: dict[str, object] = {}
    first_seen: dict[str, str] = {}
    for path in _files(project.content / kind):
        shown = project.show(path)
        item_id = path.stem
        if windows_reserved(item_id):
            problems.append(Problem(shown, 1, f"'{path.name}' cannot be used: Windows keeps the name '{item_id}' for a device; rename the file"))
            continue
        if not ID_PATTERN.match(item_id):
            suggestion = "-".join(filter(None, "".join(c if c.isalnum() else "-" for c in item_id.lower()).split("-")))
            problems.append(Problem(shown, 1, f"'{path.name}' is not a valid id: use lower-case letters, digits and hyphens, e.g. '{suggestion or 'my-item'}{path.suffix}'"))
            continue
        if kind in BUILDABLE and item_id in RESERVED_IDS:
            problems.append(Problem(shown, 1, f"'{item_id}' is the name of a make_pdfs.py command; rename the file"))
            continue
        if item_id in first_seen:
            problems.append(Problem(shown, 1, f"duplicate id '{item_id}': {first_seen[item_id]} has the same name; rename one"))
            continue
        first_seen[item_id] = shown
        seen.add(item_id)
        raw = _read(path, shown, problems)
        if raw is INVALID:
            continue
        report = _reporter(problems, shown)
        item = _BUILDERS[kind](item_id, raw, shown, report, known)
        if item is not None:
            found[item_id] = item
    return found


def _point(item_id, raw, shown, report, known):
    data = POINT(raw, 1, report)
    if data is INVALID:
        return None
    position = None
    if data["map"]:
        view = data["map"]["view"]
        views = known.views
        if view not in views:
            report(raw["map"].key_lines["view"], f"unknown body view '{view}'{did_you_mean(view, views)}; views with art: {', '.join(views) or 'none'}")
            return None
        position = BodyPosition(view, tuple(Spot(s["x"], s["y"]) for s in data["map"]["spots"]))
    fields = {k: v for k, v in data.items() if k != "map"}
    return Point(id=item_id, map=position, source=shown, **fields)


def _simple(cls, schema):
    def build(item_id, raw, shown, report, known):
        data = schema(raw, 1, report)
        return None if data is INVALID else cls(id=item_id, source=shown, **data)
    return build


def _sheet(item_id, raw, shown, report, known):
    data = SHEET(raw, 1, report)
    if data is INVALID:
        return None
    layouts = known.layouts
    if data["layout"] not in layouts:
        report(raw.key_lines["layout"], f"unknown layout '{data['layout']}'{did_you_mean(data['layout'], layouts)}; layouts: {', '.join(layouts) or 'none'}")
        return None
    sections = []
    for spec, line in zip(data["sections"], raw["sections"].item_lines):
        kind = next(k for k in SECTION_KINDS if spec[k])
        id_lines = tuple(raw["sections"][len(sections)][kind].item_lines)
        sections.append(Section(kind=kind, ids=spec[kind], heading=spec["heading"], line=line, id_lines=id_lines))
    data["sections"] = tuple(sections)
    data["paper"] = data["paper"] or known.paper
    return Sheet(id=item_id, source=shown, **data)


def _booklet(item_id, raw, shown, report, known):
    data = BOOKLET(raw, 1, report)
    if data is INVALID:
        return None
    data["paper"] = data["paper"] or ("half-letter" if known.paper == "letter" else "a5")
    ok = True
    if data["layout"] not in known.booklet_layouts:
        layouts = known.booklet_layouts
        report(raw.key_lines.get("layout", 1), f"unknown booklet layout '{data['layout']}'{did_you_mean(data['layout'], layouts)}; "
               f"a booklet layout is a folder in layouts/ with {', '.join(BOOKLET_TEMPLATES)}; found: {', '.join(layouts) or 'none'}")
        ok = False
    else:
        folder = known.project.layouts / data["layout"]
        for name in BOOKLET_TEMPLATES:
            if not (folder / name).is_file():
                report(raw.key_lines.get("layout", 1), f"booklet layout '{data['layout']}' has no {name}; add it to {known.project.show(folder)}/")
                ok = False
    cover_art = None
    if data["cover_art"]:
        cover_art = known.project.content / data["cover_art"]
        if not cover_art.is_file():
            report(raw.key_lines["cover_art"], f"cover art '{data['cover_art']}' not found in {known.project.show(known.project.content)}/")
            ok = False
        elif not resolves_inside(cover_art, known.project.content):
            report(raw.key_lines["cover_art"], _outside("cover art", data["cover_art"], known.project.show(known.project.content)))
            ok = False
    sections = []
    for index, (spec, line) in enumerate(zip(data["sections"], raw["sections"].item_lines)):
        if spec["sheet"]:
            extra = [k for k in ("intro", "sections") if spec[k]]
            if extra:
                report(line, f"a section that includes the handout '{spec['sheet']}' cannot also have '{extra[0]}'; "
                       f"edit the handout, or compose the section here with title and sections")
                ok = False
            sections.append(BookletSection(line=line, sheet_id=spec["sheet"]))
            continue
        if not spec["sections"]:
            report(line, f"the section '{spec['title']}' has nothing in it; add 'sections:' listing points, "
                   f"techniques, tools or topics, or use 'sheet: ID' to include a handout")
            ok = False
            continue
        parts = []
        raw_parts = raw["sections"][index]["sections"]
        for part, part_line, raw_part in zip(spec["sections"], raw_parts.item_lines, raw_parts):
            kind = next(k for k in SECTION_KINDS if part[k])
            parts.append(Section(kind=kind, ids=part[kind], heading=part["heading"], line=part_line,
                                 id_lines=tuple(raw_part[kind].item_lines)))
        composed = Sheet(id=f"{item_id}-section-{index + 1}", title=spec["title"], subtitle=None, intro=spec["intro"],
                         layout=data["layout"], paper=data["paper"], sections=tuple(parts), closing=None, source=shown)
        sections.append(BookletSection(line=line, composed=composed))
    if not ok:
        return None
    return Booklet(id=item_id, title=data["title"], subtitle=data["subtitle"], layout=data["layout"],
                   paper=data["paper"], cover_art=cover_art, welcome=tuple(data["welcome"]),
                   contents=data["contents"], sections=tuple(sections), closing=data["closing"],
                   impose=data["impose"], print_shop=data["print_shop"], bleed=data["bleed"], source=shown,
                   paper_line=raw.key_lines.get("paper", 1))


_BUILDERS = {
    "points": _point,
    "techniques": _simple(Technique, TECHNIQUE),
    "tools": _simple(Tool, TOOL),
    "topics": _simple(Topic, TOPIC),
    "sheets": _sheet,
    "booklets": _booklet,
}


def _check_references(sheet: Sheet, files_seen: dict[str, set[str]], project: Project, problems: list[Problem]) -> None:
    for section in sheet.sections:
        known = files_seen[section.kind]
        singular = section.kind[:-1]
        for ref, line in zip(section.ids, section.id_lines):
            if ref not in known:
                where = project.show(project.content / section.kind)
                problems.append(Problem(sheet.source, line,
                                        f"unknown {singular} '{ref}'{did_you_mean(ref, known)}; ids are file names in {where}/"))


def _check_booklet_references(booklet: Booklet, files_seen: dict[str, set[str]], project: Project,
                               problems: list[Problem]) -> None:
    for section in booklet.sections:
        if section.composed is not None:
            _check_references(section.composed, files_seen, project, problems)
            continue
        known = files_seen["sheets"]
        if section.sheet_id not in known:
            where = project.show(project.content / "sheets")
            problems.append(Problem(booklet.source, section.line,
                                    f"unknown handout '{section.sheet_id}'{did_you_mean(section.sheet_id, known)}; "
                                    f"ids are file names in {where}/"))
