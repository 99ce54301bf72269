"""The email that carries a client sheet: branded text and HTML from layouts/email/, PDF attached.

Headers are built with the standard library's address objects, so a name can never add a
header or a recipient. The Message-ID comes from the client, visit date, handout, recipient
and the sheet's version (and, for a resend, its number), so the same sheet to the same person
is always the same message and can be recognised as already sent.

A correction (Correction) is marked three ways: 'Correction: ' before the subject, In-Reply-To
and References naming the first message, and a first line saying what it replaces. The
client is greeted by first name where the name allows it (names.first_name): the templates'
`client.name` is the name to greet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
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
from .names import first_name
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


@dataclass(frozen=True)
class Correction:
    """What a corrected sheet replaces: the first message about it, and a line saying so."""

    first_message_id: str
    replaces: str               # such as "the sheet sent on November 24, 2026 (version 1)"


def message_id(visit: Visit, recipient: str, domain: str, version: int = 1, resend: int = 0) -> str:
    parts = [visit.name, visit.date.isoformat(), visit.sheet, recipient.lower()]
    if version > 1:
        parts.append(f"v{version}")
    if resend:
        parts.append(f"resend{resend}")
    key = "\x1f".join(parts)
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
                 pdf: bytes, attachment_name: str, now: datetime, *, version: int = 1, resend: int = 0,
                 correction: Correction | None = None) -> Letter:
    """The whole message for one client sheet, as bytes ready for the outbox."""
    recipient = visit.email
    assert recipient is not None
    greeted = replace(card, name=first_name(card.name))
    subject = " ".join(_render(project, "subject.txt.j2", {"brand": brand, "client": greeted}).split())
    if correction is not None:
        subject = f"Correction: {subject}"
    context = EmailContext(brand=brand, client=greeted, subject=subject)
    text = _render(project, "message.txt.j2", context)
    html = _render(project, "message.html.j2", context)
    if correction is not None:
        line = f"This corrected sheet replaces {correction.replaces}; please use this one."
        text = f"{line}\n\n{text}"
        html = _after_body_tag(html, f'<p style="margin:0;padding:12px 24px;font-weight:bold;">{_escape(line)}</p>')
    sender_domain = mail.sender.rsplit("@", 1)[1]
    mid = message_id(visit, recipient, sender_domain, version, resend)

    # An address with letters beyond ASCII before the @ goes as UTF-8 (SMTPUTF8), never encoded.
    message = EmailMessage(policy=policy.SMTP if recipient.isascii() else policy.SMTPUTF8)
    message["From"] = Address(mail.sender_name or brand.name, addr_spec=mail.sender)
    message["To"] = Address(" ".join(visit.name.split()), *recipient.rsplit("@", 1))  # a name on one line
    if mail.reply_to:
        message["Reply-To"] = Address(addr_spec=mail.reply_to)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mid
    if correction is not None:
        message["In-Reply-To"] = correction.first_message_id
        message["References"] = correction.first_message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=attachment_name)
    # Fixed part boundaries (from the Message-ID) so the same message is always the same bytes.
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_part{number}_{mid[11:43]}")
    return Letter(message_id=mid, sender=mail.sender, recipient=recipient, client=visit.name,
                  handout=visit.sheet, visit_date=visit.date.isoformat(), data=message.as_bytes())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _after_body_tag(html: str, block: str) -> str:
    """Put a block first inside <body> (or first of all when the template has no body tag)."""
    start = html.lower().find("<body")
    end = html.find(">", start) if start >= 0 else -1
    return html[:end + 1] + block + html[end + 1:] if end >= 0 else block + html
