"""make_pdfs.py's entry point: pick the command from the first argument, run it, and turn
whatever the press raised into one-line messages and an exit status."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from ..errors import PressError
from .common import EXIT_OK, HelpShown, report_error

# Sub-command -> (module in this package, one line for --help). Each module has run(argv, root=,
# stdout=, stderr=) and is imported only when used, so a plain build starts fast. A handout or
# booklet may not take one of these names as its id (content.load.RESERVED_IDS lists them).
COMMANDS: dict[str, tuple[str, str]] = {
    "client": ("client", "make one client's aftercare sheet; print or email it"),
    "clients": ("clients", "make the client sheets for a CSV or YAML file of visits"),
    "print": ("printing", "print handouts, booklets or client sheets"),
    "outbox": ("outbox", "list emails waiting to be sent; --retry sends them"),
    "send-log": ("send_log", "list who was sent which client sheet, and when"),
    "history": ("history", "list every sheet a client was given, version by version"),
    "reprint": ("reprint", "print again exactly the sheet a client was given"),
    "resend": ("resend", "email again exactly the sheet a client was given"),
    "email-setup": ("email_setup", "keep the mail password in this computer's keychain"),
    "watch": ("watch", "rebuild handouts and booklets each time a file in handouts/ or layouts/ is saved"),
    "desk": ("desk", "open the front desk in the browser: make, preview, print and email client sheets"),
    "reference": ("reference", "write the reference pages in docs/ from the declarations in the code"),
}


def main(argv: list[str] | None = None, *, project: Path | None = None, stdout=None, stderr=None) -> int:
    """Run the command line; returns the exit status instead of exiting, so tests can call it."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    root = (project or Path.cwd()).resolve()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            if argv and argv[0] in COMMANDS:
                module = importlib.import_module(f".{COMMANDS[argv[0]][0]}", __package__)
                return module.run(argv[1:], root=root, stdout=stdout, stderr=stderr)
            from . import build
            return build.run(argv, root=root, stdout=stdout, stderr=stderr,
                             commands={name: about for name, (_, about) in COMMANDS.items()})
        except HelpShown as shown:
            return shown.status
        finally:
            stdout.flush()  # here, where a closed pipe can still be answered quietly
    except PressError as err:
        return report_error(err, stderr)
    except BrokenPipeError:  # the reader went away (make_pdfs.py --elements | head): end quietly
        if stdout is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the exit's final flush has nowhere to fail
        return EXIT_OK
