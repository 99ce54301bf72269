"""Stage 2, render: turn a Library's sheets and booklets into PDF bytes with Jinja2 and ReportLab.

    context.py    every template context (sheet, booklet, email), documented in one place
    templates.py  a layout's Jinja2 template (sandboxed, autoescaped) -> checked XML page tree
    elements/     the layout vocabulary: one declared class per XML element
    styles.py     a layout's styles.yaml -> ReportLab paragraph styles
    fonts.py      the brand's TrueType families, and which characters they can draw
    inputs.py     pictures, SVG art and fonts checked before use: bounded, whole, nothing from outside the project
    markup.py     escaping text for paragraph markup
    paragraphs.py paragraphs that remember their parse and line breaks (same text, style and width)
    slow_patterns.py  ReportLab's paragraphs loaded with their one slow pattern compiled on first use
    flowables.py  the boxes, columns, badges, body maps and QR codes the elements build
    pages.py      pages planned (fit to one page, or flowing) and then drawn -> PDF bytes
    pdfwrite.py   PDF objects and streams written quickly, byte for byte as ReportLab writes them
    sheets.py     Press: one library's sheets made as PDFs, and failures named by file and line
    booklets.py   a booklet: cover, contents, sections, back cover, bookmarks; its copies
    impose.py     saddle-stitch imposition with pypdf
    preflight/    checks before print, on the finished PDF read back: contrast, sizes, QR codes, text

May import spapress.errors, spapress.cache and content/. The builder's fingerprint hashes this folder and
content/: any change here rebuilds every PDF.
"""
