"""The Settings page: the mail server, the password (kept in the system keychain, never shown
again), a test email, and the default printer. It writes delivery.yaml, checked exactly as the
command line reads it."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..actions import SECURITY, PressError, SettingsRefused
from . import desk

blueprint = Blueprint("settings", __name__)

MAIL_FIELDS = ("host", "port", "security", "username", "sender", "sender_name")
LABELS = {"host": "Mail server", "port": "Port", "security": "Security", "username": "Login name",
          "sender": "Sender address", "sender_name": "Sender name", "printer": "Default printer", "email": "Email"}


def _current() -> tuple[dict, str | None, bool]:
    """The form's values from delivery.yaml, a problem reading it, and whether a password is kept."""
    try:
        settings = desk().settings()
    except PressError as err:
        return {}, str(err), False
    mail = settings.mail
    values = {"printer": settings.printer or ""}
    if mail:
        values.update(host=mail.host, port=str(mail.port), security=mail.security, username=mail.username or "",
                      sender=mail.sender, sender_name=mail.sender_name or "")
    return values, None, desk().password_kept(settings)


def _page(values=None, problem=None, said=None, test_said=None, status=200, fields=None):
    current, read_problem, kept = _current()
    return render_template("settings.html", values=values if values is not None else current,
                           problem=problem or read_problem, said=said, test_said=test_said, kept=kept,
                           securities=SECURITY, fields=fields or {}, labels=LABELS, printers=desk().printers(),
                           settings_file=desk().show(desk().settings_file)), status


@blueprint.get("/settings")
def page():
    return _page()


@blueprint.post("/settings")
def save():
    values = {name: request.form.get(name, "").strip() for name in (*MAIL_FIELDS, "printer")}
    typed = {name: values[name] for name in MAIL_FIELDS}
    if values["port"].isdigit():
        typed["port"] = int(values["port"])
    typed["printer"] = values["printer"]
    password = request.form.get("password", "")
    try:
        desk().save_mail_settings(typed, password or None)
    except SettingsRefused as err:
        said = [f"{LABELS.get(key, 'Settings')}: {message}" for key, message in err.fields.items()]
        return _page(values, problem="Nothing was saved. " + " ".join(said), status=422, fields=err.fields)
    except PressError as err:
        return _page(values, problem=f"Nothing was saved: {err}", status=422)
    return _page(said="Saved." + (" The password is kept in this computer's keychain." if password else ""))


@blueprint.post("/settings/test")
def test_email():
    to = request.form.get("to", "").strip()
    if not to or "@" not in to or any(c in to for c in " ,;\r\n"):
        return _page(test_said="Test address: give one email address, like 'desk@example.com'.", status=422)
    try:
        said = desk().send_test_email(to)
    except PressError as err:
        said = f"not sent: {err}"
    return _page(test_said=said.capitalize() + ("" if said.endswith(".") else "."))
