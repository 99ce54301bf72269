"""The sub-commands of make_pdfs.py besides building, looked up by their first argument.

Each entry names the module and function that runs it, imported only when used so that a
plain build starts fast. A handout or booklet may not take one of these names as its id.
"""

from __future__ import annotations

# name -> ("module:function", one-line description for --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "client": (".client_cli:run_client", "make one client's aftercare sheet; print or email it"),
    "clients": (".client_cli:run_clients", "make the client sheets for a CSV or YAML file of visits"),
    "print": (".client_cli:run_print", "print handouts, booklets or client sheets"),
    "outbox": (".client_cli:run_outbox", "list emails waiting to be sent; --retry sends them"),
    "send-log": (".client_cli:run_send_log", "list who was sent which client sheet, and when"),
    "watch": (".watch:run", "rebuild handouts and booklets each time a file in handouts/ or layouts/ is saved"),
}
