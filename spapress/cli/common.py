"""What every command shares: the argument parser, exit statuses, the project's folders from
the arguments, and the wording of every error the press raises (library code never words
its errors as arguments; this module does)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..content.model import Project
from ..content.schema import did_you_mean
from ..errors import Busy, ContentError, FolderError, PressError, UnknownId, UsageError, literal

EXIT_OK, EXIT_PROBLEM = 0, 2
EXIT_STOPPED = 130  # the shell's code for Ctrl+C
PROG = "make_pdfs.py"


class HelpShown(Exception):
    """--help (or a parser's own exit) ended the command; carries the exit status."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, prints help to the command's own
    output, and returns from --help instead of exiting the process."""

    def __init__(self, *args, out=None, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.out = out

    def error(self, message):
        raise UsageError(f"{message} (see --help)")

    def print_help(self, file=None):
        super().print_help(file or self.out)

    def exit(self, status=0, message=None):
        if message:
            raise UsageError(message.strip())
        raise HelpShown(status)


def command_parser(name: str, description: str, epilog: str, stdout) -> Parser:
    return Parser(prog=f"{PROG} {name}", description=description, epilog=epilog, out=stdout)


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not '{text}'")
    return int(text)


def folder_options(parser: Parser, out_help: str) -> None:
    parser.add_argument("--out", metavar="DIR", type=Path, help=out_help)
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/ in the project)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/ in the project)")


def project_paths(root: Path, args, default_out: str = "build") -> Project:
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
                   content=folder(getattr(args, "content", None), "handouts", "--content", True),
                   layouts=folder(getattr(args, "layouts", None), "layouts", "--layouts", True),
                   out=folder(getattr(args, "out", None), default_out, "--out", False))


def shown_path(root: Path, path: Path) -> str:
    """A path as a person should see it: relative to the project when inside it."""
    return Project(root, root, root, root).show(path)


def report_error(err: PressError, stderr) -> int:
    """Say what went wrong in a person's words, one line per problem; returns the exit status.

    Messages quote what was typed or read, so control characters are shown escaped: a
    terminal never acts on an escape sequence someone put in an argument or a file."""
    if isinstance(err, ContentError):
        for problem in err.problems:
            print(literal(str(problem)), file=stderr)
        count = len(err.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; no PDF was written or changed.", file=stderr)
        return EXIT_PROBLEM
    print(f"{PROG}: error: {literal(word(err))}", file=stderr)
    return EXIT_PROBLEM


def word(err: PressError) -> str:
    """One line for an error raised below the command line, naming the argument to change."""
    if isinstance(err, UnknownId):
        return (f"argument ID: no {err.kind} '{err.given}'{did_you_mean(err.given, err.known)}; "
                f"known: {', '.join(err.known) or 'none'}")
    if isinstance(err, FolderError):
        return f"argument --out: cannot write in {err.shown}/ ({err.reason}); choose another folder with --out DIR"
    if isinstance(err, Busy):
        return f"another build is running in {err.shown}/ (pid {err.holder}); wait for it to finish, then run this again"
    return str(err)  # UsageError and NeedsSetup are worded where they are raised
