"""Templates: render a layout's Jinja2 template into an XML page tree, checked against the elements.

Templates run with autoescaping and StrictUndefined, so content is always plain text in the
XML and a misspelt variable is an error, not a blank.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from ..content.model import Project
from ..content.schema import did_you_mean
from ..errors import ContentError, Problem
from .elements import check_tree

SHEET_TEMPLATE = "sheet.xml.j2"


@lru_cache(maxsize=8)
def environment(layouts: Path) -> jinja2.Environment:
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Compiled templates are kept between runs in Jinja's own per-user cache folder (keyed by
        # each template's source), so a new process skips recompiling unchanged layouts.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def render_page(project: Project, template_name: str, context: dict, *, needs_disclaimer: bool = True,
                may_flow: bool = False):
    """Render a template and parse it; every problem comes back as a Problem on the template."""
    env = environment(project.layouts)
    template_path = project.layouts / template_name
    shown = project.show(template_path)
    try:
        text = env.get_template(template_name).render(context)
    except jinja2.TemplateSyntaxError as err:
        where = project.show(Path(err.filename)) if err.filename else shown
        raise ContentError([Problem(where, err.lineno, f"template syntax error: {err.message}")]) from None
    except jinja2.TemplateNotFound as err:
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, f"template '{err.name}' not found in {project.show(project.layouts)}/")]) from None
    except jinja2.UndefinedError as err:
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, _explain_undefined(err.message or "undefined"))]) from None
    except jinja2.TemplateError as err:
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, f"template error: {err}")]) from None
    try:
        root = etree.fromstring(text.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as err:
        line_text = text.splitlines()[err.lineno - 1].strip() if 0 < err.lineno <= len(text.splitlines()) else ""
        raise ContentError([Problem(shown, _guess_line(template_path, line_text),
                                    f"the page is not well-formed XML: {err.msg} (near: {line_text[:60]})")]) from None
    problems = [Problem(shown, _guess_line(template_path, f"<{found.tag}", found.message), found.message)
                for found in check_tree(root, needs_disclaimer=needs_disclaimer, may_flow=may_flow)]
    if problems:
        raise ContentError(problems)
    return root


def _explain_undefined(message: str) -> str:
    """Say which field is unknown in terms a layout designer knows, with a suggestion."""
    match = re.match(r"'spapress(?:\.\w+)+\.(\w+) object' has no attribute '(\w+)'", message)
    if match:
        kind, name = match.groups()
        from ..content import model
        from . import context
        fields = getattr(getattr(model, kind, None) or getattr(context, kind, None), "__dataclass_fields__", {})
        return f"{kind.lower()} has no field '{name}'{did_you_mean(name, fields)}; fields: {', '.join(fields)}"
    return f"{message}; template variables are listed in README: Layouts"


def _template_frame(project: Project, fallback: str) -> tuple[str, int | None]:
    """The template file and line where rendering failed, read from Jinja's rewritten traceback."""
    tb = sys.exc_info()[2]
    found = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (project.show(Path(filename)), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _guess_line(template_path: Path, needle: str, message: str = "") -> int | None:
    """The template line a problem in the rendered XML most likely comes from.

    Loops make rendered lines differ from template lines, so look for the element's tag
    (and the attribute a message names) in the template source.
    """
    try:
        lines = template_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    attr = re.search(r"attribute '([\w-]+)'|<[\w-]+ ([\w-]+)>", message)
    attr_name = next((g for g in attr.groups() if g), None) if attr else None
    tag_re = re.compile(re.escape(needle) + r"(?=[\s/>]|$)") if needle.startswith("<") else None
    best = None
    for number, line in enumerate(lines, 1):
        hit = tag_re.search(line) if tag_re else (needle and needle in line)
        if hit:
            if attr_name is None or f"{attr_name}=" in line:
                return number
            best = best or number
    return best
