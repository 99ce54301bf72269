"""The on-disk cache of parsed content, fonts, drawn art and the templates each template names,
and what a cold start imports.

Each run is a new Python process (the cache's whole point is what a new process can skip),
with SPAPRESS_CACHE pointing into the test's own folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pypdf

from spapress.builds.targets import SETTLED_SECONDS, _code_digest

REPO = Path(__file__).resolve().parent.parent
SHEET = "why-backs-get-tense"

# Run one build in a new process and report which heavy modules it imported.
PROBE = """
import sys
from pathlib import Path
from spapress.cli import main
code = main(sys.argv[2:], project=Path(sys.argv[1]))
heavy = ("svglib", "multiprocessing", "urllib.request", "http.client", "ssl", "email",
         "reportlab.graphics.barcode", "yaml", "babel")
print(code, *sorted(name for name in heavy if name in sys.modules))
"""


def build(site, cache: Path | str, *argv: str) -> list[str]:
    env = dict(os.environ, SPAPRESS_CACHE=str(cache))
    done = subprocess.run([sys.executable, "-c", PROBE, str(site.root), *argv, "-q"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_run_reads_fonts_and_art_from_the_cache_and_makes_the_same_bytes(site, tmp_path):
    cache = tmp_path / "cache"
    first = build(site, cache, SHEET, "--force")
    made = digest(site.pdf(SHEET))
    kinds = sorted(name.split("-")[0] for name in os.listdir(cache))
    content = [path for path in site.path("handouts").rglob("*.yaml")
               if path.parent.name != "imports" and path.name != "services.yaml"]  # those are read for client batches
    # the logo, the seven faces of the brand's two families, brand.yaml's locale, the templates
    # the layout's page names, every content file and the layout's styles.yaml (and the hash of
    # the builder's code, which the next test looks at)
    kinds = [kind for kind in kinds if kind != "code"]
    assert kinds == ["art"] + ["font"] * 7 + ["locale"] + ["refs"] * 2 + ["svglinks"] * 2 + ["yaml"] * (len(content) + 1)
    assert {"svglib", "yaml", "babel"} <= set(first)  # nothing cached yet: art, content and locale were read

    second = build(site, cache, SHEET, "--force")
    assert second == ["0"]  # no svglib, YAML or Babel, no pool, no mail or web modules, no barcode widgets
    assert digest(site.pdf(SHEET)) == made

    off = build(site, "off", SHEET, "--force")
    assert off[0] == "0" and digest(site.pdf(SHEET)) == made


def test_the_builders_code_hash_is_kept_by_size_and_time_once_its_files_have_settled(tmp_path, monkeypatch):
    from spapress import cache as disk_cache

    package = tmp_path / "spapress"
    (package / "render").mkdir(parents=True)
    (package / "content").mkdir()
    files = [package / "__init__.py", package / "render" / "pages.py", package / "content" / "load.py"]
    for path in files:
        path.write_text(f"# {path.name}\n", encoding="utf-8")
    monkeypatch.setenv("SPAPRESS_CACHE", str(tmp_path / "cache"))
    disk_cache.folder.cache_clear()
    try:
        fresh = _code_digest(package)   # just written: hashed, not kept
        assert not (tmp_path / "cache").exists() or not os.listdir(tmp_path / "cache")
        old = time.time() - SETTLED_SECONDS - 60
        for path in files:
            os.utime(path, (old, old))
        assert _code_digest(package) == fresh
        assert [name.split("-")[0] for name in os.listdir(tmp_path / "cache")] == ["code"]
        assert _code_digest(package) == fresh   # now read from the entry
        files[1].write_text("# pages.pz\n", encoding="utf-8")   # same size, new time
        assert _code_digest(package) != fresh
    finally:
        disk_cache.folder.cache_clear()


def test_a_build_with_nothing_to_do_loads_neither_the_checks_nor_pypdf(site, tmp_path):
    probe = PROBE.replace('"reportlab.graphics.barcode")', '"reportlab.graphics.barcode", "pypdf", "reportlab.platypus")')
    env = dict(os.environ, SPAPRESS_CACHE=str(tmp_path / "cache"))
    for _ in range(2):  # the first run builds; the second finds everything up to date
        done = subprocess.run([sys.executable, "-c", probe, str(site.root), "-q"], env=env, cwd=REPO,
                              capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0"], done.stdout


def test_damaged_or_foreign_cache_entries_are_ignored(site, tmp_path):
    cache = tmp_path / "cache"
    build(site, cache, SHEET, "--force")
    made = digest(site.pdf(SHEET))
    for entry in cache.iterdir():
        if entry.name.startswith("art-"):
            entry.write_text(json.dumps({"width": 1, "height": 1, "ops": [1, 2]}))  # not operators
        elif entry.name.startswith("yaml-"):
            entry.write_text(json.dumps({"document": {"id": "plain-dict-not-a-read-map"}}))
        elif entry.name.startswith("locale-"):
            entry.write_text(json.dumps({"country": ["US"]}))
        elif entry.name.startswith("svglinks-"):
            entry.write_text(json.dumps([["pictures/x.png", "not a line"], {"a": 1}]))
        else:
            entry.write_bytes(b"\xff\x00 not marshal data")
    assert build(site, cache, SHEET, "--force")[0] == "0"
    assert digest(site.pdf(SHEET)) == made


def test_edited_art_is_never_served_from_the_cache(site, tmp_path):
    cache = tmp_path / "cache"
    build(site, cache, SHEET, "--force")
    before = pypdf.PdfReader(site.pdf(SHEET)).pages[0].get_contents().get_data()
    logo = site.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace("<svg ", '<svg data-edited="1" ', 1)
                    .replace("</svg>", '<rect x="1" y="1" width="7" height="7" fill="#123456"/></svg>'),
                    encoding="utf-8")
    build(site, cache, SHEET, "--force")
    after = pypdf.PdfReader(site.pdf(SHEET)).pages[0].get_contents().get_data()
    assert after != before and b".070588 .203922 .337255 rg" in after  # the new square, in #123456


def test_what_an_svg_draws_from_is_followed_from_the_cache(site, tmp_path):
    """The second build reads the logo's links from the cache, and still rebuilds when the
    picture the logo draws is replaced."""
    cache = tmp_path / "cache"
    site.path("handouts/pictures").mkdir()
    leaf = site.path("handouts/pictures/leaf.png")
    leaf.write_bytes(_png(b"\x20\x60\x40"))
    logo = site.path("handouts/logo.svg")
    logo.write_text(logo.read_text(encoding="utf-8").replace(
        "</svg>", '<image href="pictures/leaf.png" x="0" y="0" width="40" height="40"/></svg>'), encoding="utf-8")
    build(site, cache, SHEET)
    links = [json.loads(entry.read_text()) for entry in cache.iterdir() if entry.name.startswith("svglinks-")]
    assert [["pictures/leaf.png", len(logo.read_text(encoding="utf-8").splitlines())]] in links
    first = digest(site.pdf(SHEET))
    leaf.write_bytes(_png(b"\xff\x00\x00"))
    assert build(site, cache, SHEET)[0] == "0"
    second = digest(site.pdf(SHEET))
    assert second != first
    # The links really are read from the cache: entries that say the logo links to nothing
    # (never true of an entry, which is named by its file's bytes) hide the next change.
    for entry in cache.iterdir():
        if entry.name.startswith("svglinks-"):
            entry.write_text("[]")
    leaf.write_bytes(_png(b"\x00\x00\xff"))
    assert build(site, cache, SHEET)[0] == "0"
    assert digest(site.pdf(SHEET)) == second


def _png(colour: bytes) -> bytes:
    """A 4 by 4 picture of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + colour * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_an_unwritable_cache_folder_changes_nothing(site, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert build(site, blocker / "cache", SHEET, "--force")[0] == "0"
    assert site.pdf(SHEET).stat().st_size > 0


def test_an_edited_template_is_followed_afresh_and_a_loop_it_makes_is_refused(site, tmp_path):
    cache = tmp_path / "cache"
    assert build(site, cache, SHEET, "--force")[0] == "0"
    partial = site.path("layouts/partials/blocks.xml.j2")
    partial.write_text(partial.read_text(encoding="utf-8") + '{% include "partials/blocks.xml.j2" %}\n',
                       encoding="utf-8")
    env = dict(os.environ, SPAPRESS_CACHE=str(cache))
    done = subprocess.run([sys.executable, "make_pdfs.py", SHEET, "--force", "-q", "--content", str(site.root / "handouts"),
                           "--layouts", str(site.root / "layouts"), "--out", str(site.out)], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "includes itself" in done.stderr, done.stderr


def test_a_content_file_read_from_the_cache_is_what_parsing_it_gives(tmp_path, monkeypatch):
    from spapress import cache as disk_cache
    from spapress.content.yamlparse import parse
    from spapress.content.yamlsrc import YList, YMap, read_yaml

    monkeypatch.setenv("SPAPRESS_CACHE", str(tmp_path / "cache"))
    disk_cache.folder.cache_clear()
    source = tmp_path / "point.yaml"
    source.write_text("id: calm\nname: Calm\nsteps:\n  - Breathe in\n  - - nested\n    - 2.5\n"
                      "name: Calm again\nempty:\nflag: yes\nwhen: 2026-11-24\n", encoding="utf-8")
    try:
        first = read_yaml(source, "point.yaml", keep=True)
        assert len(os.listdir(tmp_path / "cache")) == 1
        kept = read_yaml(source, "point.yaml", keep=True)
    finally:
        disk_cache.folder.cache_clear()
    parsed = parse(source.read_text(encoding="utf-8"))

    def shape(node):
        if isinstance(node, YMap):
            return ("map", node.line, [(k, node.key_lines[k], shape(v)) for k, v in node.items()], node.duplicates)
        if isinstance(node, YList):
            return ("list", node.line, node.item_lines, [shape(v) for v in node])
        return (type(node).__name__, node)

    assert shape(kept) == shape(first) == shape(parsed)
    assert parsed.duplicates == [("name", 7)] and parsed["when"] == "2026-11-24" and parsed["flag"] is True


def test_client_files_read_as_yaml_never_reach_the_cache(site, tmp_path):
    cache = tmp_path / "cache"
    visits = tmp_path / "visits.yaml"
    visits.write_text(f"- name: Wilhelmina Quartermaine\n  therapist: Sam\n  handout: {SHEET}\n  date: 2026-11-24\n"
                      f"  note: Knot under the left shoulder blade\n", encoding="utf-8")
    env = dict(os.environ, SPAPRESS_CACHE=str(cache))
    done = subprocess.run([sys.executable, "make_pdfs.py", "clients", str(visits), "--content", str(site.root / "handouts"),
                           "--layouts", str(site.root / "layouts"), "--out", str(tmp_path / "clients")],
                          env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert any(name.startswith("yaml-") for name in os.listdir(cache))  # the content files were kept
    for entry in cache.iterdir():
        assert b"Quartermaine" not in entry.read_bytes() and b"shoulder blade" not in entry.read_bytes(), entry.name


def test_a_lone_surrogate_in_a_content_file_is_kept_and_read_back_as_it_was(tmp_path, monkeypatch):
    """PyYAML's pure-Python parser (used where libyaml is missing) lets "\\ud800" through; the
    cache must keep it (so the content checks can name the character), not crash."""
    from spapress import cache as disk_cache
    from spapress.content import yamlsrc

    monkeypatch.setenv("SPAPRESS_CACHE", str(tmp_path / "cache"))
    disk_cache.folder.cache_clear()
    try:
        document = yamlsrc.YMap(name="a\ud800b")
        document.line, document.key_lines, document.duplicates = 1, {"name": 2}, []
        yamlsrc._keep("yaml-surrogate", document)
        back = yamlsrc._from_entry(disk_cache.read("yaml-surrogate"))
    finally:
        disk_cache.folder.cache_clear()
    assert back == {"name": "a\ud800b"} and back.key_lines == {"name": 2}
