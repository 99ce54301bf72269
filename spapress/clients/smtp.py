"""Hand one message to the spa's mail server with smtplib, over STARTTLS or SSL.

Every way this can fail becomes a DeliveryFailed with a sentence a receptionist can act on.
The password is only ever passed to smtplib's login; no message here can contain it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from .settings import MailSettings


class DeliveryFailed(Exception):
    """The server did not accept the message; str() is the reason, safe to show and log."""


class SmtpTransport:
    def __init__(self, mail: MailSettings, password: str | None, tls: ssl.SSLContext | None = None):
        self.mail, self._password = mail, password
        self.tls = tls or ssl.create_default_context()

    def __repr__(self) -> str:  # never show the password, even in a debugger
        return f"SmtpTransport({self.mail.host}:{self.mail.port}, {self.mail.security})"

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        m = self.mail
        where = f"{m.host}:{m.port}"
        try:
            if m.security == "ssl":
                server = smtplib.SMTP_SSL(m.host, m.port, timeout=m.timeout, context=self.tls)
            else:
                server = smtplib.SMTP(m.host, m.port, timeout=m.timeout)
            with server:
                if m.security == "starttls":
                    server.starttls(context=self.tls)
                if m.username is not None:
                    server.login(m.username, self._password or "")
                server.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as err:
            code, reply = next(iter(err.recipients.values()), (0, b""))
            raise DeliveryFailed(f"the mail server refused the recipient {recipient}: {_reply(code, reply)}") from None
        except smtplib.SMTPSenderRefused as err:
            raise DeliveryFailed(f"the mail server refused the sender {sender}: {_reply(err.smtp_code, err.smtp_error)}; "
                                 f"check sender in {m.source}") from None
        except smtplib.SMTPAuthenticationError as err:
            raise DeliveryFailed(f"the mail server refused the login for '{m.username}': "
                                 f"{_reply(err.smtp_code, err.smtp_error)}; check the password in the environment "
                                 f"variable {m.password_env}") from None
        except smtplib.SMTPNotSupportedError:
            what = "STARTTLS" if m.security == "starttls" else "login"
            raise DeliveryFailed(f"the mail server {where} does not offer {what}; check security and port in "
                                 f"{m.source}") from None
        except smtplib.SMTPDataError as err:
            raise DeliveryFailed(f"the mail server refused the message: {_reply(err.smtp_code, err.smtp_error)}") from None
        except smtplib.SMTPServerDisconnected:
            raise DeliveryFailed(f"the mail server {where} closed the connection before the message was accepted") from None
        except smtplib.SMTPResponseException as err:
            raise DeliveryFailed(f"the mail server {where} answered {_reply(err.smtp_code, err.smtp_error)}") from None
        except smtplib.SMTPException as err:
            raise DeliveryFailed(f"the mail server {where} did not take the message: {_one_line(str(err))}") from None
        except ssl.SSLError as err:
            raise DeliveryFailed(f"the secure connection to {where} failed ({err.reason or 'TLS error'}); check "
                                 f"security and port in {m.source}") from None
        except socket.gaierror:
            raise DeliveryFailed(f"the mail server name '{m.host}' was not found; check host in {m.source} "
                                 f"and the internet connection") from None
        except ConnectionRefusedError:
            raise DeliveryFailed(f"the mail server {where} refused the connection (is it running, and are "
                                 f"host and port in {m.source} right?)") from None
        except TimeoutError:
            raise DeliveryFailed(f"the mail server {where} did not answer within {m.timeout:g} s") from None
        except OSError as err:
            raise DeliveryFailed(f"could not reach the mail server {where}: {err.strerror or err}") from None


def _reply(code, reply) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {_one_line(text)}".strip()


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[:limit] + "…"
