"""make_pdfs.py history NAME: every sheet a client was given, version by version, and where each went.

Also the choice of one kept version that reprint and resend share (--date, --handout, --version).
"""

from __future__ import annotations

from pathlib import Path

from ..clients.records import Records, RecordsRefusal, SheetVersion
from ..clients.sendlog import SendLog
from ..content.locales import DEFAULT_LOCALE, read_date
from ..content.schema import excerpt
from ..errors import UsageError
from .common import EXIT_OK, Parser, command_parser
from .delivery import clients_folder


# What a refusal from the records is about -> how the command line words it.
_WORDING = {"name": "argument NAME: {}", "correct": "argument --correct: {}", "email": "argument --email: {}",
            "changed": "{} (add --correct)"}


def worded(err: RecordsRefusal) -> UsageError:
    """A refusal from the client records as a command-line error naming the argument."""
    return UsageError(_WORDING.get(err.about or "", "{}").format(err))


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "history", "List every sheet a client was given: date, handout, version, how it went and when.",
        "Example:\n  python make_pdfs.py history \"Ana Lima\"\n\n"
        "Reprint or resend exactly what they were given with 'reprint' and 'resend'.", stdout)
    parser.add_argument("name", metavar="NAME", help="the client's name as it was typed for their sheets")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder (default: clients/)")
    args = parser.parse_args(argv)
    folder = clients_folder(root, args.out)
    records = Records(folder)
    try:
        versions = records.history_of(args.name)
    except RecordsRefusal as err:
        raise worded(err) from None
    log = SendLog(folder / "mail" / "send-log.sqlite3") if (folder / "mail" / "send-log.sqlite3").is_file() else None
    count = len(versions)
    print(f"{versions[0].client}: {count} sheet version{'s' if count != 1 else ''} on record", file=stdout)
    for version in versions:
        for line in describe(version, log, lambda p: _shown(root, p)):
            print(line, file=stdout)
    return EXIT_OK


def describe(version: SheetVersion, log: SendLog | None, show) -> list[str]:
    """A version as history lists it: one line about it, one per delivery, and its file."""
    state = "replaced by a later version" if version.replaced_by else "current"
    if version.purged:
        state = "purged"
    lines = [f"{version.visit_date}  {version.handout}  version {version.version}  ({state}; made {_when(version.made_at)})"]
    for given in version.given:
        what = {"emailed": "emailed", "printed": "printed", "downloaded": "downloaded",
                "saved": "written as an email file"}[given.channel]
        kind = {"first": "", "correction": " as a correction", "resend": " again (resent)"}[given.kind]
        to = f" to {given.recipient}" if given.recipient and given.channel != "printed" else (
            f" on {given.recipient}" if given.recipient else "")
        status = ""
        if given.channel == "emailed" and given.message_id and log is not None:
            status = " (delivered)" if log.sent_at(given.message_id) else " (waiting in the outbox)"
        lines.append(f"    {what}{kind}{to} {_when(given.at)}{status}")
    if not version.purged:
        lines.append(f"    {show(version.path)}")
    return lines


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]


def _shown(root: Path, path: Path) -> str:
    from .common import shown_path
    return shown_path(root, path)


def selection_options(parser: Parser) -> None:
    parser.add_argument("name", metavar="NAME", help="the client's name as it was typed for their sheets")
    parser.add_argument("--date", metavar="DATE", help="the visit date (default: their latest visit)")
    parser.add_argument("--handout", metavar="ID", help="which handout, when they got more than one that day")
    parser.add_argument("--version", metavar="N", type=int, help="which version (default: the current one)")


def choose_version(records: Records, args, locale: str = DEFAULT_LOCALE) -> SheetVersion:
    """The one kept version the arguments name; when they leave it open, the current version of
    the latest visit's sheet. Refused in one line when it is ambiguous or not there."""
    try:
        versions = [v for v in records.history_of(args.name) if not v.purged]
    except RecordsRefusal as err:
        raise worded(err) from None
    if not versions:
        raise UsageError(f"argument NAME: every sheet of '{excerpt(args.name, 80)}' was purged; nothing is kept to use")
    if args.date:
        day = read_date(args.date, locale)
        if day is None:
            raise UsageError(f"argument --date: '{excerpt(args.date, 40)}' is not a date; write it like 2026-11-24")
        versions = [v for v in versions if v.visit_date == day.isoformat()]
        if not versions:
            raise UsageError(f"argument --date: no sheet for '{excerpt(args.name, 80)}' on {day.isoformat()}; "
                             f"see: python make_pdfs.py history \"{excerpt(args.name, 80)}\"")
    else:
        latest = max(v.visit_date for v in versions)
        versions = [v for v in versions if v.visit_date == latest]
    if args.handout:
        versions = [v for v in versions if v.handout == args.handout]
        if not versions:
            raise UsageError(f"argument --handout: no sheet '{excerpt(args.handout, 60)}' for '{excerpt(args.name, 80)}' that day")
    handouts = sorted({v.handout for v in versions})
    if len(handouts) > 1:
        raise UsageError(f"argument --handout: '{excerpt(args.name, 80)}' got {len(handouts)} handouts on "
                         f"{versions[0].visit_date} ({', '.join(handouts)}); say which with --handout")
    if args.version is not None:
        chosen = [v for v in versions if v.version == args.version]
        if not chosen:
            raise UsageError(f"argument --version: there is no version {args.version}; kept: "
                             f"{', '.join(str(v.version) for v in versions)}")
        return chosen[0]
    current = [v for v in versions if not v.replaced_by]
    return (current or versions)[-1]
