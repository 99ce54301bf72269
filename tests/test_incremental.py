"""Incremental builds: only what a change affects is rebuilt, with the reason, and nothing else is touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pypdf
import pytest

from conftest import REPO
from generated import (BOOKLET, BOOKLET_FILES, STARTER, add_copies, assert_manifest_true, booklet, make_pdfs_command,
                       manifest, state)
from spapress.builds.lock import build_lock

POINT_USERS = sorted(s for s in STARTER
                     if "top-of-shoulders" in (REPO / "handouts/sheets" / f"{s}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def built(site):
    run = site.run()
    assert run.code == 0, run.err
    assert run.out.count(": new\n") == len(STARTER) + len(BOOKLET_FILES)
    return site


def made(run) -> dict[str, str]:
    """Output file -> reason, from the lines of a build."""
    lines = [line for line in run.out.splitlines() if line.startswith(("built ", "rebuilt "))]
    return {line.split()[1]: line.split(": ", 1)[1].removesuffix(SAME) for line in lines}


SAME = "; it came out the same, so the file was left as it was"


def text_of(site, sheet: str) -> str:
    return " ".join(pypdf.PdfReader(site.pdf(sheet)).pages[0].extract_text().split())


def test_the_point_users_are_known():
    assert POINT_USERS and set(POINT_USERS) < set(STARTER)


def test_no_change_rebuilds_nothing(built):
    before = state(built.out)
    run = built.run()
    assert run.code == 0, run.err
    assert made(run) == {}
    assert f"0 handouts built, {len(STARTER) + 1} unchanged, 0 failed in" in run.out
    assert state(built.out) == before


def test_changing_one_point_rebuilds_exactly_its_handouts(built):
    before = state(built.out)
    built.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duration: About 90 seconds #")
    run = built.run()
    assert run.code == 0, run.err
    reason = "points/top-of-shoulders.yaml changed"
    assert made(run) == {**{f"build/{s}.pdf": reason for s in POINT_USERS}, **booklet(reason)}
    assert f"{len(POINT_USERS)} handouts and 1 booklet built, {len(STARTER) - len(POINT_USERS)} unchanged" in run.out
    after = state(built.out)
    for sheet in STARTER:
        name = f"{sheet}.pdf"
        if sheet in POINT_USERS:
            assert after[name][0] != before[name][0], sheet
            assert "About 90 seconds" in text_of(built, sheet)
        else:
            assert after[name] == before[name], f"{sheet} was touched"
    assert_manifest_true(built.out)


def test_changing_the_brand_rebuilds_everything(built):
    built.edit("handouts/brand.yaml", "phone: (402) 384-8400", "phone: (402) 555-0199")
    run = built.run()
    assert made(run) == {**{f"build/{s}.pdf": "brand.yaml changed" for s in STARTER}, **booklet("brand.yaml changed")}
    for sheet in STARTER:
        assert "(402) 555-0199" in text_of(built, sheet)
    back_cover = pypdf.PdfReader(built.root / BOOKLET_FILES[0]).pages[-1].extract_text()
    assert "(402) 555-0199" in " ".join(back_cover.split())


def test_swapping_the_logo_file_rebuilds_everything(built):
    logo = built.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace("<svg", "<svg data-edition=\"2\"", 1), encoding="utf-8")
    before = state(built.out)
    run = built.run()
    assert set(made(run).values()) == {"logo.svg changed"}
    assert run.out.count(SAME) == len(before) and state(built.out) == before  # drawn the same: files untouched
    assert len(made(built.run())) == 0


def test_changing_a_layout_style_rebuilds_only_that_layouts_handouts(built):
    layouts = {s: next(line.split()[1] for line in (REPO / "handouts/sheets" / f"{s}.yaml").read_text().splitlines()
                       if line.startswith("layout:")) for s in STARTER}
    styles = built.path("layouts/classic/styles.yaml")
    styles.write_text(styles.read_text(encoding="utf-8") + "\n# tuned\n", encoding="utf-8")
    run = built.run()
    reason = "layouts/classic/styles.yaml changed"
    assert made(run) == {**{f"build/{s}.pdf": reason for s, layout in layouts.items() if layout == "classic"},
                         **booklet(reason)}  # the booklet includes the classic handouts


def test_deleting_a_sheet_removes_its_pdf(built):
    gone = "extra-copy"
    built.write(f"handouts/sheets/{gone}.yaml", built.path(f"handouts/sheets/{STARTER[0]}.yaml").read_text())
    assert built.run().code == 0
    built.path(f"handouts/sheets/{gone}.yaml").unlink()
    before = state(built.out)
    run = built.run()
    assert run.code == 0, run.err
    assert f"removed build/{gone}.pdf: its definition was deleted" in run.out
    assert f"0 handouts built, {len(STARTER) + 1} unchanged, 1 removed, 0 failed" in run.out
    assert not built.pdf(gone).exists()
    assert f"sheet:{gone}" not in manifest(built.out)["targets"]
    assert state(built.out) == {k: v for k, v in before.items() if k != f"{gone}.pdf"}


def test_deleting_a_booklet_removes_its_copies(built):
    built.path(f"handouts/booklets/{BOOKLET}.yaml").unlink()
    before = state(built.out)
    run = built.run()
    assert run.code == 0, run.err
    for name in BOOKLET_FILES:
        assert f"removed {name}: its definition was deleted" in run.out
        assert not (built.root / name).exists()
    assert state(built.out) == {k: v for k, v in before.items() if not k.startswith("booklets/")}
    assert_manifest_true(built.out)


def test_an_extra_booklet_copy_is_made_alone_and_dropped_when_no_longer_asked_for(built):
    before = state(built.out)
    run = built.run("--print-shop")
    shop = f"build/booklets/{BOOKLET}-print-shop.pdf"
    assert made(run) == {shop: "newly asked for", **booklet("newly asked for")}
    assert f"built build/booklets/{BOOKLET}.pdf (booklet of" in run.out and run.out.count(SAME) == 2
    assert {k: v for k, v in state(built.out).items() if k in before} == before  # the other copies: untouched
    assert_manifest_true(built.out)
    run = built.run()
    assert f"removed {shop}: no longer asked for" in run.out
    assert made(run) == {}
    assert state(built.out) == before


def test_force_rebuilds_everything_with_the_same_bytes(built):
    before = {name: data for name, (data, _) in state(built.out).items()}
    run = built.run("--force")
    assert made(run) == {**{f"build/{s}.pdf": "--force" for s in STARTER}, **booklet("--force")}
    assert {name: data for name, (data, _) in state(built.out).items()} == before


def test_an_output_changed_or_deleted_by_hand_is_rebuilt(built):
    first, second = STARTER[:2]
    built.pdf(first).write_bytes(b"%PDF-1.4 scribbled over")
    built.pdf(second).unlink()
    assert made(built.run()) == {f"build/{first}.pdf": "output changed on disk", f"build/{second}.pdf": "output missing"}
    assert_manifest_true(built.out)


def test_touching_an_output_without_changing_it_is_not_a_rebuild(built):
    os.utime(built.pdf(STARTER[0]), ns=(1, 1))
    assert made(built.run()) == {}


def test_a_new_builder_rebuilds_everything(built):
    recorded = manifest(built.out)
    for entry in recorded["targets"].values():
        entry["builder"] = "an older press"
    recorded["builder"] = "an older press"
    (built.out / ".press-manifest.json").write_text(json.dumps(recorded), encoding="utf-8")
    assert set(made(built.run()).values()) == {"the builder changed"}


def test_an_unreadable_manifest_means_a_full_rebuild(built):
    (built.out / ".press-manifest.json").write_text("{ not json", encoding="utf-8")
    assert set(made(built.run()).values()) == {"new"}
    assert_manifest_true(built.out)


def test_an_unrelated_new_file_rebuilds_nothing(built):
    built.write("handouts/notes.txt", "ideas for next season\n")
    assert made(built.run()) == {}


def test_a_new_sheet_is_built_alone(built):
    built.write("handouts/sheets/fresh.yaml", built.path(f"handouts/sheets/{STARTER[0]}.yaml").read_text())
    assert made(built.run()) == {"build/fresh.pdf": "new"}


def test_building_one_by_id_leaves_the_others_alone(built):
    built.edit("handouts/brand.yaml", "phone: (402) 384-8400", "phone: (402) 555-0199")
    before = state(built.out)
    assert made(built.run(STARTER[0])) == {f"build/{STARTER[0]}.pdf": "brand.yaml changed"}
    assert {k: v for k, v in state(built.out).items() if k != f"{STARTER[0]}.pdf"} == \
           {k: v for k, v in before.items() if k != f"{STARTER[0]}.pdf"}
    assert made(built.run()) == {**{f"build/{s}.pdf": "brand.yaml changed" for s in STARTER[1:]},
                                 **booklet("brand.yaml changed")}


def test_a_content_error_changes_nothing_and_keeps_the_manifest(built):
    recorded = (built.out / ".press-manifest.json").read_bytes()
    built.edit("handouts/points/top-of-shoulders.yaml", "duration:", "duraton:")
    run = built.run()
    assert run.code == 2
    assert (built.out / ".press-manifest.json").read_bytes() == recorded
    built.edit("handouts/points/top-of-shoulders.yaml", "duraton:", "duration:")
    assert made(built.run()) == {}


def test_check_writes_no_manifest(site):
    assert site.run("--check").code == 0
    assert not site.out.exists()


def test_a_second_build_is_refused_while_one_runs(built):
    with build_lock(built.out, "build"):
        run = built.run()
    assert run.code == 2
    assert run.err.strip() == (f"make_pdfs.py: error: another build is running in build/ (pid {os.getpid()}); "
                               "wait for it to finish, then run this again")
    assert built.run().code == 0


def test_a_build_with_nothing_to_do_never_loads_reportlab(built):
    code = ("import sys; from pathlib import Path; from spapress.cli import main; "
            f"code = main(['-q'], project=Path({str(built.root)!r})); "
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'svglib', 'lxml')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0 []"


def test_the_pool_makes_the_same_bytes_as_one_process(site, tmp_path):
    ids = add_copies(site, 12)
    run = site.run("-q", "--jobs", "2")
    assert run.code == 0, run.err
    assert site.run("-q", "--jobs", "1", "--out", str(tmp_path / "one")).code == 0
    for sheet in ids:
        assert site.pdf(sheet).read_bytes() == (tmp_path / "one" / f"{sheet}.pdf").read_bytes(), sheet
    assert len(assert_manifest_true(site.out)["targets"]) == len(ids) + 1  # and the booklet


def test_bad_jobs_is_a_one_line_usage_error(site):
    run = site.run("--jobs", "0")
    assert (run.code, run.err.strip()) == (2, "make_pdfs.py: error: argument --jobs/-j: expected a whole number "
                                              "of at least 1, not '0' (see --help)")


def test_the_real_command_line_rebuilds_nothing_the_second_time(site):
    first = subprocess.run(make_pdfs_command(site), capture_output=True, text=True, cwd=site.root)
    second = subprocess.run(make_pdfs_command(site), capture_output=True, text=True, cwd=site.root)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert f"{len(STARTER)} handouts and 1 booklet built, 0 unchanged" in first.stdout
    assert second.stdout.startswith(f"0 handouts built, {len(STARTER) + 1} unchanged, 0 failed in")


def test_progress_shows_on_a_terminal_once_a_build_runs_long():
    import time

    from spapress.cli.build import Progress as _Progress

    leader, follower = os.openpty()
    with open(follower, "w", encoding="utf-8") as terminal:
        fresh = _Progress(terminal, time.perf_counter() + 10)  # started "just now", however slow this machine is
        fresh(1, 50)  # a build that just started shows nothing yet
        slow = _Progress(terminal, time.perf_counter() - 2)
        slow(7, 50)
        slow.clear()
    shown = b""
    while not shown.endswith(b"\x1b[K"):  # a terminal may hand the bytes over in pieces
        piece = os.read(leader, 1000)
        if not piece:
            break
        shown += piece
    shown = shown.decode()
    os.close(leader)
    assert shown == "\rmaking handouts: 7 of 50\r\x1b[K"


def test_progress_never_shows_when_not_on_a_terminal(tmp_path):
    import time

    from spapress.cli.build import Progress as _Progress

    with open(tmp_path / "log", "w", encoding="utf-8") as log:
        progress = _Progress(log, time.perf_counter() - 2)
        progress(7, 50)
        progress.clear()
    assert (tmp_path / "log").read_text() == ""


@pytest.mark.parametrize("dist,module", [("reportlab", "reportlab"), ("pyyaml", "yaml"), ("rl_accel", "_rl_accel")])
def test_the_builder_knows_each_library_version(dist, module):
    from importlib import metadata

    from spapress.builds.targets import installed_release

    assert installed_release(dist, module).lower() == f"{dist}-{metadata.version(dist)}.dist-info".lower()


def test_an_output_folder_that_cannot_be_written_is_a_one_line_usage_error(site):
    site.write("handouts-copy.txt", "not a folder\n")
    run = site.run("--out", str(site.path("handouts-copy.txt") / "pdfs"))
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert run.err.startswith("make_pdfs.py: error: argument --out: cannot write in ")
    assert run.err.strip().endswith("(Not a directory); choose another folder with --out DIR")


def test_reasons_name_every_changed_file_up_to_three(built):
    for name in ("base-of-spine", "top-of-shoulders"):
        built.edit(f"handouts/points/{name}.yaml", "duration:", "duration: 2 minutes #")
    built.edit("handouts/brand.yaml", "phone: (402) 384-8400", "phone: (402) 555-0199")
    reasons = set(made(built.run()).values())
    assert "brand.yaml, points/base-of-spine.yaml and points/top-of-shoulders.yaml changed" in reasons
    for layout in ("classic", "calm"):
        styles = built.path(f"layouts/{layout}/styles.yaml")
        styles.write_text(styles.read_text(encoding="utf-8") + "\n# tuned\n", encoding="utf-8")
    built.edit("handouts/brand.yaml", "phone: (402) 555-0199", "phone: (402) 555-0198")
    for name in ("base-of-spine", "top-of-shoulders"):
        built.edit(f"handouts/points/{name}.yaml", "duration:", "duration: 3 minutes #")
    assert "brand.yaml, layouts/classic/styles.yaml, points/base-of-spine.yaml and 1 more changed" in \
        set(made(built.run()).values())


def test_a_file_added_to_a_layout_folder_is_named(built):
    built.write("layouts/partials/extra.xml.j2", "{# kept for later #}\n")
    assert set(made(built.run()).values()) == {"now uses layouts/partials/extra.xml.j2"}


def test_a_build_that_meets_another_part_way_into_taking_the_lock_still_gets_it(built):
    """Taking the lock passes through SQLite's shared lock. Two builds starting at the same
    instant each met the other there, and with no second try both were refused: no build ran.
    Here another connection holds the shared lock for a moment, as the other build would."""
    import sqlite3
    import threading

    built.out.mkdir(parents=True, exist_ok=True)
    other = sqlite3.connect(built.out / ".press.lock", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM sqlite_master").fetchone()   # holds the shared lock
    threading.Timer(0.05, lambda: (other.execute("COMMIT"), other.close())).start()
    with build_lock(built.out, "build"):
        pass
