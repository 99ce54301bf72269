"""The passcode page, shown before anything else when the desk is shared on the network."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..security import passcode_matches

blueprint = Blueprint("security", __name__)
WAIT_AFTER_WRONG = 1.0  # seconds: guessing a passcode stays slow


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    stored = current_app.extensions["passcode"]
    if not stored:
        return redirect(url_for("today.page"))
    if request.method == "POST":
        if passcode_matches(stored, request.form.get("passcode", "")):
            csrf = session.get("csrf")
            session.clear()
            session.update(signed_in=True, csrf=csrf, seen=time.time())
            return redirect(url_for("today.page"))
        time.sleep(WAIT_AFTER_WRONG)
        return render_template("signin.html", problem="That is not the desk's passcode; try again."), 401
    return render_template("signin.html", problem=None, expired=session.pop("expired", False))
