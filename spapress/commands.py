"""The sub-commands of make_pdfs.py besides building, looked up by their first argument.

Each entry names the module and function that runs it, imported only when used so that a
plain build starts fast. A handout or booklet may not take one of these names as its id.
"""

from __future__ import annotations

# name -> ("module:function", one-line description for --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "watch": (".watch:run", "rebuild the handouts each time a file in handouts/ or layouts/ is saved"),
}
