"""Checks before print, as the build and client commands run them: which PDFs, named how, and
what is said. Findings are warnings; with --strict they are errors and nothing is written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.model import Library, Project

if TYPE_CHECKING:  # the checks load pypdf: a build with nothing to make never needs them
    from ..render.preflight import Checked, Finding, Subject

LARGE_PRINT = "large-print"   # the layout folder, and the output folder, of the large-print copies
COPY_ENDINGS = ("-imposed.pdf", "-print-shop.pdf")  # the same pages as the reading copy, laid out again


def large_print_folder(paths: Project) -> Project:
    """The project with its output folder moved to OUT/large-print/."""
    return Project(paths.root, paths.content, paths.layouts, paths.out / LARGE_PRINT)


def sheet_subject(project: Project, library: Library, sheet_id: str, data: bytes | None,
                  layout: str | None = None) -> Subject:
    from ..render.preflight import Subject
    sheet = library.sheets[sheet_id]
    name = f"{sheet_id} (large print)" if layout == LARGE_PRINT else sheet_id
    return Subject(name, data, sheet.source, project.show(project.layouts / (layout or sheet.layout)),
                   library.brand.disclaimer)


def built_subjects(project: Project, library: Library, built, layout: str | None = None) -> list[Subject]:
    """A subject for each reading copy a build made (the imposed and print-shop copies repeat its pages).
    A build that wrote its PDFs keeps none in memory: each is read from its file as it is checked."""
    from ..render.preflight import Subject

    subjects = []
    for item in built:
        if item.path.name.endswith(COPY_ENDINGS):
            continue
        if item.kind == "booklet":
            booklet = library.booklets[item.id]
            subjects.append(Subject(item.id, item.pdf.data or None, booklet.source,
                                    project.show(project.layouts / booklet.layout), library.brand.disclaimer,
                                    item.path))
        else:
            subject = sheet_subject(project, library, item.id, item.pdf.data or None, layout)
            subjects.append(replace(subject, path=item.path))
    return subjects


POOL_FROM = 8   # subjects: fewer are checked here, as starting the workers would cost more


def check_all(subjects: list[Subject]) -> list[Checked]:
    """The checks on every subject, in order: on every core when there are many."""
    from ..builds.pool import cores, each_made

    return list(each_made(None, _check_one, subjects, workers=cores(), pool=len(subjects) >= POOL_FROM,
                          recipe=_nothing))


def _check_one(_state, subject: Subject) -> Checked:
    from ..render.preflight import check

    return check(subject)


def _nothing() -> None:
    """What a spawned worker needs before checking: nothing but the modules it imports."""


def say(checked: list[Checked], stderr, *, strict: bool) -> int:
    """Print every finding, one line each, and a closing line; returns how many there were."""
    findings: list[Finding] = [finding for result in checked for finding in result.findings]
    for finding in findings:
        print(finding, file=stderr)
    if findings:
        count = f"{len(findings)} problem{'s' if len(findings) != 1 else ''} found before print"
        if strict:
            print(f"{count} (--strict); no PDF was written or changed.", file=stderr)
        else:
            print(f"{count}; the PDFs were made anyway (--strict refuses them).", file=stderr)
    return len(findings)


def client_subject(project: Project, library: Library, sheet_id: str, layout: str | None, data: bytes,
                   path: Path) -> Subject:
    """A client's sheet, named by its file (never by the client's name in the message's wording)."""
    from ..render.preflight import Subject

    subject = sheet_subject(project, library, sheet_id, data, layout)
    return Subject(path.name, data, subject.content, subject.layout, subject.disclaimer)
