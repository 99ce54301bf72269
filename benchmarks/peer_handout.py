"""The 'why-backs-get-tense' handout made with other engines, for comparison only.

Needs a Python with the `typst` and/or `weasyprint` packages (they are not dependencies of
the press; bench_targets.py --peers PYTHON runs this file with that interpreter):

    PYTHON benchmarks/peer_handout.py typst|weasyprint OUT.pdf [WARM_ROUNDS]

With WARM_ROUNDS, the handout is made that many more times in the same process and the
median milliseconds of those are printed.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent


def content() -> dict:
    import yaml

    handouts = ROOT / "handouts"
    read = lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))  # noqa: E731
    sheet, brand = read(handouts / "sheets" / "why-backs-get-tense.yaml"), read(handouts / "brand.yaml")
    topics = [read(handouts / "topics" / f"{section['topics'][0]}.yaml") for section in sheet["sections"]]
    return {"sheet": sheet, "brand": brand, "topics": topics}


def _typst_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\#*_`$<>@[]=-+/~\"'" else c for c in text)


def typst(out: Path) -> None:
    import typst as engine

    text = content()
    sheet, brand = text["sheet"], text["brand"]
    e = _typst_escape
    parts = ['#set page(paper: "a4", margin: (x: 1.4cm, top: 3.2cm, bottom: 3.8cm), header: [',
             f'#place(top + left, dx: -1.4cm, dy: 0cm, rect(width: 21cm, height: 2.4cm, fill: rgb("#2F5D62")))'
             f'#place(top + left, dy: 0.5cm, image("{ROOT / "handouts" / brand["logo"]}", height: 1.4cm))'
             f'#place(top + left, dx: 1.9cm, dy: 0.6cm, text(fill: white, size: 20pt, font: "Noto Serif", weight: "bold")[{e(brand["name"])}])'
             f'#place(top + right, dy: 0.7cm, text(fill: white, weight: "bold")[{e(brand["phone"])}])'
             f'], footer: [#set text(size: 7pt, fill: rgb("#5B6968"))\n{e(brand["name"])} · {e(brand["address"])} \\\n'
             f'Call {e(brand["phone"])} · {e(brand["email"])} \\\nBook online: {e(brand["booking_url"])} \\\n'
             f'#text(size: 6pt, style: "italic")[{e(brand["disclaimer"])}]])',
             '#set text(font: "Noto Sans", size: 8.6pt, fill: rgb("#22302F"))',
             f'#text(font: "Noto Serif", size: 22pt, weight: "bold", fill: rgb("#2F5D62"))[{e(sheet["title"])}] \\',
             f'#text(style: "italic", size: 10pt)[{e(sheet["subtitle"])}]', "", e(sheet["intro"])]
    for topic in text["topics"]:
        parts += ["", f'#text(weight: "bold", fill: rgb("#2F5D62"))[{e(topic["title"])}]', ""]
        parts += [e(paragraph) + "\n" for paragraph in topic["body"]]
        parts += [f"- {e(bullet)}" for bullet in topic.get("bullets") or []]
    parts += ["", f'#block(fill: rgb("#EEF4F1"), inset: 8pt, width: 100%, align(center, text(font: "Noto Serif", '
                  f'weight: "bold", size: 11pt, fill: rgb("#2F5D62"))[{e(sheet["closing"])}]))']
    source = out.with_suffix(".typ")
    source.write_text("\n".join(parts), encoding="utf-8")
    out.write_bytes(engine.compile(str(source), root="/", font_paths=[str(ROOT / "layouts" / "fonts")]))


def weasyprint(out: Path) -> None:
    import jinja2
    import weasyprint as engine

    text = content()
    fonts = (ROOT / "layouts" / "fonts").as_uri()
    template = jinja2.Environment(autoescape=True).from_string("""<html><head><style>
@font-face { font-family: NS; src: url({{fonts}}/NotoSans-Regular.ttf) }
@font-face { font-family: NS; font-weight: bold; src: url({{fonts}}/NotoSans-Bold.ttf) }
@font-face { font-family: NSe; font-weight: bold; src: url({{fonts}}/NotoSerif-Bold.ttf) }
@page { size: A4; margin: 3.2cm 1.4cm 3.8cm; @bottom-left { content: element(footer) } }
body { font: 8.6pt/1.35 NS; color: #22302F } h1 { font: bold 22pt NSe; color: #2F5D62; margin: 0 }
h3 { font: bold 9pt NS; color: #2F5D62; margin: 8pt 0 2pt } p { margin: 0 0 4pt }
.band { position: fixed; top: -3.2cm; left: -1.4cm; width: 21cm; height: 2.4cm; background: #2F5D62; color: white }
.band img { height: 1.4cm; margin: 0.5cm } .band b { font: bold 20pt NSe; vertical-align: top; line-height: 2.4cm }
.closing { background: #EEF4F1; padding: 8pt; text-align: center; font: bold 11pt NSe; color: #2F5D62 }
footer { position: running(footer); font-size: 7pt; color: #5B6968 }
</style></head><body>
<div class="band"><img src="{{logo}}"><b>{{brand.name}}</b> {{brand.phone}}</div>
<footer>{{brand.name}} · {{brand.address}}<br>Call {{brand.phone}} · {{brand.email}}<br>
Book online: {{brand.booking_url}}<br><i>{{brand.disclaimer}}</i></footer>
<h1>{{sheet.title}}</h1><p><i>{{sheet.subtitle}}</i></p><p>{{sheet.intro}}</p>
{% for topic in topics %}<h3>{{topic.title}}</h3>{% for p in topic.body %}<p>{{p}}</p>{% endfor %}
{% if topic.bullets %}<ul>{% for b in topic.bullets %}<li>{{b}}</li>{% endfor %}</ul>{% endif %}{% endfor %}
<div class="closing">{{sheet.closing}}</div></body></html>""")
    html = template.render(fonts=fonts, logo=(ROOT / "handouts" / text["brand"]["logo"]).as_uri(), **text)
    engine.HTML(string=html, base_url=str(ROOT)).write_pdf(str(out))


MAKERS = {"typst": typst, "weasyprint": weasyprint}

if __name__ == "__main__":
    maker, target = MAKERS[sys.argv[1]], Path(sys.argv[2])
    maker(target)
    if len(sys.argv) > 3:
        times = []
        for _ in range(int(sys.argv[3])):
            started = time.perf_counter()
            maker(target)
            times.append((time.perf_counter() - started) * 1000)
        print(f"{statistics.median(times):.2f}")
