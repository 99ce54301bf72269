"""make_pdfs.py clients FILE: the client sheets for a day's visits, printed or emailed as asked."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ..builds.pool import written_ahead
from ..clients.frontdesk import screen_rows
from ..clients.batch import BatchFileError, Row, read_batch
from ..clients.visits import FIELDS, REQUIRED, FieldProblem
from ..errors import ContentError, UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import check_delivery_args, deliver, client_folder_options, delivery_options, front_desk


def _columns() -> str:
    """The visit fields, as the declaration in clients/visits.py names them (see docs/client-visits.md)."""
    optional = [name for name in FIELDS if name not in REQUIRED]
    return textwrap.fill(f"Columns (CSV) or keys (YAML): {', '.join(REQUIRED)} (required); {', '.join(optional)}.",
                         width=90)


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "clients", "Make the client sheets for a day's appointments from a CSV or YAML file, one visit per row.",
        f"{_columns()} Items are written like 'top-of-shoulders:2:3 base-of-spine:1'.\n"
        "Example:\n  python make_pdfs.py clients today.csv --send\n\n"
        "A row with a problem is reported with its row number and line, and the other rows are still done.\n"
        "Exit status: 0 when every row went through, 2 otherwise.", stdout)
    parser.add_argument("file", metavar="FILE", type=Path, help="the visits: a .csv or .yaml file")
    delivery_options(parser)
    client_folder_options(parser)
    args = parser.parse_args(argv)
    check_delivery_args(args)
    path = args.file if args.file.is_absolute() else Path.cwd() / args.file
    if not path.is_file():
        raise UsageError(f"argument FILE: '{args.file}' not found")
    desk = front_desk(root, args)
    shown = desk.show(path)
    try:
        rows = read_batch(path, shown, desk.checker())
    except BatchFileError as err:
        raise ContentError([err.problem]) from None
    checked = screen_rows(rows, desk.folder, needs_email=args.send or args.dry_run)

    good = [row for row in checked if row.visit is not None]
    # In the rows' order, each sheet already kept (written a few at a time, as they come).
    made = written_ahead(desk.make_many([row.visit for row in good]), lambda sheet: sheet.problem or desk.keep(sheet))
    problems, done, delivered_ok = 0, 0, True
    for row in checked:
        if row.visit is None:
            print(row.problem(shown), file=stderr)
            problems += 1
            continue
        result = next(made)
        if result.problem:
            print(Row(row.number, row.line, None, (FieldProblem("sheet", result.problem),), row.visit_name).problem(shown),
                  file=stderr)
            problems += 1
            continue
        done += 1
        print(f"made {desk.show(result.path)}", file=stdout)
        delivered_ok = deliver(desk, result, args, stdout, stderr, label=f"row {row.number}") and delivered_ok
    total = len(checked)
    print(f"{done} of {total} client sheet{'s' if total != 1 else ''} made"
          + (f"; {problems} row{'s' if problems != 1 else ''} need{'s' if problems == 1 else ''} fixing (see above)"
             if problems else ""), file=stdout if not problems else stderr)
    return EXIT_OK if not problems and delivered_ok else EXIT_PROBLEM
