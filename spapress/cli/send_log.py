"""make_pdfs.py send-log: who was sent which client sheet, when, and what happened."""

from __future__ import annotations

from pathlib import Path

from ..clients.sendlog import SendLog
from ..errors import UsageError
from .common import EXIT_OK, command_parser
from .delivery import clients_folder


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser("send-log", "List who was sent which client sheet, when, and what happened.",
                            "Example:\n  python make_pdfs.py send-log --client \"Ana\" --last 20", stdout)
    parser.add_argument("--client", metavar="TEXT", help="only clients whose name contains TEXT")
    parser.add_argument("--last", metavar="N", type=int, default=50, help="how many entries (default: 50)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder holding mail/ (default: clients/)")
    args = parser.parse_args(argv)
    if args.last < 1:
        raise UsageError("argument --last: give a number of 1 or more")
    path = clients_folder(root, args.out) / "mail" / "send-log.sqlite3"
    if not path.is_file():
        print("nothing has been sent yet", file=stdout)
        return EXIT_OK
    for e in SendLog(path).entries(args.last, args.client):
        detail = f": {e.detail}" if e.detail else ""
        print(f"{e.at}  {e.result:<12}  {e.handout} ({e.visit_date}) for {e.client} <{e.recipient}>{detail}", file=stdout)
    return EXIT_OK
