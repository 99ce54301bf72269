"""Escaping text for ReportLab's paragraph markup.

The same result as xml.sax.saxutils.escape, without importing it: that module imports
urllib.request, and with it http.client, ssl and email, which a handout never needs.
"""

from __future__ import annotations


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """Replace '&', '<' and '>' (and any characters in entities) with their entities."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text
