"""make_pdfs.py clients purge: delete client sheets, sent emails and names in the log after the retention time."""

from __future__ import annotations

from pathlib import Path

from ..clients.frontdesk import FrontDesk
from ..content.schema import excerpt
from ..errors import UsageError
from .common import EXIT_OK, command_parser, project_paths
from .delivery import settings_from


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "clients purge", "Delete client sheets, sent emails and the personal details in the send log that are "
                         "older than the retention time; anonymous counts stay.",
        "Examples:\n  python make_pdfs.py clients purge                  keep_client_files_days from delivery.yaml "
        "(default 365)\n  python make_pdfs.py clients purge --older-than 90\n\n"
        "Nothing that still waits in the outbox is ever deleted.", stdout)
    parser.add_argument("--older-than", metavar="DAYS", help="days to keep (default: keep_client_files_days "
                                                               "in delivery.yaml, else 365)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder (default: clients/)")
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    if args.older_than is not None and (not args.older_than.isdigit() or not 1 <= int(args.older_than) <= 36500):
        raise UsageError(f"argument --older-than: '{excerpt(args.older_than, 40)}' is not a number of days; "
                         f"give a whole number from 1 to 36500, like 365")
    settings = settings_from(root, args)
    days = int(args.older_than) if args.older_than is not None else settings.keep_client_files_days
    desk = FrontDesk(project_paths(root, args, default_out="clients"), settings)
    report = desk.purge(days)
    print(f"purged what is older than {days} days (before {report.before.isoformat()}): {report.sheets} "
          f"sheet{'s' if report.sheets != 1 else ''}, {report.emails} sent email{'s' if report.emails != 1 else ''}, "
          f"the names in {report.log_entries} send-log entr{'ies' if report.log_entries != 1 else 'y'}", file=stdout)
    if report.kept_waiting:
        print(f"kept {report.kept_waiting} older sheet{'s' if report.kept_waiting != 1 else ''} whose email still "
              f"waits in the outbox", file=stdout)
    return EXIT_OK
