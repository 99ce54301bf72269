"""make_pdfs.py email-setup: ask once for the mail password and keep it in this computer's keychain."""

from __future__ import annotations

import getpass
from pathlib import Path

from ..clients.keychain import save_password
from ..errors import NeedsSetup, UsageError
from .common import EXIT_OK, command_parser
from .delivery import settings_from


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "email-setup", "Ask once for the mail server password and keep it in this computer's keychain "
                       "(Windows Credential Manager, macOS Keychain, or the Secret Service on Linux).",
        "Example:\n  python make_pdfs.py email-setup\n\n"
        "The password is never written to a file or shown. On a server without a keychain, set the\n"
        "environment variable named by password_env in delivery.yaml instead.", stdout)
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)
    settings = settings_from(root, args)
    mail = settings.mail
    if mail is None:
        raise NeedsSetup(f"no email settings: add an 'email:' part to {settings.source} (delivery.example.yaml "
                         f"shows how), then run this again")
    if mail.username is None:
        raise NeedsSetup(f"the mail server in {settings.source} has no 'username:', so it needs no password; "
                         f"add the login name first if it asks for one")
    password = getpass.getpass(f"Password for {mail.username} at {mail.host}:{mail.port} (not shown): ", stream=stderr)
    if not password.strip():
        raise UsageError("no password typed; nothing was kept")
    save_password(mail.host, mail.port, mail.username, password)
    print(f"the password for {mail.username} at {mail.host}:{mail.port} is kept in this computer's keychain",
          file=stdout)
    return EXIT_OK
