"""make_pdfs.py reference: the reference pages in docs/, written from the declarations in the code.

Content files, style sheets, layout elements, delivery settings and client visits are each declared
once (their fields with type, default and meaning); these pages are made from those declarations,
so they cannot drift from what the press accepts. A test fails when a page in docs/ is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..clients.bookings.profiles import PROFILE
from ..clients.bookings.services import services_schema
from ..clients.settings import SETTINGS
from ..clients.visits import MINUTES, TIMES, VISIT
from ..content.load import BOOKLET, BRAND, POINT, SHEET, TECHNIQUE, TOOL, TOPIC
from ..content.schema import describe
from ..content.yamlsrc import MAX_DEPTH, MAX_YAML_BYTES
from ..render.elements import ELEMENTS
from ..render.inputs import MAX_FONT_BYTES, MAX_PICTURE_BYTES, MAX_PIXELS, MAX_SVG_BYTES
from ..render.templates import MAX_LOOP_STEPS, MAX_PAGE_CHARS, MAX_TEMPLATE_BYTES
from ..render.styles import STYLE, STYLE_SHEET
from .common import EXIT_OK, EXIT_PROBLEM, command_parser

COMMAND = "python make_pdfs.py reference"


def _heading(title: str, source: str) -> list[str]:
    return [f"# {title}", "", f"Generated from the declarations in `{source}` by `{COMMAND}`; do not edit by hand.", ""]


def content_reference() -> str:
    """Every key of every content file, for staff."""
    out = _heading("Content format", "spapress/content/load.py")
    out += ["Each file's id is its file name without `.yaml`: lower-case letters, digits and hyphens, and not "
            "a name Windows keeps for a device (`con`, `nul`, `aux`, `prn`, `com1`–`com9`, `lpt1`–`lpt9`).", ""]
    for title, where, schema in (("Brand", "handouts/brand.yaml", BRAND), ("Points", "handouts/points/ID.yaml", POINT),
                                 ("Techniques", "handouts/techniques/ID.yaml", TECHNIQUE),
                                 ("Tools", "handouts/tools/ID.yaml", TOOL), ("Topics", "handouts/topics/ID.yaml", TOPIC),
                                 ("Sheets (one-page handouts)", "handouts/sheets/ID.yaml", SHEET),
                                 ("Booklets", "handouts/booklets/ID.yaml", BOOKLET)):
        out += [f"## {title}: `{where}`", "", *describe(schema), ""]
    out += ["Each item of a sheet's `sections` has exactly one of `points`, `techniques`, `tools` or `topics`.",
            "Each item of a booklet's `sections` has either `sheet` (a handout included whole) or `title` "
            "and `sections` (a section composed in the booklet's layout).", ""]
    return "\n".join(out + limits_reference())


def limits_reference() -> list[str]:
    """The bounds on every file the press reads, from the constants that enforce them."""
    mb = 1024 * 1024
    return ["## Limits", "",
            "Every file is checked before it is used. Going past a limit is one line naming the file (and line) "
            "and exit status 2; nothing is written.", "",
            f"- A content, style sheet or settings file (`.yaml`): UTF-8, at most {MAX_YAML_BYTES // 1024:,} KB, "
            f"nested at most {MAX_DEPTH} levels. Aliases (`&name` … `*name`, and `<<: *name`) are refused: "
            "write each value out.",
            "- File names (`logo`, `cover_art`, fonts, `<img src>`): inside their folder, with no `..`, drive letter "
            "(`C:`) or absolute path, no link leading out of the folder, no `:` and no name Windows keeps for a device.",
            f"- A picture (PNG or JPEG): a whole file of at most {MAX_PICTURE_BYTES // mb} MB and "
            f"{MAX_PIXELS // 1_000_000} megapixels (300 dpi at the printed size is plenty).",
            f"- SVG art (logo, cover art, body art): an `<svg>` document of at most {MAX_SVG_BYTES // mb} MB with a width "
            "and height. Pictures and art it draws (`<image href=…>`, `<use href=…>`) must be files inside `handouts/` "
            "or `layouts/` named relative to the SVG (no web addresses); they are build inputs like the SVG, so "
            "replacing one rebuilds what shows it. Embedded pictures (`data:`) keep to the picture limits.",
            f"- A font: a whole TrueType (`.ttf`) file of at most {MAX_FONT_BYTES // mb} MB.",
            f"- A template (`layouts/**/*.j2`): UTF-8, at most {MAX_TEMPLATE_BYTES // 1024} KB. One page may take at most "
            f"{MAX_LOOP_STEPS:,} numbers from `range()` in all and write at most {MAX_PAGE_CHARS:,} characters; "
            "a template that includes itself, or a macro that calls itself without end, is refused.", ""]


def elements_reference() -> str:
    """Every layout element and attribute, for layout designers."""
    out = _heading("Layout elements", "spapress/render/elements/")
    code = lambda text: re.sub(r"(<[a-z0-9/-]+>)", r"`\1`", text)  # noqa: E731 - keep tags literal
    for tag, cls in ELEMENTS.items():
        out += [f"## `<{tag}>`", "", code(cls.doc), ""]
        if isinstance(cls.content, tuple):
            holds = ", ".join(f"<{t}>" for t in cls.content)
        else:
            holds = {"blocks": "block elements", "inline": "text with <b>, <i>, <a>, <br/>", "none": "nothing (empty)"}[cls.content]
        out += [f"Holds: {code(holds)}.", ""]
        if cls.attrs:
            out += ["| attribute | type | required | default | meaning |", "|---|---|---|---|---|"]
            for a in cls.attrs:
                kind = a.check.label.replace("|", "\\|")
                out.append(f"| `{a.name}` | {kind} | {'yes' if a.required else 'no'} | {a.default or ''} | {a.doc} |")
            out.append("")
    return "\n".join(out)


def styles_reference() -> str:
    """The keys of a layout's styles.yaml, for layout designers."""
    out = _heading("Style sheets", "spapress/render/styles.py")
    out += ["Each layout folder has a `styles.yaml`:", "", *describe(STYLE_SHEET), "",
            "## Each named style", "", "A style that leaves a key out takes it from its `parent` "
            "(or from the defaults below when it has none).", "", *describe(STYLE), ""]
    return "\n".join(out)


def settings_reference() -> str:
    """The keys of delivery.yaml, for whoever sets up the front-desk computer."""
    out = _heading("Delivery settings", "spapress/clients/settings.py")
    out += ["`delivery.yaml` in the project folder belongs to the computer at the front desk, not to the "
            "content: how client sheets are emailed and printed. It never holds a password.", "",
            *describe(SETTINGS), ""]
    return "\n".join(out)


def visits_reference() -> str:
    """The columns of a visits file for `make_pdfs.py clients`, for the front desk."""
    out = _heading("Client visit files", "spapress/clients/visits.py")
    out += ["`python make_pdfs.py clients FILE` makes a client sheet for each visit in a CSV file (one visit "
            "per row, the first line naming the columns) or a YAML file (a list of visits). These are its "
            "columns (CSV) or keys (YAML); `make_pdfs.py client` takes the same as options.", "",
            *describe(VISIT), "",
            f"Items are written `ID`, `ID:MINUTES` or `ID:MINUTES:TIMES-A-DAY`, like `kneading:5:2`: minutes "
            f"from {MINUTES.low:g} to {MINUTES.high:g}, times a day from {TIMES.low:g} to {TIMES.high:g}. "
            "Several items in one CSV cell are separated by spaces. Other CSV columns are ignored, unless one "
            "looks like a misspelling of these. In a file, a visit without a date is a problem unless `--date` "
            "gives the date of every visit. Exports from booking systems are read through import profiles "
            "([booking-exports.md](booking-exports.md)).", ""]
    return "\n".join(out)


def imports_reference() -> str:
    """The keys of an import profile and of services.yaml, for whoever adds a booking system."""
    out = _heading("Import profiles and services", "spapress/clients/bookings/")
    out += ["How `python make_pdfs.py clients FILE` reads a booking system's export: "
            "[booking-exports.md](booking-exports.md) explains it with examples.", "",
            "## An import profile: `handouts/imports/ID.yaml`", "",
            "Headers are compared without regard to case, accents, spaces or punctuation. A column the "
            "profile names must be in the file's header row unless `optional` lists it; the date column may "
            "be left out when `--date` gives the date of every visit.", "", *describe(PROFILE), "",
            "## Services: `handouts/services.yaml`", "", *describe(services_schema()), ""]
    return "\n".join(out)


PAGES = {"content-format.md": content_reference, "layout-elements.md": elements_reference,
         "style-sheets.md": styles_reference, "delivery-settings.md": settings_reference,
         "client-visits.md": visits_reference, "import-profiles.md": imports_reference}


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser("reference", "Write the reference pages in docs/ from the declarations in the code.",
                            "Run it after changing a content schema, a layout element, the style keys, the delivery\n"
                            "settings or the visit fields. With --check, only say which pages are out of date\n"
                            "(exit status 2 if any).",
                            stdout)
    parser.add_argument("--check", action="store_true", help="write nothing; list the pages that are out of date")
    args = parser.parse_args(argv)
    docs = root / "docs"
    stale = []
    for name, make in PAGES.items():
        text = make() + "\n"
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not args.check:
                docs.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="\n")
    for name in stale:
        print(f"{'out of date' if args.check else 'wrote'}: docs/{name}", file=stdout)
    if not stale:
        print("the reference pages in docs/ are up to date", file=stdout)
    return EXIT_PROBLEM if args.check and stale else EXIT_OK
