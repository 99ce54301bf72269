"""Serving the desk app with waitress (a production WSGI server that runs on Windows too)."""

from __future__ import annotations

import os
import socket
import threading
import webbrowser

from waitress.server import create_server

THREADS = 4


def open_server(app, host: str, port: int):
    """A bound server, not yet serving; OSError when the port is taken. port 0 picks a free one."""
    # Try the address first: waitress leaves its half-made server open when binding fails.
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        if os.name != "nt":  # as waitress does; on Windows the option would let two programs share a port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    return create_server(app, host=host, port=port, threads=THREADS, ident="front-desk",
                         expose_tracebacks=False, clear_untrusted_proxy_headers=True)


def address(server) -> str:
    host, port = server.effective_host, server.effective_port
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"


def serve(server, *, open_browser: bool) -> None:
    """Serve until Ctrl+C; the browser opens once the server is listening."""
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(address(server),)).start()
    try:
        server.run()
    finally:
        server.close()


def stop(server) -> None:
    """End a server that runs in another thread: its own loop closes every connection, then returns."""
    def close_all():
        for channel in list(server._map.values()):
            channel.close()
    server.trigger.pull_trigger(close_all)
