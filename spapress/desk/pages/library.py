"""The Library page: every handout and booklet with its picture, Print and Download, and Rebuild.

Downloads come only from the build folder: a path is resolved and must stay inside it, and only
PDF files are served.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for

from ..actions import MAX_COPIES
from ..preview import thumbnail_png
from . import desk

blueprint = Blueprint("library", __name__)


def _page(said: str | None = None, problem: str | None = None, status: int = 200):
    items = desk().library_items()
    return render_template("library.html", items=items, rebuild=desk().rebuild_state(),
                           printers=desk().printers(), max_copies=MAX_COPIES, said=said, problem=problem,
                           hide_content_problems=desk().rebuild_state().failed,
                           relative=lambda path: path.relative_to(desk().build_folder).as_posix()), status


@blueprint.get("/library")
def page():
    return _page()


def inside_build(name: str) -> Path | None:
    """The PDF in the build folder that name refers to, or None for anything else."""
    folder = desk().build_folder.resolve()
    try:
        path = (folder / name).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(folder) or path.suffix.lower() != ".pdf" or not path.is_file():
        return None
    if any(part.startswith(".") for part in path.relative_to(folder).parts):
        return None  # staged files and the manifest are not handouts
    return path


@blueprint.get("/files/build/<path:name>")
def download(name: str):
    path = inside_build(name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)


@blueprint.get("/library/picture/<path:name>")
def picture(name: str):
    path = inside_build(name)
    if path is None:
        abort(404)
    return Response(thumbnail_png(path), mimetype="image/png")


@blueprint.post("/library/print")
def print_item():
    item = next((i for i in desk().library_items() if i.id == request.form.get("id") and i.printable), None)
    if item is None:
        return _page(problem="That handout is not built yet; press Rebuild first.", status=422)
    printer = request.form.get("printer", "")
    copies = request.form.get("copies", "1").strip()
    if printer and not desk().printer_name_ok(printer):
        return _page(problem="Printer: not a printer name; pick one from the list.", status=422)
    if not copies.isdigit() or not 1 <= int(copies) <= MAX_COPIES:
        return _page(problem=f"Copies: give a number from 1 to {MAX_COPIES}.", status=422)
    printed = desk().print_built(item.printable, printer or None, int(copies), bool(request.form.get("double_sided")))
    if printed.failure:
        return _page(problem=f"{item.title}: not printed: {printed.failure}", status=422)
    return _page(said=f"Printed {item.title} ({printed.said}).")


@blueprint.post("/library/rebuild")
def rebuild():
    """Start bringing build/ up to date; the Library page shows its progress and then what it did."""
    desk().start_rebuild()  # a second press while one runs just shows the running one
    return redirect(url_for("library.page"), 303)


@blueprint.get("/library/rebuild.json")
def rebuild_state():
    state = desk().rebuild_state()
    return jsonify(running=state.running, done=state.done, total=state.total, said=list(state.said),
                   failed=state.failed)
