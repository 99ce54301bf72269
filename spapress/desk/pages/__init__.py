"""The desk app's pages, one module each; each is a Flask blueprint over desk/actions.py.

    today.py      the day's visits, loaded from a day's file, with what was done for each
    sheet.py      one client's sheet: the form, the live preview, Download, Print, Email
    library.py    every handout and booklet: thumbnails, Print, Download, Rebuild
    outbox.py     emails waiting, Retry, and every sheet version a client was given (the records)
    settings.py   the mail server, the keychain password, the default printer
    signin.py     the passcode page, when the desk is shared on the network
"""

from __future__ import annotations

from flask import current_app

from ..actions import Desk
from ..day import Day


def desk() -> Desk:
    return current_app.extensions["desk"]


def day() -> Day:
    return current_app.extensions["day"]
