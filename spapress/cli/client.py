"""make_pdfs.py client HANDOUT --name … : one client's aftercare sheet, printed or emailed as asked."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import check_delivery_args, deliver, delivery_options, folder_options, front_desk

# A visit's field -> the argument that gives it, for messages.
ARGUMENT_OF = {"name": "--name", "email": "--email", "date": "--date", "therapist": "--therapist",
               "handout": "HANDOUT", "layout": "--layout", "points": "--point", "techniques": "--technique",
               "tools": "--tool", "note": "--note"}


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "client", "Make one client's aftercare sheet from a handout, and print or email it.",
        "Example:\n  python make_pdfs.py client stress-relief-points --name \"Ana Lima\" --therapist Sam \\\n"
        "      --point top-of-shoulders:2:3 --technique kneading:5 --note \"Ease off the left shoulder for two days.\" \\\n"
        "      --email ana@example.com --send\n\n"
        "Items are ID, ID:MINUTES or ID:MINUTES:TIMES-A-DAY and appear in the order given; without any,\n"
        "the handout's own sections are used. The sheet goes to clients/DATE/NAME-HANDOUT.pdf.\n"
        "Exit status: 0 when everything was done, 2 when something needs fixing or an email waits in the outbox.",
        stdout)
    parser.add_argument("handout", metavar="HANDOUT", help="id of the handout to personalise (handouts/sheets/ID.yaml)")
    parser.add_argument("--name", required=True, help="the client's name as it should be printed")
    parser.add_argument("--therapist", required=True, help="who treated the client")
    parser.add_argument("--date", help="the visit date, YYYY-MM-DD (default: today)")
    parser.add_argument("--point", dest="points", action="append", metavar="ID[:MIN[:TIMES]]", help="a point for the client; repeat for more")
    parser.add_argument("--technique", dest="techniques", action="append", metavar="ID[:MIN[:TIMES]]", help="a technique; repeat for more")
    parser.add_argument("--tool", dest="tools", action="append", metavar="ID[:MIN[:TIMES]]", help="a tool; repeat for more")
    parser.add_argument("--note", help="a short personal note from the therapist")
    parser.add_argument("--layout", help="another layout for the sheet, such as calm")
    parser.add_argument("--email", help="the client's email address (for --send or --dry-run)")
    delivery_options(parser)
    folder_options(parser)
    args = parser.parse_args(argv)
    check_delivery_args(args)
    if (args.send or args.dry_run) and not args.email:
        raise UsageError("argument --email: the client's address is needed to send the sheet")
    desk = front_desk(root, args)
    values = {field: getattr(args, field, None) for field in ARGUMENT_OF if field != "handout"}
    values["handout"] = args.handout
    visit, problems = desk.checker().visit(values, "the command line")
    if problems:
        raise UsageError("; ".join(f"argument {ARGUMENT_OF.get(p.field, p.field)}: {p.message}" for p in problems))
    made = desk.make(visit)
    if made.problem:
        raise UsageError(made.problem)
    desk.keep(made)
    print(f"made {desk.show(made.path)}", file=stdout)
    return EXIT_OK if deliver(desk, made, args, stdout, stderr) else EXIT_PROBLEM
