"""The command line: the only place that reads arguments, prints, and chooses exit statuses.

    main.py       make_pdfs.py's entry point: picks the command, words every error
    common.py     the argument parser, exit statuses, folders from arguments, wording of errors
    build.py      make_pdfs.py [ID ...]: build what is stale, and say what was done
    watch.py      make_pdfs.py watch: rebuild on every save
    client.py     make_pdfs.py client: one client's sheet, printed or emailed
    clients.py    make_pdfs.py clients FILE: a day's visits from a CSV or YAML file
    printing.py   make_pdfs.py print: handouts, booklets and client sheets to a printer
    outbox.py     make_pdfs.py outbox: emails waiting to go, and --retry
    send_log.py   make_pdfs.py send-log: who was sent what, and when
    desk.py       make_pdfs.py desk: the front desk in the browser
    reference.py  make_pdfs.py reference: the reference pages in docs/

May import everything below it: desk/, clients/, builds/, render/, content/.
"""

from .main import main

__all__ = ["main"]
