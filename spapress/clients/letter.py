"""The email that carries a client sheet: branded text and HTML from layouts/email/, PDF attached.

Headers are built with the standard library's address objects, so a name can never add a
header or a recipient. The Message-ID comes from the client, visit date, handout and
recipient, so the same sheet to the same person is always the same message and can be
recognised as already sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..content.model import Brand, Project
from ..errors import ContentError, Problem
from ..render.context import ClientCard, EmailContext
from .settings import MailSettings
from .visits import Visit

EMAIL_FOLDER = "email"
TEMPLATES = ("subject.txt.j2", "message.txt.j2", "message.html.j2")


@dataclass(frozen=True)
class Letter:
    """A ready message: its bytes as stored and sent, and what the send log records about it."""

    message_id: str
    sender: str
    recipient: str
    client: str
    handout: str
    visit_date: str
    data: bytes


def message_id(visit: Visit, recipient: str, domain: str) -> str:
    key = "\x1f".join((visit.name, visit.date.isoformat(), visit.sheet, recipient.lower()))
    return f"<aftercare.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


@lru_cache(maxsize=4)
def _environment(folder: Path) -> jinja2.Environment:
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _render(project: Project, name: str, context: dict) -> str:
    folder = project.layouts / EMAIL_FOLDER
    shown = project.show(folder / name)
    try:
        return _environment(folder).get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        raise ContentError([Problem(shown, err.lineno, f"template syntax error: {err.message}")]) from None
    except jinja2.TemplateNotFound:
        raise ContentError([Problem(shown, None, "email template not found; layouts/email/ needs "
                                                 + ", ".join(TEMPLATES))]) from None
    except jinja2.TemplateError as err:
        raise ContentError([Problem(shown, None, f"template error: {err}")]) from None


def build_letter(project: Project, brand: Brand, mail: MailSettings, visit: Visit, card: ClientCard,
                 pdf: bytes, attachment_name: str, now: datetime) -> Letter:
    """The whole message for one client sheet, as bytes ready for the outbox."""
    recipient = visit.email
    assert recipient is not None
    subject = " ".join(_render(project, "subject.txt.j2", {"brand": brand, "client": card}).split())
    context = EmailContext(brand=brand, client=card, subject=subject)
    text = _render(project, "message.txt.j2", context)
    html = _render(project, "message.html.j2", context)
    sender_domain = mail.sender.rsplit("@", 1)[1]
    mid = message_id(visit, recipient, sender_domain)

    # An address with letters beyond ASCII before the @ goes as UTF-8 (SMTPUTF8), never encoded.
    message = EmailMessage(policy=policy.SMTP if recipient.isascii() else policy.SMTPUTF8)
    message["From"] = Address(mail.sender_name or brand.name, addr_spec=mail.sender)
    message["To"] = Address(" ".join(visit.name.split()), *recipient.rsplit("@", 1))  # a name on one line
    if mail.reply_to:
        message["Reply-To"] = Address(addr_spec=mail.reply_to)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mid
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=attachment_name)
    # Fixed part boundaries (from the Message-ID) so the same message is always the same bytes.
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_part{number}_{mid[11:43]}")
    return Letter(message_id=mid, sender=mail.sender, recipient=recipient, client=visit.name,
                  handout=visit.sheet, visit_date=visit.date.isoformat(), data=message.as_bytes())
