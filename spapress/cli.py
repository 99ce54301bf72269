"""The command line: the only place that reads argv, prints, and chooses exit codes."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from .build import build
from .commands import COMMANDS
from .elements import reference_markdown
from .errors import ContentError, UsageError
from .load import content_reference
from .model import Project

EXIT_OK, EXIT_PROBLEM = 0, 2


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line instead of usage plus message."""

    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    commands = "".join(f"  python make_pdfs.py {name:<21}{about}\n" for name, (_, about) in COMMANDS.items())
    parser = Parser(
        prog="make_pdfs.py",
        description="Build the spa's PDF handouts and booklets from the content in handouts/ and the layouts in layouts/.",
        epilog="Examples:\n  python make_pdfs.py                      build every handout into build/\n"
               "  python make_pdfs.py stress-relief-points build one handout\n"
               "  python make_pdfs.py back-care-at-home --print-shop   build a booklet, also for the print shop\n"
               "  python make_pdfs.py --check              check all content and layouts, write nothing\n"
               + (f"\nOther commands (each has its own --help):\n{commands}" if commands else "") + "\n"
               "Exit status: 0 when everything was built, 2 when something needs fixing (each problem is\n"
               "printed as file:line: message, and no PDF is written or changed).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="handouts or booklets to build (file names in handouts/sheets/ or handouts/booklets/ without .yaml); default: all")
    parser.add_argument("--check", action="store_true", help="check content, layouts and fit without writing any PDF")
    parser.add_argument("--impose", action="store_true",
                        help="also write each booklet two-up for an office printer (ID-imposed.pdf)")
    parser.add_argument("--print-shop", action="store_true",
                        help="also write each booklet with bleed and crop marks for a print shop (ID-print-shop.pdf)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="folder for the PDFs (default: build/ in the project)")
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/ in the project)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/ in the project)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing when all goes well")
    parser.add_argument("--elements", action="store_true", help="print the layout element reference (Markdown) and exit")
    parser.add_argument("--content-format", action="store_true", help="print the content format reference (Markdown) and exit")
    return parser


def main(argv: list[str] | None = None, *, project: Path | None = None, stdout=None, stderr=None) -> int:
    """Run the command line; returns the exit status instead of exiting, so tests can call it."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    root = (project or Path.cwd()).resolve()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return _run_command(argv[0], argv[1:], root, stdout, stderr)
        args = _parser().parse_args(argv)
        if args.elements or args.content_format:
            print(reference_markdown() if args.elements else content_reference(), file=stdout)
            return EXIT_OK
        paths = project_paths(root, args)
        started = time.perf_counter()
        built = build(paths, args.ids, write=not args.check, impose=args.impose, print_shop=args.print_shop)
    except UsageError as err:
        print(f"make_pdfs.py: error: {err}", file=stderr)
        return EXIT_PROBLEM
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=stderr)
        count = len(err.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; no PDF was written or changed.", file=stderr)
        return EXIT_PROBLEM
    if not args.quiet:
        seconds = time.perf_counter() - started
        verb = "checked" if args.check else "built"
        for item in built:
            where = item.path.name if args.check else paths.show(item.path)
            print(f"{verb} {where} ({item.description})", file=stdout)
        print(f"{len(built)} PDF{'s' if len(built) != 1 else ''} {verb} in {seconds:.2f} s", file=stdout)
    return EXIT_OK


def _run_command(name: str, argv: list[str], root: Path, stdout, stderr) -> int:
    """Hand over to a sub-command; its UsageError and ContentError are reported by main()."""
    module, function = COMMANDS[name][0].split(":")
    run = getattr(importlib.import_module(module, __package__), function)
    return run(argv, root=root, stdout=stdout, stderr=stderr)


def project_paths(root: Path, args) -> Project:
    """The project's folders from --content/--layouts/--out (or their defaults), checked."""
    def folder(value: Path | None, default: str, name: str, must_exist: bool) -> Path:
        path = (value if value is not None else root / default)
        path = path if path.is_absolute() else Path.cwd() / path
        if must_exist and not path.is_dir():
            raise UsageError(f"argument {name}: folder '{value if value is not None else default}' not found")
        if not must_exist and path.exists() and not path.is_dir():
            raise UsageError(f"argument {name}: '{value}' is a file, not a folder")
        return path

    return Project(root=root,
                   content=folder(args.content, "handouts", "--content", True),
                   layouts=folder(args.layouts, "layouts", "--layouts", True),
                   out=folder(args.out, "build", "--out", False))
