"""The desk app: a Flask application with its pages, its security checks and one warm Desk."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, current_app, render_template
from werkzeug.exceptions import HTTPException

from . import security
from .actions import Desk
from .day import Day
from .pages import library, outbox, settings, sheet, signin, today

UPLOAD_LIMIT = 2 * 1024 * 1024
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLORS = {"primary": "#2F5D62", "accent": "#B08A5B", "ink": "#22302F", "muted": "#5B6968",
                  "light": "#EEF4F1", "paper": "#FFFFFF"}

MESSAGES = {
    400: "The page sent something the desk could not read; go back and try again.",
    403: "This form has expired or did not come from the desk; reload the page and try again.",
    404: "There is nothing here; go back to Today.",
    405: "That is not something this page can do; go back to Today.",
    413: f"The file is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB; a day's visits file is much smaller.",
    421: "This address is not the front desk's; open http://127.0.0.1 with the desk's port instead.",
}


def create_app(desk: Desk, *, port: int, shared: bool = False, passcode_hash: str | None = None,
               secret: bytes | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret or secrets.token_bytes(32)   # a new key each start: old sessions end
    app.config["MAX_CONTENT_LENGTH"] = UPLOAD_LIMIT
    app.extensions["desk"] = desk
    app.extensions["day"] = Day()
    app.extensions["passcode"] = passcode_hash
    security.install(app, port=port, shared=shared, passcode_hash=passcode_hash)
    for page in (today, sheet, library, outbox, settings, signin):
        app.register_blueprint(page.blueprint)

    @app.get("/brand.css")
    def brand_css():
        library = current_app.extensions["desk"].library
        brand = library.brand if library else None
        colors = {**DEFAULT_COLORS, **{k: v for k, v in (brand.colors if brand else {}).items()
                                       if k in DEFAULT_COLORS and _COLOR.match(str(v))}}
        css = ":root {" + " ".join(f"--{name}: {value};" for name, value in colors.items()) + "}\n"
        return Response(css, mimetype="text/css")

    @app.get("/favicon.ico")
    def no_icon():
        return Response(status=204)  # browsers ask for one; the desk has none

    @app.context_processor
    def shared_context():
        desk_now = current_app.extensions["desk"]
        brand = desk_now.library.brand if desk_now.library else None
        return {"spa_name": brand.name if brand else "The spa", "content_problems": desk_now.problems}

    def said(status: int):
        def handler(_error):
            if status == 421:  # not our address: say nothing about the app
                return Response(MESSAGES[status] + "\n", status=status, mimetype="text/plain")
            return render_template("message.html", message=MESSAGES[status]), status
        return handler

    for status in MESSAGES:
        app.register_error_handler(status, said(status))

    @app.errorhandler(Exception)
    def failed(error):
        if isinstance(error, HTTPException):
            return error
        # The log names the kind of failure only: a message could hold a client's name or note.
        logging.getLogger("spapress.desk").error("a page failed: %s", type(error).__name__)
        return render_template("message.html", message="Something went wrong on this computer; what you typed "
                               "was not sent. Go back and try again."), 500

    return app
