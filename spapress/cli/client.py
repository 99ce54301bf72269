"""make_pdfs.py client HANDOUT --name … : one client's aftercare sheet, printed or emailed as asked."""

from __future__ import annotations

from pathlib import Path

from ..clients.visits import PICK_KINDS, VISIT
from ..clients.records import RecordsRefusal
from ..errors import NeedsSetup, UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import (check_delivery_args, client_folder_options, deliver, delivery_options, front_desk,
                       print_options, say_emailed, say_printed)
from .history import worded

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
        "the handout's own sections are used. The sheet goes to clients/DATE/NAME-HANDOUT.pdf; a changed sheet\n"
        "for the same client, day and handout is kept beside it as NAME-HANDOUT-v2.pdf (nothing is overwritten).\n"
        "To send a changed sheet as a correction of one already emailed, add --correct.\n"
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
    parser.add_argument("--correct", action="store_true",
                        help="send this changed sheet as a correction of the one emailed before (with --send)")
    client_folder_options(parser)
    args = parser.parse_args(argv)
    check_delivery_args(args)
    if (args.send or args.dry_run) and not args.email:
        raise UsageError("argument --email: the client's address is needed to send the sheet")
    if args.correct and not (args.send or args.dry_run):
        raise UsageError("argument --correct: a correction is emailed; add --send (or --dry-run to see it first)")
    desk = front_desk(root, args)
    values = {field: getattr(args, field, None) for field in ARGUMENT_OF if field != "handout"}
    values["handout"] = args.handout
    visit, problems = desk.checker().visit(values, "the command line")
    if problems:
        raise UsageError("; ".join(f"argument {ARGUMENT_OF.get(p.field, p.field)}: {p.message}" for p in problems))
    made = desk.make(visit)
    if made.problem:
        room = desk.note_room(visit) if visit.note else None
        raise UsageError(made.problem + (f" (the note is {len(visit.note)} characters; this sheet has room for "
                                         f"{room})" if room is not None else ""))
    if args.send or args.dry_run:
        try:
            desk.check_email(made, correct=args.correct)
        except RecordsRefusal as err:
            raise worded(err) from None
    kept = desk.keep(made)
    if kept.problem:
        raise NeedsSetup(kept.problem)
    room = desk.note_room(visit)
    used = len(visit.note) if visit.note else 0
    version = f"version {kept.version}; " if kept.version > 1 else ""
    print(f"made {desk.show(kept.path)} ({version}room for the note: {room} characters, {used} used)", file=stdout)
    if args.correct:
        ok = True
        if args.print_it:
            ok = say_printed(desk.print(kept.path, print_options(args)), desk.show, stdout, stderr)
        return EXIT_OK if say_emailed(desk.email(kept, dry_run=args.dry_run, correct=True), desk.show, stdout,
                                      stderr) and ok else EXIT_PROBLEM
    return EXIT_OK if deliver(desk, kept, args, stdout, stderr) else EXIT_PROBLEM
