#!/usr/bin/env python3
"""Make the expected pictures in tests/pictures/ again from the current code, after an intended
design change:

    .venv/bin/python tests/pictures/refresh.py

It builds the starter handouts and booklet into a temporary folder, draws every page as
tests/test_pictures.py does, and rewrites tests/pictures/*.png. Look at the pictures that
changed before committing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/, for the picture test's own drawing

from conftest import REPO  # noqa: E402
from spapress.cli import main  # noqa: E402
from test_pictures import PICTURES, render, starter_pdfs  # noqa: E402


def refresh() -> int:
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp) / "build"
        code = main(["-q", "--out", str(out)], project=REPO)
        if code:
            return code
        drawn = render(starter_pdfs(out), Path(temp) / "drawn")
        for old in PICTURES.glob("*.png"):
            old.unlink()
        for name, page in sorted(drawn.items()):
            Image.open(page).convert("L").save(PICTURES / f"{name}.png", optimize=True)
            print(f"wrote tests/pictures/{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(refresh())
