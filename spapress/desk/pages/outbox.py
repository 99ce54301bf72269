"""The Outbox and history page: emails waiting and why, Retry, and every sheet a client was given
(each version, how it went and when), found by the client's name."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..actions import PressError, RecordsRefusal
from . import desk

blueprint = Blueprint("outbox", __name__)
NAMES_SHOWN = 60    # clients listed as buttons before a search; more are found by searching


def _page(results=None, problem: str | None = None, search: str = "", status: int = 200):
    found, not_found, names = [], None, []
    try:
        if search:
            found = desk().history(search)
        else:
            names = desk().client_names()
    except RecordsRefusal as err:
        not_found = str(err) if str(err).endswith(("?", ".")) else f"{err}."
    except PressError as err:  # the handouts cannot be loaded: said at the top of every page
        not_found = str(err)
    return render_template("outbox.html", waiting=desk().waiting(), found=found, not_found=not_found,
                           names=names, names_shown=NAMES_SHOWN, results=results, problem=problem, search=search), status


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
