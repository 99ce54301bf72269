"""make_pdfs.py print FILE|ID …: handouts, booklets and client sheets to the system's printer."""

from __future__ import annotations

from pathlib import Path

from ..builds.targets import IMPOSED
from ..clients.frontdesk import PrintOptions, print_file
from ..content.rules import ID_PATTERN
from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser, shown_path
from .delivery import check_printer_args, printer_options, say_printed, settings_from


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "print", "Print handouts, booklets or client sheets on the system printer (CUPS lp; Windows print verb).",
        "Examples:\n  python make_pdfs.py print stress-relief-points            a built handout (build/ID.pdf)\n"
        "  python make_pdfs.py print back-care-at-home               a booklet (its imposed copy, both sides)\n"
        "  python make_pdfs.py print clients/2026-11-24/ana-lima-stress-relief-points.pdf --printer FrontDesk --copies 2\n\n"
        "Exit status: 0 when every file was handed to the printer, 2 otherwise.", stdout)
    parser.add_argument("files", nargs="+", metavar="FILE", help="a PDF file, or the id of a handout or booklet built in build/")
    printer_options(parser)
    parser.add_argument("--build", metavar="DIR", type=Path, help="where built handouts are (default: build/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    check_printer_args(args)
    build_folder = args.build or root / "build"
    paths = [_printable(root, build_folder, given) for given in args.files]
    options = PrintOptions(args.printer or settings_from(root, args).printer, args.copies, args.double_sided)
    ok = True
    for path in paths:
        printed = print_file(path, options, short_edge=path.name.endswith(IMPOSED))  # a booklet's sheets: both sides
        ok = say_printed(printed, lambda shown: shown_path(root, shown), stdout, stderr) and ok
    return EXIT_OK if ok else EXIT_PROBLEM


def _printable(root: Path, build_folder: Path, given: str) -> Path:
    path = Path(given)
    path = path if path.is_absolute() else Path.cwd() / path
    if not path.is_file() and ID_PATTERN.match(given):
        # A handout, else a booklet: its office-printer copy when there is one.
        candidates = [build_folder / f"{given}.pdf", build_folder / "booklets" / f"{given}{IMPOSED}",
                      build_folder / "booklets" / f"{given}.pdf"]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            raise UsageError(f"argument FILE: no built handout or booklet '{given}' in {shown_path(root, build_folder)}/; "
                             f"build it first with: python make_pdfs.py {given}")
    if not path.is_file():
        raise UsageError(f"argument FILE: '{given[:80]}' not found")
    with open(path, "rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise UsageError(f"argument FILE: '{given[:80]}' is not a PDF file")
    return path
