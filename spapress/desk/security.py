"""What keeps clients' names, emails and notes safe in the desk app.

- The Host header must name this computer (127.0.0.1 or localhost, or an address when the app is
  shared on the network), so a web page elsewhere cannot reach the app by DNS rebinding.
- Every POST carries the session's CSRF token (a form field, or a header for the live preview).
- A passcode, when set, is kept only as a scrypt hash; every page then asks for it.
- Sessions end after a while without use; a strict Content-Security-Policy allows nothing from
  outside the app, so it works with the internet down and injected markup could not run.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from pathlib import Path

from flask import Flask, abort, redirect, request, session, url_for

PASSCODE_FILE = ".desk-passcode"
SESSION_MINUTES = 30
MIN_PASSCODE = 6
OPEN_PAGES = ("security.sign_in", "static", "brand_css", "no_icon")  # what the sign-in page itself needs
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def hash_passcode(passcode: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def passcode_matches(stored: str, given: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            return False
        tried = hashlib.scrypt(given.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(bytes.fromhex(digest)))
    except ValueError:
        return False
    return hmac.compare_digest(tried.hex(), digest)


def passcode_path(root: Path) -> Path:
    return root / PASSCODE_FILE


def read_passcode_hash(root: Path) -> str | None:
    path = passcode_path(root)
    return path.read_text(encoding="ascii").strip() or None if path.is_file() else None


def host_allowed(host: str, port: int, shared: bool) -> bool:
    """Whether a request's Host header names this app: loopback names always; any plain IP address
    when shared on the network. Names other than localhost are refused (DNS rebinding)."""
    if host.startswith("["):  # an IPv6 address: [::1]:8080
        name, _, rest = host[1:].partition("]")
        given_port = rest[1:] if rest.startswith(":") else rest
    else:
        name, _, given_port = host.partition(":")
    if not name or given_port not in ("", str(port)):
        return False
    name = name.lower()
    if name in ("127.0.0.1", "localhost", "::1"):
        return True
    if not shared:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def install(app: Flask, *, port: int, shared: bool, passcode_hash: str | None) -> None:
    """Register the checks that run before every request and the headers added to every answer."""
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_NAME="desk_session")
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def checks():
        if not host_allowed(request.host, port, shared):
            abort(421)
        now = time.time()
        if now - session.get("seen", now) > SESSION_MINUTES * 60:
            session.clear()
            session["expired"] = True
        session["seen"] = now
        if request.method == "POST":
            sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(403)
        if passcode_hash and not session.get("signed_in") and request.endpoint not in OPEN_PAGES:
            return redirect(url_for("security.sign_in"))
        return None

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response
