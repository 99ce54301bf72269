"""Options and messages the client commands share: folders, delivery settings, printing and
email options, and how each delivery is said."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ..clients.frontdesk import FrontDesk, Printed, PrintOptions, Saved
from ..clients.sheets import ClientPdf
from ..clients.visits import Visit
from ..clients.outbox import Delivery
from ..clients.printing import MAX_COPIES, PRINTER_NAME
from ..clients.settings import Settings, load_settings, settings_path
from ..errors import UsageError
from .common import Parser, folder_options, project_paths, shown_path
from .preflight import LARGE_PRINT, client_subject, check_all


def client_folder_options(parser: Parser) -> None:
    """--out (the clients folder), --content, --layouts and --settings."""
    folder_options(parser, "folder for client sheets and the mail outbox (default: clients/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    parser.add_argument("--large-print", action="store_true",
                        help="make the sheet in large print (14 pt and up, one or two pages, print both sides)")
    parser.add_argument("--strict", action="store_true",
                        help="refuse a sheet that fails a check before print (contrast, type sizes, QR code, "
                             "disclaimer and safety block, numbers split over lines, reading grade)")


def delivery_options(parser: Parser) -> None:
    parser.add_argument("--send", action="store_true", help="email the sheet (settings in delivery.yaml)")
    parser.add_argument("--dry-run", action="store_true", help="write the email as a .eml file next to the PDF instead of sending it")
    parser.add_argument("--print", action="store_true", dest="print_it", help="print the sheet")
    printer_options(parser)


def printer_options(parser: Parser) -> None:
    parser.add_argument("--printer", metavar="NAME", help="printer to use (default: delivery.yaml's printer, else the system default)")
    parser.add_argument("--copies", metavar="N", type=int, default=1, help="copies to print (default: 1)")
    parser.add_argument("--double-sided", action="store_true", help="print on both sides where the printer can")


def check_delivery_args(args) -> None:
    if args.send and args.dry_run:
        raise UsageError("argument --dry-run: not allowed with --send (choose one)")
    check_printer_args(args)


def check_printer_args(args) -> None:
    if not 1 <= args.copies <= MAX_COPIES:
        raise UsageError(f"argument --copies: give a number from 1 to {MAX_COPIES}")
    if args.printer is not None and not PRINTER_NAME.match(args.printer):
        raise UsageError(f"argument --printer: '{args.printer[:40]}' is not a printer name (no spaces, slashes or "
                         f"quotes; see the names 'lpstat -e' lists)")


def print_options(args) -> PrintOptions:
    return PrintOptions(args.printer, args.copies, args.double_sided)


def clients_folder(root: Path, out: Path | None) -> Path:
    folder = out if out is not None else root / "clients"
    folder = folder if folder.is_absolute() else Path.cwd() / folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"argument --out: '{out}' is a file, not a folder")
    return folder


def settings_from(root: Path, args) -> Settings:
    path = settings_path(root, args.settings)
    if args.settings is not None and not path.is_file():
        raise UsageError(f"argument --settings: file '{shown_path(root, path)}' not found")
    return load_settings(path, shown_path(root, path))


def front_desk(root: Path, args) -> FrontDesk:
    """The project, library, press and settings the client and clients commands work with."""
    project = project_paths(root, args, default_out="clients")
    wanted = args.send or args.dry_run or args.print_it
    if getattr(args, "large_print", False) and getattr(args, "layout", None):
        raise UsageError("argument --large-print: not allowed with --layout (choose one)")
    return CheckedDesk(project, settings_from(root, args) if wanted else None, sending=args.send, dry_run=args.dry_run,
                       large_print=getattr(args, "large_print", False), strict=getattr(args, "strict", False))


class CheckedDesk(FrontDesk):
    """The front desk with the checks before print on every sheet it makes, and large print when asked.

    A sheet that fails a check is refused with --strict; otherwise its findings are said when
    it is delivered (deliver below). Reading a page back costs more than making it, so in a batch
    a sheet laid out like one already found clean (same handout, layout and picks, set at the same
    body size) is not read again: a client's name and note change neither the colours, the codes
    nor the safety block, and the body size is known from the making."""

    def __init__(self, *args, large_print: bool = False, strict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.large_print, self.strict = large_print, strict
        self.findings: dict[Path, tuple] = {}
        self._clean: set[tuple] = set()

    def _as_asked(self, visit: Visit) -> Visit:
        return replace(visit, layout=LARGE_PRINT) if self.large_print else visit

    def _checked(self, made: ClientPdf) -> ClientPdf:
        if made.data is None:
            return made
        visit = made.visit
        alike = (visit.sheet, visit.layout, tuple((p.kind, p.id) for p in visit.picks), made.body_size)
        if alike in self._clean:
            return made
        subject = client_subject(self.project, self.library, visit.sheet, visit.layout, made.data, made.path)
        findings = check_all([subject])[0].findings
        if not findings:
            self._clean.add(alike)
        if findings and self.strict:
            more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
            return replace(made, data=None, problem=f"{findings[0]}{more}; --strict refuses the sheet")
        self.findings[made.path] = findings
        return made

    def make(self, visit: Visit) -> ClientPdf:
        return self._checked(super().make(self._as_asked(visit)))

    def note_room(self, visit: Visit) -> int:
        return super().note_room(self._as_asked(visit))  # large print has less room than the standard sheet

    def make_many(self, visits: Iterable[Visit], count: int | None = None) -> Iterator[ClientPdf]:
        count = len(visits) if count is None else count
        return (self._checked(made) for made in super().make_many(map(self._as_asked, visits), count))


def deliver(desk: FrontDesk, made, args, stdout, stderr, label: str = "") -> bool:
    """Print and email one finished sheet as the options ask; False if something did not go.
    The checks' findings on the sheet, if any, are said first."""
    ok = True
    for finding in getattr(desk, "findings", {}).get(made.path, ()):
        print(f"{label + ': ' if label else ''}{finding}", file=stderr)
    if args.print_it:
        ok = say_printed(desk.print(made.path, print_options(args)), desk.show, stdout, stderr, label)
    if args.send or args.dry_run:
        ok = say_emailed(desk.email(made, dry_run=args.dry_run), desk.show, stdout, stderr, label) and ok
    return ok


def say_printed(printed: Printed, show, stdout, stderr, label: str = "") -> bool:
    prefix = f"{label}: " if label else ""
    if printed.failure is None:
        print(f"{prefix}printed {show(printed.path)} ({printed.said})", file=stdout)
        return True
    print(f"{prefix}{show(printed.path)}: not printed: {printed.failure}", file=stderr)
    return False


def say_emailed(result: Delivery | Saved, show, stdout, stderr, label: str = "") -> bool:
    prefix = f"{label}: " if label else ""
    if isinstance(result, Saved):
        print(f"{prefix}wrote {show(result.path)} (not sent)", file=stdout)
        return True
    if result.status == "sent":
        print(f"{prefix}emailed {result.handout} to {result.client} <{result.recipient}>", file=stdout)
        return True
    if result.status in ("already sent", "being sent"):
        print(f"{prefix}{result.handout} to <{result.recipient}>: {result.detail}", file=stdout)
        return True
    print(f"{prefix}{emailed_problem(result)}", file=stderr)
    return False


def emailed_problem(result: Delivery) -> str:
    """One line for a message that did not go, saying where it is now and what to do."""
    to = f"<{result.recipient}>"
    if result.status == "uncertain":
        if result.detail.startswith("sent once already"):
            return f"{result.handout} to {to}: {result.detail}"
        return (f"not sure {result.handout} reached {to}: {result.detail}; it is not sent again by itself: check "
                f"with the client, then 'python make_pdfs.py outbox --resend {result.key}' or "
                f"'--remove {result.key}'")
    if result.status == "failed":
        if result.detail.startswith("refused for good by the mail server before"):
            return f"{result.handout} to {to}: {result.detail}"
        return (f"not sent to {to}: {result.detail}; refused for good, so it is not retried: correct the address "
                f"with 'python make_pdfs.py outbox --resend {result.key} --to ADDRESS', or "
                f"'--remove {result.key}'")
    if result.status == "not queued":
        return f"not sent to {to}: {result.detail}"
    return f"not sent to {to}: {result.detail}; it waits in the outbox (python make_pdfs.py outbox --retry)"
