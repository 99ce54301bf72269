"""make_pdfs.py outbox: the emails waiting to go, cut off, or refused, and why; --retry sends the
waiting ones, --resend KEY one uncertain or refused one (--to a corrected address), --remove KEY
takes one out."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..clients.frontdesk import mail_transport
from ..clients.outbox import FAILED, IN_PROGRESS, UNCERTAIN, WAITING, Outbox, OutboxError
from ..content.rules import RECIPIENT
from ..errors import UsageError
from .common import EXIT_OK, EXIT_PROBLEM, command_parser
from .delivery import clients_folder, say_emailed, settings_from

SAID = {
    WAITING: "waiting",
    UNCERTAIN: "NOT SURE IT ARRIVED",
    FAILED: "REFUSED",
    IN_PROGRESS: "being sent now",
}


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "outbox", "List the emails in the outbox, and send them again or take them out.",
        "A message waits when the mail server could not be reached or asked to try later; --retry sends\n"
        "those, and never sends twice what the server already accepted.\n"
        "A message is 'not sure it arrived' when the connection broke after the whole message went out but\n"
        "before the server answered: it may have arrived, so it is sent again only with --resend KEY.\n"
        "A message is 'refused' when the server refused it for good (such as an unknown address): it is\n"
        "never retried by itself; --resend KEY --to ADDRESS sends it to a corrected address.\n"
        "Exit status: 0 when the outbox is empty, 2 otherwise.", stdout)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--retry", action="store_true", help="try to send everything waiting")
    action.add_argument("--resend", metavar="KEY", help="send one listed message again (uncertain, refused or waiting)")
    action.add_argument("--remove", metavar="KEY", help="take one listed message out of the outbox for good")
    parser.add_argument("--to", metavar="ADDRESS", help="with --resend: send it to this corrected address instead")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder holding mail/ (default: clients/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    to = None
    if args.to is not None:
        if args.resend is None:
            raise UsageError("argument --to: only with --resend KEY")
        problems: list[str] = []
        to = RECIPIENT(args.to, None, lambda line, message: problems.append(message))
        if problems:
            raise UsageError(f"argument --to: {problems[0]}")
    outbox = Outbox(clients_folder(root, args.out) / "mail")
    now = datetime.now(timezone.utc)
    try:
        if args.retry:
            transport = mail_transport(settings_from(root, args))
            results = outbox.retry(transport, now)
            for delivery in results:
                say_emailed(delivery, str, stdout, stderr)
            if not results:
                print("the outbox is empty; nothing to send", file=stdout)
        elif args.resend is not None:
            transport = mail_transport(settings_from(root, args))
            say_emailed(outbox.resend(args.resend, transport, now, to), str, stdout, stderr)
        elif args.remove is not None:
            gone = outbox.remove(args.remove, now)
            print(f"removed {gone.handout} for {gone.client} <{gone.recipient}> from the outbox (the send log keeps "
                  f"a record)", file=stdout)
        listed = outbox.list_all()
    except OutboxError as err:
        raise UsageError(str(err)) from None
    for item in listed:
        print(f"{item.key}  {SAID[item.state]} since {item.since}: {item.handout} for {item.client} "
              f"<{item.recipient}>: {item.reason}", file=stdout)
    counts = {state: sum(1 for item in listed if item.state == state) for state in SAID}
    parts = [f"{counts[WAITING]} message{'s' if counts[WAITING] != 1 else ''} waiting in the outbox"]
    if counts[UNCERTAIN]:
        parts.append(f"{counts[UNCERTAIN]} not sure to have arrived (check with the client, then --resend KEY or "
                     f"--remove KEY)")
    if counts[FAILED]:
        parts.append(f"{counts[FAILED]} refused for good (--resend KEY --to ADDRESS, or --remove KEY)")
    if counts[IN_PROGRESS]:
        parts.append(f"{counts[IN_PROGRESS]} being sent by another run")
    print("; ".join(parts), file=stdout)
    return EXIT_OK if not listed else EXIT_PROBLEM
