"""The mail password in the operating system's keychain, through keyring.

Windows Credential Manager, the macOS Keychain or the Secret Service on Linux hold it; the press
never writes it to a file and never shows it again. The account is named by server and login,
so two mail set-ups on one computer keep two passwords.
"""

from __future__ import annotations

from ..errors import NeedsSetup

SERVICE = "spa-handout-press mail"


def account(host: str, port: int, username: str) -> str:
    return f"{username}@{host}:{port}"


def _keyring():
    import keyring  # imported when a password is needed: it looks for a backend as it loads
    return keyring


def save_password(host: str, port: int, username: str, password: str) -> None:
    from keyring.errors import KeyringError
    try:
        _keyring().set_password(SERVICE, account(host, port, username), password)
    except KeyringError as err:
        raise NeedsSetup(f"this computer's keychain would not keep the password ({err}); "
                         f"set the environment variable instead") from None


def stored_password(host: str, port: int, username: str) -> str | None:
    from keyring.errors import KeyringError
    try:
        return _keyring().get_password(SERVICE, account(host, port, username))
    except KeyringError:
        return None  # no usable keychain here: the caller says how to set the password up
