"""Send a PDF to a printer through the operating system's own print system.

Linux and macOS: CUPS, with its `lp` command. Windows: the shell's print verb for the file.
The press never talks to a printer itself, so whatever the desk computer can print to works.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import literal

# What CUPS accepts as a queue name, less anything a terminal or shell could act on.
PRINTER_NAME = re.compile(r"^[^\s/#\\'\"\x00-\x1f\x7f-\x9f-][^\s/#\\'\"\x00-\x1f\x7f-\x9f]{0,126}$")
MAX_COPIES = 99


class PrintFailed(Exception):
    """The print system did not take the job; str() says why in one line."""


@dataclass(frozen=True)
class PrintJob:
    path: Path
    title: str
    printer: str | None         # None: the system's default printer
    copies: int
    double_sided: bool
    short_edge: bool = False    # an imposed booklet: the sheet turns over its short side


def lp_command(job: PrintJob) -> list[str]:
    """The exact command handed to CUPS for a job."""
    argv = ["lp"]
    if job.printer:
        argv += ["-d", job.printer]
    argv += ["-n", str(job.copies), "-t", job.title]
    if job.double_sided:
        # CUPS drops this option on printers that cannot print both sides.
        argv += ["-o", f"sides=two-sided-{'short' if job.short_edge else 'long'}-edge"]
    return argv + ["--", str(job.path)]


def send_to_printer(job: PrintJob, platform: str = sys.platform) -> str:
    """Queue the job; returns what the print system said (such as its request id)."""
    if platform.startswith("win"):
        return _windows_print(job)
    lp = shutil.which("lp")
    if lp is None:
        raise PrintFailed("no print system found: the CUPS command 'lp' is not installed "
                          "(Debian and Ubuntu: sudo apt-get install cups-client)")
    argv = lp_command(job)
    try:
        result = subprocess.run([lp, *argv[1:]], capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise PrintFailed("the print system did not answer within 60 s; is CUPS running?") from None
    if result.returncode == 0:
        return " ".join(result.stdout.split()) or "sent to the printer"
    raise PrintFailed(_explain_lp_error(result.stderr, job.printer))


NOT_RUNNING = "the print system (CUPS) is not running; start it, or ask whoever looks after this computer"


def _explain_lp_error(stderr: str, printer: str | None) -> str:
    said = literal(" ".join(stderr.split()))
    lowered = said.lower()
    shown = literal(printer) if printer else printer
    if printer and ("does not exist" in lowered or "not found" in lowered):
        known = list_printers()
        if not known and not scheduler_running():  # CUPS says "does not exist" when it is stopped
            return NOT_RUNNING
        return (f"no printer named '{shown}'; "
                + (f"printers here: {', '.join(known)}" if known else "no printers are set up on this computer"))
    if "no default destination" in lowered:
        known = list_printers()
        if not known and not scheduler_running():
            return NOT_RUNNING
        return ("no default printer is set; give one with --printer"
                + (f" ({', '.join(known)})" if known else " (no printers are set up on this computer)"))
    if "scheduler" in lowered or "connect" in lowered:
        return NOT_RUNNING
    if "disabled" in lowered or "not accepting" in lowered:
        return f"the printer '{shown}' is not accepting jobs; check it is switched on and enabled"
    return f"the print system refused the job: {said[:160] or 'no reason given'}"


def scheduler_running() -> bool:
    """Whether the CUPS scheduler answers (True when it cannot be told, so no false alarm is raised)."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return True
    try:
        result = subprocess.run([lpstat, "-r"], capture_output=True, text=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return False
    return "not running" not in (result.stdout + result.stderr).lower()


def list_printers() -> list[str]:
    """The printer names the print system knows, or [] when it cannot tell."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        result = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return []
    return sorted(literal(line.strip()) for line in result.stdout.splitlines() if line.strip()) if result.returncode == 0 else []


def _windows_print(job: PrintJob) -> str:
    """Windows prints a PDF through the program registered for it (the 'print'/'printto' verbs).

    That program decides about both sides, so double-sided is a setting of the printer there.
    """
    start = getattr(os, "startfile", None)
    if start is None:
        raise PrintFailed("no print system found on this computer")
    try:
        for _ in range(job.copies):
            if job.printer:
                start(str(job.path), "printto", f'"{job.printer}"')
            else:
                start(str(job.path), "print")
    except OSError as err:
        raise PrintFailed(f"Windows could not print the PDF: {err.strerror or err}; is a PDF reader installed?") from None
    return f"sent to {'the printer ' + literal(job.printer) if job.printer else 'the default printer'}"
