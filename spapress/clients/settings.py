"""The delivery settings file (delivery.yaml): how client sheets are emailed and printed.

It lives apart from the content because it belongs to the computer at the front desk, not to
the handouts. It never holds a password: the mail password is read from an environment
variable, and a 'password' key is refused.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .keychain import stored_password
from ..errors import ContentError, NeedsSetup, Problem
from .printing import PRINTER_NAME
from ..content.schema import INVALID, Choice, Field, Mapping, Number, Pattern, Text
from ..content.rules import SENDER
from ..content.yamlsrc import YamlSyntaxError, YMap, read_yaml

SETTINGS_FILE = "delivery.yaml"
DEFAULT_PASSWORD_ENV = "SPAPRESS_SMTP_PASSWORD"
SECURITY = ("starttls", "ssl", "none")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^[0-9A-Fa-f:]{2,39}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

EMAIL_SETTINGS = Mapping({
    "host": Field(Pattern(_HOST, "server name", "'smtp.example.com'"), doc="the mail server's name"),
    "port": Field(Number(1, 65535), required=False, doc="its port; default 587 for starttls, 465 for ssl"),
    "security": Field(Choice(SECURITY), required=False, default="starttls",
                      doc="starttls or ssl; none only for a mail server on this computer"),
    "username": Field(Text(200), required=False, doc="the login name, if the server asks for one"),
    "password_env": Field(Pattern(_ENV_NAME, "environment variable name", "'SPAPRESS_SMTP_PASSWORD'"),
                          required=False, default=DEFAULT_PASSWORD_ENV,
                          doc="the environment variable that holds the password"),
    "sender": Field(SENDER, doc="the spa's address the sheets come from"),
    "sender_name": Field(Text(80), required=False, doc="the name shown as sender; default: the brand's name"),
    "reply_to": Field(SENDER, required=False, doc="where replies go, if not to the sender"),
    "timeout": Field(Number(1, 300), required=False, default=20.0, doc="seconds to wait for the server"),
})

DEFAULT_KEEP_DAYS = 365

SETTINGS = Mapping({
    "email": Field(EMAIL_SETTINGS, required=False, doc="sending client sheets by email"),
    "keep_client_files_days": Field(Number(1, 36500), required=False, default=DEFAULT_KEEP_DAYS,
                                    doc="how many days client sheets, sent emails and the names in the send log "
                                        "are kept before 'make_pdfs.py clients purge' removes them"),
    "printer": Field(Pattern(PRINTER_NAME, "printer name", "'FrontDesk'"), required=False,
                     doc="the printer to use when --printer is not given; default: the system's default printer"),
})


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str
    username: str | None
    password_env: str
    sender: str
    sender_name: str | None
    reply_to: str | None
    timeout: float
    source: str


@dataclass(frozen=True)
class Settings:
    mail: MailSettings | None
    printer: str | None
    source: str
    keep_client_files_days: int = DEFAULT_KEEP_DAYS


def settings_path(root: Path, given: Path | None) -> Path:
    path = given if given is not None else root / SETTINGS_FILE
    return path if path.is_absolute() else Path.cwd() / path


def load_settings(path: Path, shown: str) -> Settings:
    """Read and check the settings file; a missing file means 'no settings'."""
    if not path.is_file():
        return Settings(None, None, shown)
    try:
        raw = read_yaml(path, shown)
    except YamlSyntaxError as err:
        raise ContentError([err.problem]) from None
    problems: list[Problem] = []
    report = lambda line, message: problems.append(Problem(shown, line, message))  # noqa: E731
    if isinstance(raw, YMap) and isinstance(raw.get("email"), YMap) and "password" in raw["email"]:
        line = raw["email"].key_lines["password"]
        report(line, f"a password never goes in a file: delete this line and set the environment variable "
                     f"{raw['email'].get('password_env') or DEFAULT_PASSWORD_ENV} before sending")
        del raw["email"]["password"]
    data = SETTINGS(raw if raw is not None else {}, 1, report)
    if data is INVALID or problems:
        raise ContentError(problems)
    mail = None
    if data["email"]:
        e = data["email"]
        line = raw["email"].key_lines.get("host", raw.key_lines.get("email"))
        if e["security"] == "none" and e["host"].lower() not in LOCAL_HOSTS:
            raise ContentError([Problem(shown, line, f"security 'none' would send mail unprotected to {e['host']}; "
                                                     f"use starttls or ssl (none is only for a server on this computer)")])
        port = int(e["port"]) if e["port"] is not None else (465 if e["security"] == "ssl" else 587)
        mail = MailSettings(host=e["host"], port=port, security=e["security"], username=e["username"],
                            password_env=e["password_env"], sender=e["sender"], sender_name=e["sender_name"],
                            reply_to=e["reply_to"], timeout=float(e["timeout"]), source=shown)
    return Settings(mail, data["printer"], shown, int(data["keep_client_files_days"]))


def mail_password(mail: MailSettings) -> str | None:
    """The password from its environment variable; only asked for when there is a username."""
    if mail.username is None:
        return None
    password = os.environ.get(mail.password_env) or stored_password(mail.host, mail.port, mail.username)
    if not password:
        raise NeedsSetup(f"the mail server login needs a password: run 'make_pdfs.py email-setup' to keep it in "
                         f"this computer's keychain, or set the environment variable {mail.password_env} "
                         f"(it is never read from a file)")
    return password
