"""make_pdfs.py resend NAME: email again exactly the sheet a client was given (the kept file)."""

from __future__ import annotations

from pathlib import Path

from ..clients.frontdesk import FrontDesk
from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser, project_paths
from .delivery import say_emailed, settings_from
from ..clients.records import RecordsRefusal
from .history import choose_version, selection_options, worded


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "resend", "Email again exactly the sheet a client was given (the kept file, byte for byte), as a new message.",
        "Examples:\n  python make_pdfs.py resend \"Ana Lima\"\n"
        "  python make_pdfs.py resend \"Ana Lima\" --date 2026-11-24 --email ana.lima@example.com\n\n"
        "Without --date, --handout and --version: the current version of their latest visit's sheet.\n"
        "Exit status: 0 when it was sent, 2 when something needs fixing or it waits in the outbox.", stdout)
    selection_options(parser)
    parser.add_argument("--email", metavar="ADDRESS", help="send to this address (default: the one on record)")
    parser.add_argument("--dry-run", action="store_true", help="write the email as a .eml file instead of sending it")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder (default: clients/)")
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    email = None
    if args.email is not None:
        from ..clients.visits import OneEmail
        problems: list[str] = []
        email = OneEmail()(args.email, None, lambda _line, message: problems.append(message))
        if problems:
            raise UsageError(f"argument --email: {problems[0]}")
    desk = FrontDesk(project_paths(root, args, default_out="clients"), settings_from(root, args),
                     sending=not args.dry_run, dry_run=args.dry_run)
    version = choose_version(desk.records, args, desk.library.brand.locale)
    try:
        result = desk.resend(version, email, dry_run=args.dry_run)
    except RecordsRefusal as err:
        raise worded(err) from None
    return EXIT_OK if say_emailed(result, desk.show, stdout, stderr) else EXIT_PROBLEM
