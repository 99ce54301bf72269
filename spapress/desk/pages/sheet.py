"""The client sheet page: the form, the live preview, and Download, Print and Email.

Every button checks what was typed with the same checker as the command line, and makes the
sheet with the same press; a problem is shown next to its field and nothing is made or sent.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for

from ..actions import CHANGED, MAX_COPIES, MAX_MINUTES, MAX_TIMES, NOTE_LIMIT, PICK_KINDS, PressError, RecordsRefusal
from ..day import EMPTY, DeskVisit
from ..preview import page_png
from . import day, desk

blueprint = Blueprint("sheet", __name__)

LABELS = {"name": "Client name", "email": "Client email", "therapist": "Therapist", "date": "Visit date",
          "handout": "Handout", "note": "Note", "layout": "Layout", "points": "Points", "techniques": "Techniques",
          "tools": "Tools", "printer": "Printer", "copies": "Copies"}  # a problem's field -> what the page calls it
MINUTES = ("1", "2", "3", "5", "10", "15", "20", "30")


def read_form(form) -> dict:
    """The visit's fields from the posted form, as typed; picks become ID:MINUTES:TIMES."""
    values = {name: form.get(name, "") for name in ("name", "email", "therapist", "date", "handout", "note")}
    for kind in PICK_KINDS:
        specs = []
        for item in form.getlist(kind):
            minutes = form.get(f"{kind}-{item}-minutes", "").strip()
            times = form.get(f"{kind}-{item}-times", "").strip()
            specs.append(f"{item}:{minutes}:{times}".rstrip(":"))
        values[kind] = specs
    return values


def _typed(visit: DeskVisit) -> dict:
    """What the form sent, keeping a layout the day's file chose (the form has no field for it)."""
    kept = {"layout": visit.values["layout"]} if visit.values.get("layout") else {}
    return {**read_form(request.form), **kept}


def doses(values: dict) -> dict:
    """kind -> id -> (minutes, times) of the picks in the values, for the form's controls."""
    found = {}
    for kind in PICK_KINDS:
        for spec in values.get(kind, []):
            item, _, rest = spec.partition(":")
            minutes, _, times = rest.partition(":")
            found.setdefault(kind, {})[item] = (minutes, times)
    return found


def _visit_or_404(visit_id: str) -> DeskVisit:
    visit = day().get(visit_id)
    if visit is None:
        abort(404)
    return visit


def _problems_of(visit: DeskVisit, *, room: bool = True):
    """The checked Visit and sheet, or the problems by field; nothing is written. Also how the
    sheet stands against what was emailed, and (unless room is False: the live preview asks for
    it separately, as measuring a sheet not seen before takes a moment) the room for the note."""
    visit.room = None
    try:
        checked, problems = desk().check(visit.values, "the form")
    except PressError as err:  # the library itself cannot be loaded
        return None, {"handout": str(err)}
    if problems:
        return None, {p.field: p.message for p in problems}
    made = desk().make(checked)
    if room or made.problem:
        visit.room = desk().note_room(checked)
    if made.problem:
        if checked.note:  # the command line's words: how long the note is and how much room there is
            return None, {"note": f"{made.problem} (the note is {len(checked.note)} characters; "
                                  f"this sheet has room for {visit.room})"}
        return None, {"note": made.problem}
    visit.needs_correction = desk().email_state(made) == CHANGED
    return made, {}


def _page(visit: DeskVisit, problems: dict | None = None, status: int = 200, said: str | None = None,
          print_form: dict | None = None, alert: str | None = None):
    library = desk().library
    return render_template(
        "sheet.html", visit=visit, values={**EMPTY, **visit.values}, doses=doses(visit.values),
        problems=problems or {}, labels=LABELS, alert=alert, library=library, kinds=PICK_KINDS, said=said,
        minutes_choices=MINUTES, max_minutes=MAX_MINUTES, max_times=MAX_TIMES, note_limit=NOTE_LIMIT,
        printers=desk().printers(), max_copies=MAX_COPIES, print_form=print_form or {"copies": "1"},
        today=date.today().isoformat(), room_hint=room_hint(visit)), status


def room_hint(visit: DeskVisit) -> str:
    """The line under the Note field: how much more the note can say on this sheet."""
    if visit.room is None:
        return "The room for the note is measured once the sheet can be made."
    left = visit.room - len(visit.values.get("note") or "")
    if left < 0:
        return f"{-left} characters too many: this sheet has room for {visit.room}."
    return f"Room left for the note: {left} characters (this sheet has room for {visit.room})."


@blueprint.get("/sheet/new")
def new_sheet():
    visit = day().add({**EMPTY, "date": date.today().isoformat()})
    return _page(visit)


@blueprint.get("/visit/<visit_id>")
def show(visit_id: str):
    visit = _visit_or_404(visit_id)
    return _page(visit, said=visit.said.pop() if visit.said else None)


def _done(visit: DeskVisit, said: str):
    """After something was printed or sent, go on to a plain page, so reloading it does not do it again."""
    visit.said.append(said)
    return redirect(url_for("sheet.show", visit_id=visit.id), 303)


@blueprint.post("/visit/<visit_id>/check")
def check(visit_id: str):
    """The live preview: keep what was typed, make the sheet, say what is wrong by field."""
    visit = _visit_or_404(visit_id)
    visit.values = _typed(visit)
    made, problems = _problems_of(visit, room=False)
    nearby = request.remote_addr in ("127.0.0.1", "::1")
    visit.preview = page_png(made.data, compress=0 if nearby else 1) if made else None
    said = {field: f"{LABELS[field]}: {message}" if field in LABELS else message for field, message in problems.items()}
    return jsonify(problems=said, changed=visit.changed_since_email, ready=made is not None, room=visit.room,
                   room_hint=room_hint(visit))


@blueprint.post("/visit/<visit_id>/room")
def room(visit_id: str):
    """The room for the note on the sheet as last checked: measured once per sheet, then remembered."""
    visit = _visit_or_404(visit_id)
    try:
        checked, problems = desk().check(visit.values, "the form")
    except PressError:
        checked, problems = None, True
    visit.room = None if problems else desk().note_room(checked)
    return jsonify(room=visit.room, room_hint=room_hint(visit))


@blueprint.get("/visit/<visit_id>/preview.png")
def preview(visit_id: str):
    visit = _visit_or_404(visit_id)
    if visit.preview is None:
        abort(404)
    return Response(visit.preview, mimetype="image/png")


@blueprint.post("/visit/<visit_id>")
def act(visit_id: str):
    """One of the form's buttons: preview, download, print or email (which first shows the letter)."""
    visit = _visit_or_404(visit_id)
    visit.values = _typed(visit)
    action = request.form.get("action", "preview")
    print_form = {"printer": request.form.get("printer", ""), "copies": request.form.get("copies", "1"),
                  "double_sided": bool(request.form.get("double_sided"))}
    made, problems = _problems_of(visit)
    if action == "email" and not problems and not made.visit.email:
        problems = {"email": "is missing; it is needed to send the sheet"}
    if action == "print":
        problems.update(_print_problems(print_form))
    if problems:
        visit.preview = None
        return _page(visit, problems, 422, print_form=print_form)
    visit.preview = page_png(made.data)
    if action == "download":
        kept = _keep(visit, made)
        desk().downloaded(kept)
        return send_file(io.BytesIO(kept.data), mimetype="application/pdf", as_attachment=True,
                         download_name=kept.path.name)
    if action == "print":
        kept = _keep(visit, made)
        printed = desk().print_sheet(kept.path, print_form["printer"] or None, int(print_form["copies"]),
                                     print_form["double_sided"])
        if printed.failure:
            return _page(visit, status=422, print_form=print_form, alert=f"Not printed: {printed.failure}.")
        visit.printed += 1
        return _done(visit, f"Printed ({printed.said}).")
    if action == "email":
        correct = visit.changed_since_email
        try:
            letter = desk().letter(made, correct=correct)
        except PressError as err:
            return _page(visit, status=422, alert=f"Not sent: {err}. The mail server is set up on the Settings page.")
        return render_template("email.html", visit=visit, letter=letter, corrected=correct)
    return _page(visit, said="Preview updated.", print_form=print_form)


@blueprint.post("/visit/<visit_id>/send")
def send(visit_id: str):
    """Send from the letter page, with the sheet as it was typed when the letter was shown, as the
    letter page said: a correction, or not."""
    visit = _visit_or_404(visit_id)
    made, problems = _problems_of(visit)
    if not problems and not made.visit.email:
        problems = {"email": "is missing; it is needed to send the sheet"}
    if problems:
        return _page(visit, problems, 422)
    correct = request.form.get("correct") == "1"
    try:
        kept, delivery = desk().email(made, correct=correct)
    except RecordsRefusal as err:  # the records' own words, as the command line says them
        return _page(visit, status=422, alert=f"Not sent: {err}.")
    except PressError as err:
        return _page(visit, status=422, alert=f"Not sent: {err}. The mail server is set up on the Settings page.")
    visit.kept = kept.path
    visit.needs_correction = False
    if delivery.status == "waiting":
        visit.waiting = True
        return _page(visit, status=422, alert=f"Not sent: {delivery.detail}. The sheet waits in the outbox; "
                                              f"Retry it from the Outbox page.")
    visit.waiting = False
    visit.emailed = dict(visit.values)
    if delivery.status == "sent":
        if correct:
            visit.corrected += 1
            return _done(visit, f"Corrected version {kept.version} emailed to {delivery.recipient}.")
        return _done(visit, f"Emailed to {delivery.recipient}.")
    return _done(visit, f"Not sent again: {delivery.detail}.")


def _keep(visit: DeskVisit, made):
    """Keep the sheet as a version of its own (or find the identical one kept before); the kept sheet."""
    kept = desk().keep(made)
    visit.kept = kept.path
    return kept


def _print_problems(form: dict) -> dict:
    problems = {}
    if form["printer"] and not desk().printer_name_ok(form["printer"]):
        problems["printer"] = "is not a printer name; pick one from the list"
    copies = form["copies"].strip()
    if not copies.isdigit() or not 1 <= int(copies) <= MAX_COPIES:
        problems["copies"] = f"give a number from 1 to {MAX_COPIES}"
    return problems
