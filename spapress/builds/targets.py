"""What each output is made from: file hashes, the builder's identity, and every build target.

A target is one thing the press makes (a handout, or a booklet with its copies): an id, the files it writes, and the
labels of every input file it is made from. Labels are stable names for files: paths relative
to the content folder ("points/top-of-shoulders.yaml", "brand.yaml") or "layouts/..." for
layout files, so a moved project keeps its manifest valid.

This module must stay cheap to import (no ReportLab, no svglib): a build with nothing to do
decides that from hashes alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .. import cache
from ..content.model import Booklet, Library, Project, Sheet

# Distributions whose code shapes the PDFs, by the module each installs.
BUILDER_PARTS = {"reportlab": "reportlab", "rl_accel": "_rl_accel", "svglib": "svglib", "lxml": "lxml",
                 "jinja2": "jinja2", "pyyaml": "yaml", "pypdf": "pypdf"}
SETTLED_SECONDS = 5   # a source file this recently changed is hashed afresh each run, not kept
LAYOUT_MARKERS = ("sheet.xml.j2", "styles.yaml")  # a folder with either is a layout of its own
IMPOSED, PRINT_SHOP = "-imposed.pdf", "-print-shop.pdf"  # the extra copies of a booklet, by file-name ending


@dataclass(frozen=True)
class Target:
    """One thing a build makes: files in the output folder and the input files they come from."""

    kind: str                   # "sheet" or "booklet"
    id: str
    outputs: tuple[Path, ...]   # absolute paths, all inside the output folder
    inputs: frozenset[str]      # labels of the files it is made from (see module docstring)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path) -> str:
    """The file's SHA-256, read in pieces: a stray 50 MB file costs no more memory than a small one."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def label(project: Project, path: Path) -> str:
    """A file's stable name: relative to the content folder, or 'layouts/...'."""
    for base, prefix in ((project.content, ""), (project.layouts, "layouts/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def source_files(project: Project) -> dict[str, Path]:
    """Every file a build could read: all of the content and layouts folders, by label."""
    found = {}
    for base in (project.content, project.layouts):
        if base.is_dir():
            found.update((label(project, path), path) for path in base.rglob("*") if path.is_file())
    return dict(sorted(found.items()))


# The code that shapes a PDF: the package's own version and the content and render stages,
# searched recursively. Changing how email is sent or how a build is scheduled rebuilds nothing.
BUILDER_CODE = ("__init__.py", "content", "render")


@lru_cache(maxsize=1)
def builder_version(package: Path = Path(__file__).resolve().parent.parent) -> str:
    """A hash naming this builder: Python, the code that shapes PDFs, and the libraries it draws with."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update(_code_digest(package).encode())
    for dist, module in BUILDER_PARTS.items():
        digest.update(f"{dist}={installed_release(dist, module)}\0".encode())
    return digest.hexdigest()


def _code_digest(package: Path) -> str:
    """The hash of the builder's source files. Kept in the on-disk cache by each file's name, size
    and modification time (as Python keeps its compiled modules), so a run reads them only after
    one changed. Not kept while a file is only seconds old: on a disk that keeps times to the
    second or two, a quick second edit of the same size could otherwise look unchanged."""
    files = {path.relative_to(package).as_posix(): path for path in builder_files(package)}
    stats = {name: os.stat(path) for name, path in files.items()}
    seen = [(name, stat.st_size, stat.st_mtime_ns) for name, stat in stats.items()]
    entry = cache.entry_name("code", repr(seen).encode())
    kept = cache.read(entry)
    if kept is not None and len(kept) == 64 and kept.isalnum():
        return kept.decode("ascii")
    digest = hashlib.sha256()
    for name, path in files.items():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    if time.time() - max(stat.st_mtime for stat in stats.values()) > SETTLED_SECONDS:
        cache.write(entry, digest.hexdigest().encode("ascii"))
    return digest.hexdigest()


def builder_files(package: Path) -> list[Path]:
    """The package's source files that shape a PDF, in a stable order."""
    found = []
    for name in BUILDER_CODE:
        path = package / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def installed_release(dist: str, module: str) -> str:
    """The name of a distribution's installed dist-info folder (it carries the version), found
    beside its module without importing it; far quicker than importlib.metadata."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return "missing"
    origin = Path(spec.origin)
    site = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    name = dist.lower().replace("-", "_")  # dist-info folders are named NAME-VERSION.dist-info
    found = sorted(n for n in _dist_infos(site) if n.split("-", 1)[0].lower() == name)
    return ",".join(found) or "unknown"


@lru_cache(maxsize=8)
def _dist_infos(site: Path) -> tuple[str, ...]:
    """The dist-info folders in a site-packages folder, listed once for all the libraries in it."""
    try:
        return tuple(name for name in os.listdir(site) if name.endswith(".dist-info"))
    except OSError:
        return ()


def _shown_path(project: Project, shown: str) -> Path:
    """A Problem-style shown path (relative to the project, or absolute) back to a real path."""
    path = Path(shown)
    return path if path.is_absolute() else project.root / path


def layout_inputs(project: Project, layout: str, sources: dict[str, Path]) -> frozenset[str]:
    """Files a layout may read: its own folder and every shared folder in layouts/ (partials,
    art, images), but not the fonts (the brand names those) nor another layout's folder."""
    layouts = project.layouts
    other_layouts = {p.name for p in layouts.iterdir() if p.is_dir() and p.name != layout
                     and any((p / marker).is_file() for marker in LAYOUT_MARKERS)} if layouts.is_dir() else set()
    skip = other_layouts | {"fonts"}
    return frozenset(name for name in sources if name.startswith("layouts/")
                     and not (name.count("/") > 1 and name.split("/")[1] in skip))


def brand_inputs(project: Project, library: Library) -> set[str]:
    brand = library.brand
    files = [_shown_path(project, brand.source)]
    files += [brand.logo] if brand.logo else []
    for family in (brand.body_font, brand.heading_font):
        files += [family.regular, family.bold, family.italic, family.bold_italic]
    return {label(project, path) for path in files}


def sheet_target(project: Project, library: Library, sheet: Sheet, layout_files: frozenset[str],
                 brand_files: set[str]) -> Target:
    """A handout: its sheet file, the brand, every item it shows, and its layout's files."""
    items = [library.items(section.kind)[i] for section in sheet.sections for i in section.ids]
    inputs = {label(project, _shown_path(project, sheet.source))}
    inputs |= {label(project, _shown_path(project, item.source)) for item in items}
    return Target("sheet", sheet.id, (project.out / f"{sheet.id}.pdf",), frozenset(inputs | brand_files | layout_files))


def booklet_target(project: Project, library: Library, booklet: Booklet, layouts: dict[str, frozenset[str]],
                   brand_files: set[str], impose: bool, print_shop: bool) -> Target:
    """A booklet: its file and cover art, the booklet layout, and everything its sections show
    (a handout section brings that handout's own inputs)."""
    inputs = {label(project, _shown_path(project, booklet.source))} | brand_files | layouts[booklet.layout]
    inputs |= {label(project, booklet.cover_art)} if booklet.cover_art else set()
    for section in booklet.sections:
        if section.composed is not None:
            sheet = section.composed
            inputs |= {label(project, _shown_path(project, library.items(part.kind)[i].source))
                       for part in sheet.sections for i in part.ids}
        else:
            sheet = library.sheets[section.sheet_id]
            inputs |= sheet_target(project, library, sheet, layouts[sheet.layout], brand_files).inputs
    folder = project.out / "booklets"
    outputs = [folder / f"{booklet.id}.pdf"]
    outputs += [folder / f"{booklet.id}{IMPOSED}"] if impose or booklet.impose else []
    outputs += [folder / f"{booklet.id}{PRINT_SHOP}"] if print_shop or booklet.print_shop else []
    return Target("booklet", booklet.id, tuple(outputs), frozenset(inputs))


def plan(project: Project, library: Library, sources: dict[str, Path], *, impose: bool = False,
         print_shop: bool = False) -> list[Target]:
    """Every target the library defines, in a stable order. A new kind of output adds its
    targets here (and its maker in press.MAKERS). impose and print_shop ask every booklet
    for those copies on top of what its file says."""
    brand_files = brand_inputs(project, library)
    used = {sheet.layout for sheet in library.sheets.values()} | {b.layout for b in library.booklets.values()}
    layouts = {layout: layout_inputs(project, layout, sources) for layout in used}
    targets = ([sheet_target(project, library, sheet, layouts[sheet.layout], brand_files)
                for sheet in library.sheets.values()] +
               [booklet_target(project, library, booklet, layouts, brand_files, impose, print_shop)
                for booklet in library.booklets.values()])
    pictures = picture_inputs(project, sources)
    return [replace(target, inputs=target.inputs.union(*(pictures.get(name, ()) for name in target.inputs)))
            for target in targets]


def picture_inputs(project: Project, sources: dict[str, Path]) -> dict[str, frozenset[str]]:
    """For each SVG among the sources, the labels of the pictures and art it draws from (a
    picture in the logo, say), so that replacing one rebuilds whatever shows the SVG."""
    svgs = [name for name in sources if name.lower().endswith(".svg")]
    if not svgs:
        return {}
    from ..render.inputs import svg_references  # reads SVG with lxml: only when there is SVG art

    roots = (project.content, project.layouts)
    found = {}
    for name in svgs:
        labels = {label(project, path) for path in svg_references(sources[name], roots)}
        if labels & sources.keys():
            found[name] = frozenset(labels & sources.keys())
    return found
