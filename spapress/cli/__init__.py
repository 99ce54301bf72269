"""The command line: the only place that reads arguments, prints, and chooses exit statuses.

    commands.py   make_pdfs.py's entry point: picks the command, words every error
    common.py     the argument parser, exit statuses, folders from arguments, wording of errors
    preflight.py  the checks before print as the commands run them: which PDFs, and what is said
    build.py      make_pdfs.py [ID ...]: build what is stale, and say what was done
    watch.py      make_pdfs.py watch: rebuild on every save
    client.py     make_pdfs.py client: one client's sheet, printed or emailed
    clients.py    make_pdfs.py clients FILE: a day's visits from a booking export (CSV, Excel) or a YAML file; --review
    printing.py   make_pdfs.py print: handouts, booklets and client sheets to a printer
    outbox.py     make_pdfs.py outbox: emails waiting to go, and --retry
    send_log.py   make_pdfs.py send-log: who was sent what, and when
    history.py    make_pdfs.py history NAME: every sheet a client was given; choosing one kept version
    reprint.py    make_pdfs.py reprint NAME: print (or save) exactly what a client was given
    resend.py     make_pdfs.py resend NAME: email it again, byte for byte
    email_setup.py make_pdfs.py email-setup: the mail password into the keychain
    purge.py      make_pdfs.py clients purge: delete what is older than the retention time
    desk.py       make_pdfs.py desk: the front desk in the browser
    reference.py  make_pdfs.py reference: the reference pages in docs/

May import everything below it: desk/, clients/, builds/, render/, content/.
"""

import gc
from pathlib import Path

__all__ = ["main"]

# The collector's first generation is scanned every YOUNG_OBJECTS new objects instead of
# Python's 700. A run keeps nearly all it makes (modules, fonts, parsed content) and makes few
# cycles, so the default scans the same survivors over and over: about 6% of a one-handout run.
# Garbage cycles still go, at most this many objects later (a few MB).
YOUNG_OBJECTS = 20_000


def main(argv: list[str] | None = None, *, project: Path | None = None, stdout=None, stderr=None) -> int:
    """Run the command line (see commands.py); returns the exit status, so tests can call it."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *before[1:])
    try:
        from .commands import main as run  # the command's modules load from here on, under the threshold

        return run(argv, project=project, stdout=stdout, stderr=stderr)
    finally:
        gc.set_threshold(*before)
