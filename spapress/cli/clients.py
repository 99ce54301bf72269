"""make_pdfs.py clients FILE: the client sheets for a day's visits, printed or emailed as asked."""

from __future__ import annotations

import textwrap
from collections import deque
from datetime import date
from pathlib import Path

from ..clients.bookings import Export, Skipped, open_visits
from ..builds.pool import written_ahead
from ..clients.frontdesk import screen_rows
from ..clients.batch import Row
from ..clients.visits import FIELDS, REQUIRED, FieldProblem
from ..content.schema import excerpt
from ..errors import UnknownId, UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import check_delivery_args, deliver, client_folder_options, delivery_options, front_desk


def _columns() -> str:
    """The visit fields, as the declaration in clients/visits.py names them (see docs/client-visits.md)."""
    optional = [name for name in FIELDS if name not in REQUIRED]
    return textwrap.fill(f"Columns (CSV) or keys (YAML): {', '.join(REQUIRED)} (required); {', '.join(optional)}.",
                         width=90)


def _day(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"argument --date: '{text[:20]}' is not a date; write it as YYYY-MM-DD, like "
                     f"'{date.today().isoformat()}'")


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    if argv[:1] == ["purge"]:
        from . import purge
        return purge.run(argv[1:], root=root, stdout=stdout, stderr=stderr)
    parser = command_parser(
        "clients", "Make the client sheets for a day's appointments: an export from the booking system\n"
        "(CSV or Excel .xlsx), or a file in the press's own format (CSV or YAML), one visit per row.",
        "The booking system is recognised from the header row (profiles in handouts/imports/); its services\n"
        "get handouts as handouts/services.yaml says. Cancelled and no-show visits are skipped.\n"
        f"The press's own format. {_columns()} Items are written like 'top-of-shoulders:2:3 base-of-spine:1'.\n"
        "Examples:\n  python make_pdfs.py clients today.csv --review\n  python make_pdfs.py clients today.xlsx --send\n\n"
        "A row with a problem is reported with its row number and line, and the other rows are still done.\n"
        "Exit status: 0 when every row went through, 2 otherwise.", stdout)
    parser.add_argument("file", metavar="FILE", type=Path, help="the visits: a .csv, .xlsx or .yaml file")
    parser.add_argument("--review", action="store_true",
                        help="say what would be made, printed, sent and skipped, and why; make nothing")
    parser.add_argument("--profile", metavar="ID", help="the booking system's import profile (a file name in "
                                                        "handouts/imports/), when it is not recognised")
    parser.add_argument("--date", metavar="YYYY-MM-DD", type=_day,
                        help="the date of every visit, for a file without dates")
    delivery_options(parser)
    client_folder_options(parser)
    args = parser.parse_args(argv)
    check_delivery_args(args)
    path = args.file if args.file.is_absolute() else Path.cwd() / args.file
    if not path.is_file():
        raise UsageError(f"argument FILE: '{args.file}' not found")
    if args.profile is not None and path.suffix.lower() in (".yaml", ".yml"):
        raise UsageError("argument --profile: a YAML list of visits has no profile; it is for CSV and Excel exports")
    desk = front_desk(root, args)
    shown = desk.show(path)
    try:
        export = open_visits(path, desk.project, desk.checker(), profile=args.profile, day=args.date)
    except UnknownId as err:
        raise UsageError(f"argument --profile: no import profile '{err.given}'; known: {', '.join(err.known)}") from None
    emailing = args.send or args.dry_run
    if args.review or args.send:
        problems = say_review(export, args, stdout)
        if args.review:
            for row in problems:
                print(row.problem(shown), file=stderr)
            print("nothing was made, printed or sent (--review)", file=stdout)
            return EXIT_PROBLEM if problems else EXIT_OK
    else:
        for notice in export.notices:
            print(notice, file=stdout)
        for item in export.skipped():  # said before anything is made; the rows are read again below
            print(f"skipped row {item.number}{_named(item.name)}: {item.reason}", file=stdout)

    # The rows are read one by one as the making asks for them; `waiting` holds those read but
    # not yet reported, a few hundred at most however long the file.
    waiting: deque[Row] = deque()
    skipped = 0

    def visits_to_make():
        nonlocal skipped
        for row in screen_rows(export.rows(), needs_email=emailing):
            if isinstance(row, Skipped):
                skipped += 1
                continue
            waiting.append(row)
            if row.visit is not None:
                yield row.visit

    # In the rows' order, each sheet already kept (written a few at a time, as they come).
    made = written_ahead(desk.make_many(visits_to_make(), export.count), lambda sheet: _kept(desk, sheet, emailing))
    failed, done, delivered_ok = 0, 0, True
    for result in made:
        while waiting[0].visit is None:
            print(waiting.popleft().problem(shown), file=stderr)
            failed += 1
        row = waiting.popleft()
        if result.problem:
            print(Row(row.number, row.line, None, (FieldProblem("sheet", result.problem),), row.visit_name).problem(shown),
                  file=stderr)
            failed += 1
            continue
        done += 1
        print(f"made {desk.show(result.path)}", file=stdout)
        delivered_ok = deliver(desk, result, args, stdout, stderr, label=f"row {row.number}") and delivered_ok
    for row in waiting:  # only rows with problems are left
        print(row.problem(shown), file=stderr)
        failed += 1
    total = done + failed
    print(f"{done} of {total} client sheet{'s' if total != 1 else ''} made"
          + (f"; {skipped} row{'s' if skipped != 1 else ''} skipped" if skipped else "")
          + (f"; {failed} row{'s' if failed != 1 else ''} need{'s' if failed == 1 else ''} fixing (see above)"
             if failed else ""), file=stdout if not failed else stderr)
    return EXIT_OK if not failed and delivered_ok else EXIT_PROBLEM


def _named(name: str | None) -> str:
    return f" ({name})" if name else ""


def _kept(desk, sheet, emailing: bool):
    """A made sheet kept as its version, unless it has a problem or, when emailing, the records
    refuse to send it (then nothing is kept); a sheet the disk would not take comes back with
    that as its problem."""
    if sheet.problem is None and emailing:
        sheet = desk.screen_for_email(sheet)
    return sheet if sheet.problem else desk.keep(sheet)


def say_review(export: Export, args, stdout) -> list[Row]:
    """What will be made, printed and sent, and what is skipped and why, row by row, as the rows
    are read; returns the rows that need fixing."""
    what = f"{export.profile.title} export" if export.profile else export.kind
    print(f"{export.source}: {what}, {export.kind if export.profile else 'one visit per item'}; "
          f"{export.count} visit{'s' if export.count != 1 else ''}", file=stdout)
    actions = ["make"] + (["print"] if args.print_it else [])
    emailing = args.send or args.dry_run
    unmatched: dict[str, list[int]] = {}
    problems: list[Row] = []
    good = skipped = 0
    for row in screen_rows(export.rows(unmatched), needs_email=emailing):
        if isinstance(row, Skipped):
            skipped += 1
            print(f"  row {row.number}{_named(row.name)}: skip, {row.reason}", file=stdout)
            continue
        if row.visit is None:
            problems.append(row)
            print(f"  row {row.number}{_named(row.visit_name)}: needs fixing (see the problems below)", file=stdout)
            continue
        good += 1
        visit = row.visit
        service = f" for '{excerpt(row.service, 60)}'" if row.service else ""
        doing = list(actions)
        if emailing:
            doing.append(f"email to {visit.email}" if args.send else f"write an email to {visit.email}")
        unsent = " (no email address)" if visit.email is None and not emailing else ""
        print(f"  row {row.number} ({visit.name}), {visit.date.isoformat()}, with {visit.therapist}: "
              f"{visit.sheet}{service}: {', '.join(doing)}{unsent}", file=stdout)
    for listed in export.unmatched(unmatched):
        rows = ", ".join(map(str, listed.rows))
        outcome = f"given the default handout {listed.handout}" if listed.handout else "given no sheet"
        print(f"service '{excerpt(listed.service, 60) or '(none)'}' matches no rule in handouts/services.yaml "
              f"(row{'s' if len(listed.rows) > 1 else ''} {rows}): {outcome}", file=stdout)
    for notice in export.notices:
        print(notice, file=stdout)
    print(f"to make: {good}; to print: {good if args.print_it else 0}; to email: {good if emailing else 0}; "
          f"skipped: {skipped}; need fixing: {len(problems)}", file=stdout)
    return problems
