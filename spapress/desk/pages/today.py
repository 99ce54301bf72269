"""The Today page: the day's visits and what has been done for each; a day's file loads them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, url_for

from ..actions import PressError
from ..day import form_values
from . import day, desk

blueprint = Blueprint("today", __name__)

DAY_FILES = (".csv", ".txt", ".xlsx", ".yaml", ".yml")


@blueprint.get("/")
def home():
    return redirect(url_for("today.page"))


@blueprint.get("/today")
def page(problem: str | None = None, said: str | None = None, status: int = 200):
    titles = {sheet.id: sheet.title for sheet in desk().library.sheets.values()} if desk().library else {}
    return render_template("today.html", visits=day().all(), titles=titles, rows_refused=day().problems,
                           loaded_from=day().loaded_from, problem=problem, said=said), status


@blueprint.post("/today")
def load():
    """Read a day's file (the documented CSV or YAML of visits) and add its visits to the day."""
    upload = request.files.get("day")
    if upload is None or not upload.filename:
        return page(problem="Pick a day's file first (a .csv or .yaml file of visits).", status=422)
    shown = _shown_name(upload.filename)
    suffix = Path(shown).suffix.lower()
    if suffix not in DAY_FILES:
        return page(problem=f"{shown}: a day's file must be the booking system's export (.csv or .xlsx) or a .yaml list",
                    status=422)
    data = upload.read()
    if suffix == ".xlsx" and not data.startswith(b"PK\x03\x04"):
        return page(problem=f"{shown}: is not an Excel workbook; save it again from the spreadsheet as .xlsx",
                    status=422)
    if suffix != ".xlsx" and b"\x00" in data[:8192]:
        return page(problem=f"{shown}: is not a text file; save the visits as CSV UTF-8 from the spreadsheet",
                    status=422)
    with tempfile.TemporaryDirectory(prefix="spapress-day-") as folder:
        path = Path(folder) / f"day{suffix}"
        path.write_bytes(data)
        try:
            rows, notes = desk().read_day(path, shown)
        except PressError as err:
            return page(problem=str(err), status=422)
    added = 0
    for row in rows:
        if row.visit is not None:
            day().add(form_values(row.visit), source=f"{shown} row {row.number}")
            added += 1
    refused = sum(1 for row in rows if row.problem)
    day().problems = [row.problem for row in rows if row.problem] + notes
    day().loaded_from = shown
    return page(said=f"Loaded {added} visit{'s' if added != 1 else ''} from {shown}"
                     + (f"; {refused} row{'s' if refused != 1 else ''} need fixing (listed below)." if refused else "."))


def _shown_name(filename: str) -> str:
    """The uploaded file's own name, for messages only (never used as a path)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())[:80]
    return name or "the file"
