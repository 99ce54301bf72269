"""make_pdfs.py client HANDOUT --name … : one client's aftercare sheet, printed or emailed as asked."""

from __future__ import annotations

from pathlib import Path

from ..clients.visits import PICK_KINDS, VISIT
from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import check_delivery_args, deliver, client_folder_options, delivery_options, front_desk

# A visit's field -> the argument that gives it, in the order --help lists them; each argument's
# help is its field's own documentation (clients/visits.py VISIT).
ARGUMENT_OF = {"handout": "HANDOUT", "name": "--name", "therapist": "--therapist", "date": "--date",
               "points": "--point", "techniques": "--technique", "tools": "--tool", "note": "--note",
               "layout": "--layout", "email": "--email"}


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
    for field, argument in ARGUMENT_OF.items():
        spec = VISIT.fields[field]
        if field == "handout":
            parser.add_argument(field, metavar=argument, help=spec.doc)
        elif field in PICK_KINDS:
            parser.add_argument(argument, dest=field, action="append", metavar="ID[:MIN[:TIMES]]",
                                help=f"{spec.doc}; repeat the option for more")
        else:
            parser.add_argument(argument, dest=field, required=spec.required, help=spec.doc)
    delivery_options(parser)
    client_folder_options(parser)
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
