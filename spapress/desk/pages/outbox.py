"""The Outbox and history page: emails waiting and why, Retry, and who was sent what (searchable)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..actions import PressError
from . import desk

blueprint = Blueprint("outbox", __name__)


def _page(results=None, problem: str | None = None, search: str = "", status: int = 200):
    return render_template("outbox.html", waiting=desk().waiting(), history=desk().history(search),
                           results=results, problem=problem, search=search), status


@blueprint.get("/outbox")
def page():
    return _page()


@blueprint.post("/outbox")
def search():
    """Search the history by client name; the name travels in the form, never in the address."""
    return _page(search=request.form.get("client", "").strip()[:80])


@blueprint.post("/outbox/retry")
def retry():
    try:
        results = desk().retry()
    except PressError as err:
        return _page(problem=f"Not sent: {err}. The mail server is set up on the Settings page.", status=422)
    return _page(results=results)
