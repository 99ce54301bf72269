"""How a path is shown in messages (Project.show): relative to the project, with links followed,
whether the file is new, linked, inside a linked folder or outside the project."""

from __future__ import annotations

from pathlib import Path

from spapress.content.model import Project


def project_at(root: Path) -> Project:
    return Project(root, root / "handouts", root / "layouts", root / "clients")


def test_paths_are_shown_relative_to_the_project_with_links_followed(tmp_path):
    root = tmp_path / "spa"
    (root / "clients" / "2026-11-24").mkdir(parents=True)
    (root / "handouts").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "logo.svg").write_text("<svg/>")
    (root / "handouts" / "logo.svg").symlink_to(elsewhere / "logo.svg")
    (root / "handouts" / "kept").symlink_to(root / "clients")
    made = root / "clients" / "2026-11-24" / "ana-lima-stress.pdf"
    made.write_bytes(b"%PDF")
    project = project_at(root)

    assert project.show(made) == "clients/2026-11-24/ana-lima-stress.pdf"
    assert project.show(root / "handouts" / "kept" / "2026-11-24" / "ana-lima-stress.pdf") == \
        "clients/2026-11-24/ana-lima-stress.pdf"                       # a linked folder, followed
    assert project.show(root / "handouts" / "logo.svg") == str(root / "handouts" / "logo.svg")  # links out
    assert project.show(root / "clients" / "not-made-yet.pdf") == "clients/not-made-yet.pdf"
    assert project.show(root / "clients" / "2026-11-24" / ".." / "x.pdf") == "clients/x.pdf"
    assert project.show(Path("/")) == "/"
