"""Hand one message to the spa's mail server with smtplib, over STARTTLS or SSL, within deadlines.

Every way this can fail becomes a DeliveryFailed with a sentence a receptionist can act on,
and a kind that says what the outbox should do with the message:

    waiting     nothing was delivered; try again later (server down, busy, 4xx answers)
    refused     the server refused this message for good (a 5xx answer to its recipient or
                content, or an address the server cannot take); retrying cannot help
    uncertain   the whole message went out but the answer never came: it may have arrived

Time is bounded by deadlines, not per-read timeouts: connecting, the greeting, TLS and the
login share one deadline, and each message another, so a server that is silent or answers
one byte at a time is given up on when its time is spent. Once the server could not be
reached (or refused the login or the sender), every later message of the same run is left
waiting at once instead of waiting for the server again.

The password is only ever passed to smtplib's login; no message here can contain it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from typing import Protocol

from .settings import MailSettings

WAITING, REFUSED, UNCERTAIN = "waiting", "refused", "uncertain"
UNREACHABLE_FOR = 120.0  # seconds a server found unreachable is not tried again by the same transport


class DeliveryFailed(Exception):
    """The server did not take the message; str() is the reason, safe to show and log."""

    def __init__(self, reason: str, kind: str = WAITING):
        super().__init__(reason)
        self.kind = kind


class Progress(Protocol):
    """What the sender is told while a message goes out, so the outbox can record it at once."""

    def committing(self) -> None:
        """The whole message has gone out; only the final end-of-data mark is still to send."""

    def accepted(self) -> None:
        """The server answered 250 to the message: it is the server's now, whatever happens next."""


class _TooSlow(Exception):
    """The deadline passed (not an OSError, so smtplib cannot mistake it for a closed connection)."""


class _Untold:
    def committing(self) -> None:
        pass

    def accepted(self) -> None:
        pass


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds, self.ends = seconds, time.monotonic() + seconds

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _TooSlow()
        return left


class _Reader:
    """Reads the server's reply lines, never past the deadline however slowly the bytes come."""

    def __init__(self, sock, deadline: _Deadline):
        self.sock, self.deadline, self.buffer = sock, deadline, b""

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self.buffer and (limit < 0 or len(self.buffer) < limit):
            self.sock.settimeout(self.deadline.left())
            try:
                chunk = self.sock.recv(4096)
            except (TimeoutError, socket.timeout):
                raise _TooSlow() from None
            if not chunk:
                break
            self.buffer += chunk
        end = self.buffer.find(b"\n") + 1 or len(self.buffer)
        if limit >= 0:
            end = min(end, limit)
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def close(self) -> None:
        pass


class _DeadlineMixin:
    """smtplib with every read and write bounded by the deadline currently in force."""

    deadline: _Deadline

    def send(self, s):
        if self.sock:
            self.sock.settimeout(self.deadline.left())
            try:
                self.sock.sendall(s.encode(self.command_encoding) if isinstance(s, str) else s)
            except (TimeoutError, socket.timeout):
                raise _TooSlow() from None
            except OSError:
                self.close()
                raise smtplib.SMTPServerDisconnected("Server not connected") from None
        else:
            raise smtplib.SMTPServerDisconnected("please run connect() first")

    def getreply(self):
        if self.file is None and self.sock is not None:
            self.file = _Reader(self.sock, self.deadline)
        elif isinstance(self.file, _Reader):
            self.file.deadline = self.deadline
        return super().getreply()

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(host, port, self.deadline.left())


class _SMTP(_DeadlineMixin, smtplib.SMTP):
    pass


class _SMTP_SSL(_DeadlineMixin, smtplib.SMTP_SSL):
    pass


class SmtpTransport:
    def __init__(self, mail: MailSettings, password: str | None, tls: ssl.SSLContext | None = None):
        self.mail, self._password = mail, password
        self.tls = tls or ssl.create_default_context()
        self._unreachable: tuple[str, float] | None = None  # why the server could not be used, and until when

    def __repr__(self) -> str:  # never show the password, even in a debugger
        return f"SmtpTransport({self.mail.host}:{self.mail.port}, {self.mail.security})"

    def send(self, sender: str, recipient: str, data: bytes, progress: Progress | None = None) -> None:
        """Deliver one message, telling progress as it goes; raise DeliveryFailed if it was not accepted."""
        progress = progress or _Untold()
        if self._unreachable and time.monotonic() < self._unreachable[1]:
            raise DeliveryFailed(f"not tried: {self._unreachable[0]}")
        m = self.mail
        where = f"{m.host}:{m.port}"
        server = None
        stage = "connect"
        try:
            deadline = _Deadline(m.timeout)
            server = (_SMTP_SSL(context=self.tls) if m.security == "ssl" else _SMTP())
            server.deadline = deadline
            code, reply = server.connect(m.host, m.port)
            if code != 220:
                raise smtplib.SMTPConnectError(code, reply)
            _ehlo(server)
            if m.security == "starttls":
                server.starttls(context=self.tls)
                _ehlo(server)
            if m.username is not None:
                server.login(m.username, self._password or "")
            stage = "message"
            server.deadline = _Deadline(m.timeout)
            options = _mail_options(server, sender, recipient, where)
            code, reply = server.mail(sender, options)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            code, reply = server.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            stage = "data"
            _data(server, data, progress)
            stage = "accepted"
            progress.accepted()
        except DeliveryFailed:
            raise
        except Exception as err:
            if stage == "accepted":
                raise  # the server has the message; a failure recording it is not the server's
            failure = self._failure(err, stage, sender, recipient, where)
            if stage == "connect" or isinstance(err, (_TooSlow, smtplib.SMTPSenderRefused)):
                # The same for every message: do not wait again, for a while (a desk app runs all day).
                self._unreachable = (str(failure), time.monotonic() + UNREACHABLE_FOR)
            raise failure from None
        finally:
            if server is not None:
                _quietly_quit(server)

    def _failure(self, err: Exception, stage: str, sender: str, recipient: str, where: str) -> DeliveryFailed:
        m = self.mail
        if stage == "data" and isinstance(err, _CutOff):
            return DeliveryFailed(f"the whole message went to the mail server {where}, but its answer never came "
                                  f"({err.why}); it may have arrived", UNCERTAIN)
        if isinstance(err, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(err.recipients.values()), (0, b""))
            return DeliveryFailed(f"the mail server refused the recipient {recipient}: {_reply(code, reply)}",
                                  REFUSED if 500 <= code < 600 else WAITING)
        if isinstance(err, smtplib.SMTPSenderRefused):
            return DeliveryFailed(f"the mail server refused the sender {sender}: "
                                  f"{_reply(err.smtp_code, err.smtp_error)}; check sender in {m.source}")
        if isinstance(err, smtplib.SMTPAuthenticationError):
            return DeliveryFailed(f"the mail server refused the login for '{m.username}': "
                                  f"{_reply(err.smtp_code, err.smtp_error)}; check the password in the environment "
                                  f"variable {m.password_env}")
        if isinstance(err, smtplib.SMTPNotSupportedError):
            what = "STARTTLS" if m.security == "starttls" else "login"
            return DeliveryFailed(f"the mail server {where} does not offer {what}; check security and port in "
                                  f"{m.source}")
        if isinstance(err, smtplib.SMTPDataError):
            return DeliveryFailed(f"the mail server refused the message: {_reply(err.smtp_code, err.smtp_error)}",
                                  REFUSED if 500 <= err.smtp_code < 600 else WAITING)
        if isinstance(err, (_TooSlow, TimeoutError, socket.timeout)):
            return DeliveryFailed(f"the mail server {where} did not answer within {m.timeout:g} s (it may be down "
                                  f"or overloaded)")
        if isinstance(err, smtplib.SMTPServerDisconnected):
            return DeliveryFailed(f"the mail server {where} closed the connection before the message was accepted")
        if isinstance(err, smtplib.SMTPResponseException):
            return DeliveryFailed(f"the mail server {where} answered {_reply(err.smtp_code, err.smtp_error)}")
        if isinstance(err, smtplib.SMTPException):
            return DeliveryFailed(f"the mail server {where} did not take the message: {_one_line(str(err))}")
        if isinstance(err, ssl.SSLError):
            return DeliveryFailed(f"the secure connection to {where} failed ({err.reason or 'TLS error'}); check "
                                  f"security and port in {m.source}")
        if isinstance(err, socket.gaierror):
            return DeliveryFailed(f"the mail server name '{m.host}' was not found; check host in {m.source} "
                                  f"and the internet connection")
        if isinstance(err, ConnectionRefusedError):
            return DeliveryFailed(f"the mail server {where} refused the connection (is it running, and are "
                                  f"host and port in {m.source} right?)")
        if isinstance(err, OSError):
            return DeliveryFailed(f"could not reach the mail server {where}: {err.strerror or err}")
        raise err


class _CutOff(Exception):
    """The end of the message went out, and then the answer did not come."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _ehlo(server: smtplib.SMTP) -> None:
    code, reply = server.ehlo()
    if not 200 <= code <= 299:
        code, reply = server.helo()
        if not 200 <= code <= 299:
            raise smtplib.SMTPHeloError(code, reply)


def _mail_options(server: smtplib.SMTP, sender: str, recipient: str, where: str) -> list[str]:
    """SMTPUTF8 when an address has letters beyond ASCII before the @, if the server can take it."""
    if sender.isascii() and recipient.isascii():
        return []
    if not server.has_extn("smtputf8"):
        raise DeliveryFailed(f"the address {recipient} has letters beyond plain ASCII before the @, and the mail "
                             f"server {where} cannot take such addresses (it does not offer SMTPUTF8); ask the client "
                             f"for another address", REFUSED)
    return ["SMTPUTF8"] + (["BODY=8BITMIME"] if server.has_extn("8bitmime") else [])


def _data(server: smtplib.SMTP, data: bytes, progress: Progress) -> None:
    """DATA, the message, then the end mark; progress hears just before the end mark goes."""
    code, reply = server.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = smtplib.quotedata(data.decode("latin-1")).encode("latin-1")  # dot-stuffing, CRLF line ends
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    server.send(body)
    progress.committing()
    try:
        server.send(b".\r\n")
        code, reply = server.getreply()
    except _TooSlow:
        raise _CutOff(f"no answer within {server.deadline.seconds:g} s") from None
    except smtplib.SMTPServerDisconnected:
        raise _CutOff("the connection was closed") from None
    except OSError as err:
        raise _CutOff(err.strerror or str(err)) from None
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _quietly_quit(server: smtplib.SMTP) -> None:
    """Say goodbye if the server still listens; its answer changes nothing (a 421 here is harmless)."""
    try:
        if server.sock is not None:
            server.deadline = _Deadline(min(2.0, server.deadline.seconds))
            server.quit()
    except Exception:
        pass
    finally:
        try:
            server.close()
        except Exception:
            pass


def _reply(code, reply) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {_one_line(text)}".strip()


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[:limit] + "…"
