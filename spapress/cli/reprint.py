"""make_pdfs.py reprint NAME: print (or save a copy of) exactly the sheet a client was given."""

from __future__ import annotations

import os
from pathlib import Path

from ..builds.files import write_atomically
from ..clients.frontdesk import FrontDesk, PrintOptions
from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser, project_paths
from .delivery import check_printer_args, printer_options, say_printed, settings_from
from .history import choose_version, selection_options


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "reprint", "Print again exactly the sheet a client was given (the kept file, byte for byte).",
        "Examples:\n  python make_pdfs.py reprint \"Ana Lima\"\n"
        "  python make_pdfs.py reprint \"Ana Lima\" --date 2026-11-24 --version 1 --save ana.pdf\n\n"
        "Without --date, --handout and --version: the current version of their latest visit's sheet.",
        stdout)
    selection_options(parser)
    printer_options(parser)
    parser.add_argument("--save", metavar="FILE", type=Path, help="write a copy to FILE instead of printing it")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder (default: clients/)")
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    check_printer_args(args)
    desk = FrontDesk(project_paths(root, args, default_out="clients"), settings_from(root, args))
    version = choose_version(desk.records, args, desk.library.brand.locale)
    kept = desk.kept_sheet(version)
    if args.save is not None:
        target = args.save if args.save.is_absolute() else Path.cwd() / args.save
        if target.is_dir():
            raise UsageError(f"argument --save: '{args.save}' is a folder; give a file name")
        try:
            write_atomically(target, kept.data)
        except OSError as err:
            raise UsageError(f"argument --save: cannot write '{args.save}' ({err.strerror or err})") from None
        if os.name != "nt":
            os.chmod(target, 0o600)
        desk.downloaded(kept)
        print(f"saved version {version.version} of {version.handout} ({version.visit_date}) to {args.save}", file=stdout)
        return EXIT_OK
    printed = desk.print(kept.path, PrintOptions(args.printer, args.copies, args.double_sided))
    return EXIT_OK if say_printed(printed, desk.show, stdout, stderr) else EXIT_PROBLEM
