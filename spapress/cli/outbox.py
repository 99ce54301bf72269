"""make_pdfs.py outbox [--retry]: the emails waiting to go and why; --retry sends them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..clients.frontdesk import mail_transport
from ..clients.outbox import Outbox
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import clients_folder, say_emailed, settings_from


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "outbox", "List the emails waiting in the outbox, or send them again with --retry.",
        "A message waits when the mail server could not be reached or refused it; the reason is listed.\n"
        "--retry never sends twice what the server already accepted.\n"
        "Exit status: 0 when nothing is left waiting, 2 otherwise.", stdout)
    parser.add_argument("--retry", action="store_true", help="try to send everything waiting")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder holding mail/ (default: clients/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    outbox = Outbox(clients_folder(root, args.out) / "mail")
    if args.retry:
        transport = mail_transport(settings_from(root, args))
        results = outbox.retry(transport, datetime.now(timezone.utc))
        for delivery in results:
            say_emailed(delivery, str, stdout, stderr)
        if not results:
            print("the outbox is empty; nothing to send", file=stdout)
    waiting = outbox.list_waiting()
    for item in waiting:
        print(f"waiting since {item.since}: {item.handout} for {item.client} <{item.recipient}>: {item.reason}",
              file=stdout)
    print(f"{len(waiting)} message{'s' if len(waiting) != 1 else ''} waiting in the outbox", file=stdout)
    return EXIT_OK if not waiting else EXIT_PROBLEM
