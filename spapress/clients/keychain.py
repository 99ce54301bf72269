"""The mail password in the operating system's keychain, through keyring.

Windows Credential Manager, the macOS Keychain or the Secret Service on Linux hold it; the press
never writes it to a file and never shows it again. The account is named by server and login,
so two mail set-ups on one computer keep two passwords.
"""

from __future__ import annotations

import os

from ..errors import NeedsSetup

SERVICE = "spa-handout-press mail"


def account(host: str, port: int, username: str) -> str:
    return f"{username}@{host}:{port}"


class _NoSafeKeychain(Exception):
    """keyring found only a store that keeps passwords in a file."""


def _keyring():
    import keyring  # imported when a password is needed: it looks for a backend as it loads
    if _in_a_file(keyring.get_keyring()) and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise _NoSafeKeychain  # a file keyring picked by default (keyrings.alt), never one asked for by name
    return keyring


def _in_a_file(backend) -> bool:
    parts = getattr(backend, "backends", None) or [backend]
    return any(type(part).__module__.startswith("keyrings.alt") for part in parts)


def save_password(host: str, port: int, username: str, password: str) -> None:
    from keyring.errors import KeyringError
    try:
        _keyring().set_password(SERVICE, account(host, port, username), password)
    except _NoSafeKeychain:
        raise NeedsSetup("this computer has no keychain that keeps the password safely (only a file); "
                         "set the environment variable instead") from None
    except KeyringError as err:
        raise NeedsSetup(f"this computer's keychain would not keep the password ({err}); "
                         f"set the environment variable instead") from None


def stored_password(host: str, port: int, username: str) -> str | None:
    from keyring.errors import KeyringError
    try:
        return _keyring().get_password(SERVICE, account(host, port, username))
    except (KeyringError, _NoSafeKeychain):
        return None  # no usable keychain here: the caller says how to set the password up
