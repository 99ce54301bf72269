"""Templates: render a layout's Jinja2 template into an XML page tree, checked against the elements.

Templates run with autoescaping and StrictUndefined, so content is always plain text in the
XML and a misspelt variable is an error, not a blank. They run in Jinja's sandbox, bounded:
a template file is UTF-8 text of at most MAX_TEMPLATE_BYTES inside the layouts folder; one
render may loop over at most MAX_LOOP_STEPS numbers from range(), build no text longer than
MAX_PAGE_CHARS and write no page longer than that; a template that includes itself ends in
one line naming it, not a crash.
"""

from __future__ import annotations

import contextvars
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from ..content.model import Project
from ..content.rules import resolves_inside
from ..content.schema import did_you_mean
from ..errors import ContentError, Problem
from .. import cache
from .elements import check_tree
from .inputs import InputProblem, check_page_files

SHEET_TEMPLATE = "sheet.xml.j2"
MAX_TEMPLATE_BYTES = 256 * 1024     # the shipped templates are a few KB each
MAX_PAGE_CHARS = 2_000_000          # the XML of one page; a real one is tens of KB
MAX_LOOP_STEPS = 100_000            # numbers from range() in one render, all loops together


class TemplateLimit(Exception):
    """A template went past a bound; `path` and `line` are set when it is the file itself."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


class _BoundedLoader(jinja2.FileSystemLoader):
    """FileSystemLoader that reads only UTF-8 files of a bounded size that really are in the folder."""

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # refuses '..'
        for folder in self.searchpath:
            filename = os.path.join(folder, *pieces)
            if os.path.isfile(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        if not resolves_inside(Path(filename), Path(folder)):
            raise TemplateLimit(f"'{template}' is a link to a file outside the layouts folder; "
                                f"copy the file itself into the folder", filename)
        with open(filename, "rb") as handle:
            data = handle.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            raise TemplateLimit(f"template is larger than {MAX_TEMPLATE_BYTES // 1024} KB; is it the right file?", filename)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise TemplateLimit(f"is not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8",
                                filename, data.count(b"\n", 0, err.start) + 1) from None
        mtime = os.path.getmtime(filename)

        def unchanged() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return text, os.path.normpath(filename), unchanged


# Steps of range() left in the render under way (each render_page starts a fresh count).
_steps_left: contextvars.ContextVar[list[int]] = contextvars.ContextVar("steps_left")


def _bounded_range(*args):
    numbers = range(*args)
    left = _steps_left.get(None)
    if left is None:
        left = [MAX_LOOP_STEPS]
        _steps_left.set(left)
    if len(numbers) > left[0]:
        raise TemplateLimit(f"range() of {len(numbers):,} numbers is more than a page needs "
                            f"(at most {MAX_LOOP_STEPS:,} in all); loop over the content instead")
    left[0] -= len(numbers)
    return numbers


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with * and ** kept from building text or numbers no page could need."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and isinstance(left, int) and abs(left) > 1 and right > 256:
            raise TemplateLimit(f"{left} ** {right} is a number far larger than a page needs")
        if operator == "*":
            sized, times = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(times, int) and isinstance(sized, (str, list, tuple)) and len(sized) * times > MAX_PAGE_CHARS:
                raise TemplateLimit(f"repeating something {times:,} times makes it longer than a page can be")
        return super().call_binop(context, operator, left, right)


class _SpareBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which only saves time: a full or read-only disk means
    compiling again next run, never a failed sheet."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=8)
def environment(layouts: Path) -> jinja2.Environment:
    env = _BoundedSandbox(
        loader=_BoundedLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Compiled templates are kept between runs in Jinja's own per-user cache folder (keyed by
        # each template's source), so a new process skips recompiling unchanged layouts.
        bytecode_cache=_SpareBytecodeCache(),
    )
    env.globals["range"] = _bounded_range
    return env


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)


def render_page(project: Project, template_name: str, context: dict, *, needs_disclaimer: bool = True,
                may_flow: bool = False):
    """Render a template and parse it; every problem comes back as a Problem on the template."""
    env = environment(project.layouts)
    template_path = project.layouts / template_name
    shown = project.show(template_path)
    steps = _steps_left.set([MAX_LOOP_STEPS])
    try:
        _refuse_include_loops(env, template_name)
        text = _render_bounded(env.get_template(template_name), context)
    except TemplateLimit as err:
        if err.path is not None:
            raise ContentError([Problem(project.show(Path(err.path)), err.line, err.message)]) from None
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, err.message)]) from None
    except RecursionError:
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, "templates include or call each other without end "
                                                "(a template that includes itself, or a macro that calls itself); "
                                                "remove the loop")]) from None
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
    except (ArithmeticError, TypeError, ValueError, LookupError, MemoryError) as err:
        file, line = _template_frame(project, shown)
        raise ContentError([Problem(file, line, f"template error: {type(err).__name__}: {err}"[:300])]) from None
    finally:
        _steps_left.reset(steps)
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
    try:
        check_page_files(root, project, context.get("brand"))
    except InputProblem as err:
        raise ContentError([Problem(_shown_as_named(project, err.path), err.line, err.message)]) from None
    return root


def _shown_as_named(project: Project, path: Path) -> str:
    """A file as the project names it, without following links (a link out is shown where it is)."""
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return project.show(path)


def _refuse_include_loops(env: jinja2.Environment, name: str) -> None:
    """Follow the templates a template includes, imports or extends by name; a loop back is a
    TemplateLimit at the line that closes it (found before rendering, which would recurse
    hundreds of levels deep first). Names made at render time are caught as RecursionError.
    A template found free of loops is not followed again while none of its files changes."""
    known = _LOOP_FREE.get((env, name))
    if known is not None and all(_modified(filename) == mtime for filename, mtime in known):
        return
    path: list[str] = []
    seen: dict[str, float | None] = {}

    def visit(current: str) -> None:
        path.append(current)
        filename, refs = _template_refs(env, current)
        seen[filename or f"missing:{current}"] = _modified(filename) if filename else None
        for target, line in refs:
            if target in path:
                what = "itself" if target == current else f"'{target}', which leads back to it"
                raise TemplateLimit(f"includes {what}: templates that include each other never end; remove the loop",
                                    filename, line)
            visit(target)
        path.pop()

    visit(name)
    if any(filename.startswith("missing:") for filename in seen):
        return  # a template not written yet may close a loop once it is: follow again next time
    if len(_LOOP_FREE) > 256:
        _LOOP_FREE.clear()
    _LOOP_FREE[(env, name)] = tuple(seen.items())


_LOOP_FREE: dict[tuple, tuple] = {}   # (environment, template) -> the files it was followed through, and when


def _modified(filename: str) -> float | None:
    try:
        return os.stat(filename).st_mtime_ns
    except OSError:
        return None


def _template_refs(env: jinja2.Environment, name: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    """A template's file and the templates it names in include, import, from and extends tags."""
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        return "", ()  # reported by rendering, at the line that names it
    return filename, _refs_in(env, name, filename, source)


def _refs_in(env: jinja2.Environment, name: str, filename: str, source: str):
    """The (template, line) pairs a template's source names. Parsing a template costs more than
    rendering it, so what was found is kept in the on-disk cache (cache.py) by the source's bytes."""
    syntax = repr((env.block_start_string, env.variable_start_string, env.comment_start_string,
                   env.line_statement_prefix, sorted(env.extensions)))
    entry = cache.entry_name("refs", f"{syntax}\0{name}\0".encode() + source.encode("utf-8"))
    kept = _kept_refs(cache.read(entry))
    if kept is not None:
        return kept
    from jinja2 import nodes

    tree = env.parse(source, name, filename)  # a syntax error is raised here, and never kept
    found = []
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            found.append((node.template.value, node.lineno))
    cache.write(entry, json.dumps(found).encode("utf-8"))
    return tuple(found)


def _kept_refs(raw: bytes | None) -> tuple[tuple[str, int], ...] | None:
    """A cache entry read back, or None when there is none or it is not of the expected shape."""
    try:
        found = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(found, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], int)
            for pair in found):
        return None
    return tuple((target, line) for target, line in found)


def _render_bounded(template: jinja2.Template, context: dict) -> str:
    """The template's text, stopped as soon as it is longer than any page could be."""
    parts, size = [], 0
    for part in template.generate(context):
        size += len(part)
        if size > MAX_PAGE_CHARS:
            raise TemplateLimit(f"the page it writes is longer than {MAX_PAGE_CHARS:,} characters; "
                                f"look for a loop that never ends or repeats too often")
        parts.append(part)
    return "".join(parts)


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
