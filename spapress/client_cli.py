"""The client commands of make_pdfs.py: client, clients, print, outbox and send-log.

This is the only client code that prints; everything it reports is one line per problem,
and the exit status is 0 when all went through, 2 when something needs attention.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timezone
from pathlib import Path

from .depends import IMPOSED
from .errors import ContentError, UsageError

EXIT_OK, EXIT_PROBLEM = 0, 2
ARGUMENT_OF = {"name": "--name", "email": "--email", "date": "--date", "therapist": "--therapist",
               "handout": "HANDOUT", "layout": "--layout", "points": "--point", "techniques": "--technique",
               "tools": "--tool", "note": "--note"}


def _parser(prog: str, description: str, epilog: str):
    from .cli import Parser
    return Parser(prog=f"make_pdfs.py {prog}", description=description, epilog=epilog,
                  formatter_class=argparse.RawDescriptionHelpFormatter)


def _folders(parser, out_help: str = "folder for client sheets and the mail outbox (default: clients/)") -> None:
    parser.add_argument("--out", metavar="DIR", type=Path, help=out_help)
    parser.add_argument("--content", metavar="DIR", type=Path, help="content folder (default: handouts/)")
    parser.add_argument("--layouts", metavar="DIR", type=Path, help="layouts folder (default: layouts/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")


def _delivery_options(parser) -> None:
    parser.add_argument("--send", action="store_true", help="email the sheet (settings in delivery.yaml)")
    parser.add_argument("--dry-run", action="store_true", help="write the email as a .eml file next to the PDF instead of sending it")
    parser.add_argument("--print", action="store_true", dest="print_it", help="print the sheet")
    _printer_options(parser)


def _printer_options(parser) -> None:
    parser.add_argument("--printer", metavar="NAME", help="printer to use (default: delivery.yaml's printer, else the system default)")
    parser.add_argument("--copies", metavar="N", type=int, default=1, help="copies to print (default: 1)")
    parser.add_argument("--double-sided", action="store_true", help="print on both sides where the printer can")


# --- client ---------------------------------------------------------------------------------

def run_client(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = _parser(
        "client", "Make one client's aftercare sheet from a handout, and print or email it.",
        "Example:\n  python make_pdfs.py client stress-relief-points --name \"Ana Lima\" --therapist Sam \\\n"
        "      --point top-of-shoulders:2:3 --technique kneading:5 --note \"Ease off the left shoulder for two days.\" \\\n"
        "      --email ana@example.com --send\n\n"
        "Items are ID, ID:MINUTES or ID:MINUTES:TIMES-A-DAY and appear in the order given; without any,\n"
        "the handout's own sections are used. The sheet goes to clients/DATE/NAME-HANDOUT.pdf.\n"
        "Exit status: 0 when everything was done, 2 when something needs fixing or an email waits in the outbox.")
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
    _delivery_options(parser)
    _folders(parser)
    args = parser.parse_args(argv)
    _check_delivery_args(args)
    if (args.send or args.dry_run) and not args.email:
        raise UsageError("argument --email: the client's address is needed to send the sheet")
    desk = _Desk(root, args)
    values = {field: getattr(args, field, None) for field in ARGUMENT_OF if field != "handout"}
    values["handout"] = args.handout
    visit, problems = desk.checker().visit(values, "the command line")
    if problems:
        raise UsageError("; ".join(f"argument {ARGUMENT_OF.get(p.field, p.field)}: {p.message}" for p in problems))
    from .personal import make_client_pdf
    made = make_client_pdf(desk.press, visit, desk.folder)
    if made.problem:
        raise UsageError(made.problem)
    from .output import write_atomically
    write_atomically(made.path, made.data)
    print(f"made {desk.show(made.path)}", file=stdout)
    ok = desk.deliver(made, stdout, stderr)
    return EXIT_OK if ok else EXIT_PROBLEM


# --- clients (a batch) ------------------------------------------------------------------------

def run_clients(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = _parser(
        "clients", "Make the client sheets for a day's appointments from a CSV or YAML file, one visit per row.",
        "Columns (CSV) or keys (YAML): name, therapist, handout (required); email, date, layout,\n"
        "points, techniques, tools, note. Items are written like 'top-of-shoulders:2:3 base-of-spine:1'.\n"
        "Example:\n  python make_pdfs.py clients today.csv --send\n\n"
        "A row with a problem is reported with its row number and line, and the other rows are still done.\n"
        "Exit status: 0 when every row went through, 2 otherwise.")
    parser.add_argument("file", metavar="FILE", type=Path, help="the visits: a .csv or .yaml file")
    _delivery_options(parser)
    _folders(parser)
    args = parser.parse_args(argv)
    _check_delivery_args(args)
    path = args.file if args.file.is_absolute() else Path.cwd() / args.file
    if not path.is_file():
        raise UsageError(f"argument FILE: '{args.file}' not found")
    desk = _Desk(root, args)
    shown = desk.project.show(path)
    from .clients import BatchFileError, FieldProblem, Row, read_batch
    from .output import write_atomically
    from .personal import client_pdf_path, make_many
    try:
        rows = read_batch(path, shown, desk.checker())
    except BatchFileError as err:
        raise ContentError([err.problem]) from None

    # Rows that cannot be done at all: bad fields, no address to send to, the same sheet twice.
    first_row_for: dict[Path, int] = {}
    checked: list[Row] = []
    for row in rows:
        if row.visit is not None:
            extra = []
            if (args.send or args.dry_run) and not row.visit.email:
                extra.append(FieldProblem("email", "is missing; it is needed to send the sheet"))
            target = client_pdf_path(desk.folder, row.visit)
            if target in first_row_for:
                extra.append(FieldProblem("row", f"same client, date and handout as row {first_row_for[target]}; "
                                                 f"remove one"))
            first_row_for.setdefault(target, row.number)
            if extra:
                row = Row(row.number, row.line, None, tuple(extra), row.visit_name)
        checked.append(row)

    good = [row for row in checked if row.visit is not None]
    made = dict(zip((row.number for row in good), make_many(desk.press, [row.visit for row in good], desk.folder)))
    problems, done, delivered_ok = 0, 0, True
    for row in checked:
        if row.visit is None:
            print(row.problem(shown), file=stderr)
            problems += 1
            continue
        result = made[row.number]
        if result.problem:
            print(Row(row.number, row.line, None, (FieldProblem("sheet", result.problem),), row.visit_name).problem(shown),
                  file=stderr)
            problems += 1
            continue
        write_atomically(result.path, result.data)
        done += 1
        print(f"made {desk.show(result.path)}", file=stdout)
        delivered_ok = desk.deliver(result, stdout, stderr, label=f"row {row.number}") and delivered_ok
    total = len(checked)
    print(f"{done} of {total} client sheet{'s' if total != 1 else ''} made"
          + (f"; {problems} row{'s' if problems != 1 else ''} need{'s' if problems == 1 else ''} fixing (see above)"
             if problems else ""), file=stdout if not problems else stderr)
    return EXIT_OK if not problems and delivered_ok else EXIT_PROBLEM


# --- print ------------------------------------------------------------------------------------

def run_print(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = _parser(
        "print", "Print handouts, booklets or client sheets on the system printer (CUPS lp; Windows print verb).",
        "Examples:\n  python make_pdfs.py print stress-relief-points            a built handout (build/ID.pdf)\n"
        "  python make_pdfs.py print back-care-at-home               a booklet (its imposed copy, both sides)\n"
        "  python make_pdfs.py print clients/2026-11-24/ana-lima-stress-relief-points.pdf --printer FrontDesk --copies 2\n\n"
        "Exit status: 0 when every file was handed to the printer, 2 otherwise.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="a PDF file, or the id of a handout or booklet built in build/")
    _printer_options(parser)
    parser.add_argument("--build", metavar="DIR", type=Path, help="where built handouts are (default: build/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    _check_printer_args(args)
    build_folder = args.build or root / "build"
    paths = [_printable(root, build_folder, given) for given in args.files]
    printer = args.printer or _load_settings(root, args).printer
    from .printing import PrintFailed, PrintJob, send_to_printer
    ok = True
    for path in paths:
        booklet_sheets = path.name.endswith(IMPOSED)  # always both sides, turned on the short edge
        job = PrintJob(path, path.stem, printer, args.copies, args.double_sided or booklet_sheets, booklet_sheets)
        try:
            said = send_to_printer(job)
        except PrintFailed as err:
            print(f"{_shown_path(root, path)}: not printed: {err}", file=stderr)
            ok = False
            continue
        print(f"printed {_shown_path(root, path)} ({said})", file=stdout)
    return EXIT_OK if ok else EXIT_PROBLEM


def _printable(root: Path, build_folder: Path, given: str) -> Path:
    from .schema import ID_PATTERN
    path = Path(given)
    path = path if path.is_absolute() else Path.cwd() / path
    if not path.is_file() and ID_PATTERN.match(given):
        # A handout, else a booklet: its office-printer copy when there is one.
        candidates = [build_folder / f"{given}.pdf", build_folder / "booklets" / f"{given}{IMPOSED}",
                      build_folder / "booklets" / f"{given}.pdf"]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            raise UsageError(f"argument FILE: no built handout or booklet '{given}' in {_shown_path(root, build_folder)}/; "
                             f"build it first with: python make_pdfs.py {given}")
    if not path.is_file():
        raise UsageError(f"argument FILE: '{given[:80]}' not found")
    with open(path, "rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise UsageError(f"argument FILE: '{given[:80]}' is not a PDF file")
    return path


# --- outbox and send-log -------------------------------------------------------------------

def run_outbox(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = _parser(
        "outbox", "List the emails waiting in the outbox, or send them again with --retry.",
        "A message waits when the mail server could not be reached or refused it; the reason is listed.\n"
        "--retry never sends twice what the server already accepted.\n"
        "Exit status: 0 when nothing is left waiting, 2 otherwise.")
    parser.add_argument("--retry", action="store_true", help="try to send everything waiting")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder holding mail/ (default: clients/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    from .outbox import Outbox
    outbox = Outbox(_clients_folder(root, args.out) / "mail")
    if args.retry:
        transport = _transport(_load_settings(root, args))
        results = outbox.retry(transport, datetime.now(timezone.utc))
        for delivery in results:
            _report_delivery(delivery, stdout, stderr)
        if not results:
            print("the outbox is empty; nothing to send", file=stdout)
    waiting = outbox.list_waiting()
    for item in waiting:
        print(f"waiting since {item.since}: {item.handout} for {item.client} <{item.recipient}>: {item.reason}",
              file=stdout)
    print(f"{len(waiting)} message{'s' if len(waiting) != 1 else ''} waiting in the outbox", file=stdout)
    return EXIT_OK if not waiting else EXIT_PROBLEM


def run_send_log(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = _parser("send-log", "List who was sent which client sheet, when, and what happened.",
                     "Example:\n  python make_pdfs.py send-log --client \"Ana\" --last 20")
    parser.add_argument("--client", metavar="TEXT", help="only clients whose name contains TEXT")
    parser.add_argument("--last", metavar="N", type=int, default=50, help="how many entries (default: 50)")
    parser.add_argument("--out", metavar="DIR", type=Path, help="the clients folder holding mail/ (default: clients/)")
    args = parser.parse_args(argv)
    if args.last < 1:
        raise UsageError("argument --last: give a number of 1 or more")
    from .sendlog import SendLog
    path = _clients_folder(root, args.out) / "mail" / "send-log.sqlite3"
    if not path.is_file():
        print("nothing has been sent yet", file=stdout)
        return EXIT_OK
    for e in SendLog(path).entries(args.last, args.client):
        detail = f": {e.detail}" if e.detail else ""
        print(f"{e.at}  {e.result:<12}  {e.handout} ({e.visit_date}) for {e.client} <{e.recipient}>{detail}", file=stdout)
    return EXIT_OK


# --- shared -----------------------------------------------------------------------------------

def _check_delivery_args(args) -> None:
    if args.send and args.dry_run:
        raise UsageError("argument --dry-run: not allowed with --send (choose one)")
    _check_printer_args(args)


def _check_printer_args(args) -> None:
    from .printing import MAX_COPIES, check_printer_name
    if not 1 <= args.copies <= MAX_COPIES:
        raise UsageError(f"argument --copies: give a number from 1 to {MAX_COPIES}")
    if args.printer is not None:
        check_printer_name(args.printer)


def _clients_folder(root: Path, out: Path | None) -> Path:
    folder = out if out is not None else root / "clients"
    folder = folder if folder.is_absolute() else Path.cwd() / folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"argument --out: '{out}' is a file, not a folder")
    return folder


def _load_settings(root: Path, args):
    from .settings import load_settings, settings_path
    path = settings_path(root, args.settings)
    from .model import Project
    shown = Project(root, root, root, root).show(path)
    return load_settings(path, shown, given=args.settings is not None)


def _transport(settings, need_password: bool = True):
    if settings.mail is None:
        raise UsageError(f"no email settings: add an 'email:' part to {settings.source} "
                         f"(delivery.example.yaml shows how)")
    from .settings import mail_password
    from .smtp import SmtpTransport
    return SmtpTransport(settings.mail, mail_password(settings.mail) if need_password else None)


def _report_delivery(delivery, stdout, stderr, label: str = "") -> bool:
    prefix = f"{label}: " if label else ""
    if delivery.status == "sent":
        print(f"{prefix}emailed {delivery.handout} to {delivery.client} <{delivery.recipient}>", file=stdout)
        return True
    if delivery.status == "already sent":
        print(f"{prefix}{delivery.handout} to <{delivery.recipient}>: {delivery.detail}", file=stdout)
        return True
    print(f"{prefix}not sent to <{delivery.recipient}>: {delivery.detail}; it waits in the outbox "
          f"(python make_pdfs.py outbox --retry)", file=stderr)
    return False


def _shown_path(root: Path, path: Path) -> str:
    from .model import Project
    return Project(root, root, root, root).show(path)


class _Desk:
    """What the client commands share: the project, its library, the press and the settings."""

    def __init__(self, root: Path, args):
        from .press import Press
        from .cli import project_paths
        from .load import load_library
        self.root, self.args = root, args
        self.folder = _clients_folder(root, args.out)
        self.project = project_paths(root, argparse.Namespace(content=args.content, layouts=args.layouts,
                                                              out=self.folder))
        # Settings and the password are checked before anything is made, not halfway through a batch.
        self.settings = _load_settings(root, args) if (args.send or args.dry_run or args.print_it) else None
        if args.send or args.dry_run:
            self.transport = _transport(self.settings, need_password=args.send)
        self.library = load_library(self.project)
        self.press = Press(self.project, self.library)

    def show(self, path: Path) -> str:
        return self.project.show(path)

    def checker(self):
        from .clients import Checker
        from .load import sheet_layouts
        from .personal import glyph_sets
        faces = self.press.faces()
        return Checker(self.library, sheet_layouts(self.project), glyph_sets(faces),
                       _font_label(faces), date.today())

    def deliver(self, made, stdout, stderr, label: str = "") -> bool:
        """Print and email one finished sheet as the options ask; False if something did not go."""
        ok = True
        prefix = f"{label}: " if label else ""
        if self.args.print_it:
            from .printing import PrintFailed, PrintJob, send_to_printer
            printer = self.args.printer or self.settings.printer
            job = PrintJob(made.path, made.path.stem, printer, self.args.copies, self.args.double_sided)
            try:
                print(f"{prefix}printed {self.show(made.path)} ({send_to_printer(job)})", file=stdout)
            except PrintFailed as err:
                print(f"{prefix}{self.show(made.path)}: not printed: {err}", file=stderr)
                ok = False
        if self.args.send or self.args.dry_run:
            ok = self._email(made, stdout, stderr, label) and ok
        return ok

    def _email(self, made, stdout, stderr, label: str) -> bool:
        from .mail import build_letter
        from .personal import client_card
        settings = self.settings
        now = datetime.now(timezone.utc)
        letter = build_letter(self.project, self.library.brand, settings.mail, made.visit,
                              client_card(self.library, made.visit), made.data, made.path.name, now)
        if self.args.dry_run:
            from .output import write_atomically
            eml = made.path.with_suffix(".eml")
            write_atomically(eml, letter.data)
            print(f"{label + ': ' if label else ''}wrote {self.show(eml)} (not sent)", file=stdout)
            return True
        from .outbox import Outbox
        delivery = Outbox(self.folder / "mail").post(letter, self.transport, now)
        return _report_delivery(delivery, stdout, stderr, label)


def _font_label(faces) -> str:
    from reportlab.pdfbase import pdfmetrics
    name = pdfmetrics.getFont(faces["body"].regular).face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)
