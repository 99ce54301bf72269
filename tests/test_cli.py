"""The command line as a shell sees it: exit statuses, help, closed pipes, and who words errors."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO


@pytest.mark.parametrize("argv", [["--help"], ["client", "--help"], ["watch", "--help"], ["reference", "--help"]])
def test_help_returns_status_0_on_the_given_output(site, argv):
    run = site.run(*argv)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("usage: make_pdfs.py")


@pytest.mark.parametrize("argv", [["--elements"], ["--content-format"], ["--help"]])
def test_a_closed_pipe_ends_quietly(argv):
    process = subprocess.Popen([sys.executable, str(REPO / "make_pdfs.py"), *argv],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `make_pdfs.py --elements | head` does once head has read enough
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait() == 0
    assert err == ""


def test_only_the_command_line_words_errors_as_arguments():
    """Library code raises errors with the facts; cli/ says which argument to change."""
    worded = []
    for folder in ("content", "render", "builds", "clients"):
        for path in sorted((REPO / "spapress" / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"""["']argument (--|[A-Z])""", line):
                    worded.append(f"{path.relative_to(REPO)}:{number}")
    assert worded == []


def test_only_the_command_line_prints():
    printing = []
    for folder in ("content", "render", "builds", "clients"):
        for path in sorted((REPO / "spapress" / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"^\s*print\(|sys\.exit\(", text, re.M):
                printing.append(str(path.relative_to(REPO)))
    assert printing == []


def test_no_handout_may_take_a_command_name():
    from spapress.cli.commands import COMMANDS
    from spapress.content.load import RESERVED_IDS

    assert set(RESERVED_IDS) == set(COMMANDS)


def test_the_entry_point_can_be_called_again_and_leaves_the_collector_as_it_was():
    """main() raises the collector's threshold only while it runs, and stays the function after
    its first call (loading the commands module must not replace it on the package)."""
    import gc
    import io

    import spapress.cli

    before = gc.get_threshold()
    for _ in range(2):
        out = io.StringIO()
        assert spapress.cli.main(["--help"], stdout=out, stderr=io.StringIO()) == 0
        assert "usage:" in out.getvalue()
        assert gc.get_threshold() == before
    from spapress.cli import main

    assert callable(main) and main is spapress.cli.main
