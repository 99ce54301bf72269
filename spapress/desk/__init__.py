"""Stage 5, desk: the front desk in the browser, a small web app over the same package code.

    actions.py    the one adapter to the package: FrontDesk, day files, outbox, send log, build, settings
    day.py        the day's visits the app holds, with opaque ids and what was done for each
    preview.py    PDF pages as PNG pictures (pypdfium2): live preview and library thumbnails
    security.py   Host check, CSRF tokens, the hashed passcode, session expiry, Content-Security-Policy
    app.py        the Flask application: pages, security, error pages that say one line
    server.py     serving it with waitress on this computer, and opening the browser
    pages/        one module per page (Today, Client sheet, Library, Outbox and history, Settings, sign-in)
    templates/    the pages' Jinja templates (autoescaped)
    static/       desk.css and desk.js: no build step, nothing from the internet

May import spapress.errors, content/, render/, builds/ and clients/ (through actions.py only).
"""
