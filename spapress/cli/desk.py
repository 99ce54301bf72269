"""make_pdfs.py desk: the front desk in the browser, on this computer (http://127.0.0.1:8080)."""

from __future__ import annotations

import getpass
import ipaddress
from pathlib import Path

from ..builds.files import write_atomically
from ..errors import UsageError
from .common import EXIT_OK, command_parser, folder_options, project_paths

DEFAULT_PORT = 8080
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    parser = command_parser(
        "desk", "Open the front desk in the browser: make, preview, print and email client sheets.",
        "Examples:\n  python make_pdfs.py desk                    open the desk at http://127.0.0.1:8080\n"
        "  python make_pdfs.py desk --set-passcode     set the passcode a shared desk asks for\n"
        "  python make_pdfs.py desk --host 0.0.0.0     share it with a tablet on the spa's network\n\n"
        "Stop it with Ctrl+C. Only this computer can open it unless --host is given, and then only with\n"
        "the passcode.", stdout)
    parser.add_argument("--port", metavar="N", type=int, default=DEFAULT_PORT, help=f"port to listen on (default: {DEFAULT_PORT})")
    parser.add_argument("--host", metavar="ADDRESS", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this computer only); 0.0.0.0 shares it on the network")
    parser.add_argument("--no-browser", action="store_true", help="do not open the browser")
    parser.add_argument("--set-passcode", action="store_true", help="set the desk's passcode (stored hashed) and exit")
    folder_options(parser, "folder for client sheets and the mail outbox (default: clients/)")
    parser.add_argument("--build", metavar="DIR", type=Path, help="folder of the built handouts (default: build/)")
    parser.add_argument("--settings", metavar="FILE", type=Path, help="delivery settings (default: delivery.yaml)")
    args = parser.parse_args(argv)

    from ..desk.security import MIN_PASSCODE, hash_passcode, passcode_path, read_passcode_hash
    if args.set_passcode:
        first = getpass.getpass("New desk passcode: ")
        if len(first) < MIN_PASSCODE:
            raise UsageError(f"argument --set-passcode: the passcode needs at least {MIN_PASSCODE} characters")
        if getpass.getpass("The same passcode again: ") != first:
            raise UsageError("argument --set-passcode: the two passcodes differ; nothing was changed")
        write_atomically(passcode_path(root), (hash_passcode(first) + "\n").encode("ascii"))
        print(f"the desk's passcode is set (kept hashed in {passcode_path(root).name})", file=stdout)
        return EXIT_OK
    if not 0 < args.port < 65536:
        raise UsageError("argument --port: give a number from 1 to 65535")
    shared = args.host not in LOOPBACK
    if shared:
        try:
            ipaddress.ip_address(args.host)
        except ValueError:
            raise UsageError(f"argument --host: '{args.host[:60]}' is not an address like 127.0.0.1 or 0.0.0.0") from None
    passcode = read_passcode_hash(root)  # when set, every page asks for it, shared or not
    if shared and not passcode:
        raise UsageError("argument --host: sharing the desk on the network needs a passcode first; "
                         "run: python make_pdfs.py desk --set-passcode")

    from ..desk.actions import Desk
    from ..desk.app import create_app
    from ..desk.server import address, open_server, serve
    project = project_paths(root, args, default_out="clients")
    build = args.build if args.build is not None else root / "build"
    desk = Desk(root, project.content, project.layouts, project.out,
                build if build.is_absolute() else Path.cwd() / build, args.settings)
    try:
        server = open_server(create_app(desk, port=args.port, shared=shared, passcode_hash=passcode),
                             args.host, args.port)
    except OSError as err:
        raise UsageError(f"argument --port: cannot listen on {args.host}:{args.port} ({err.strerror or err}); "
                         f"another program may use it: choose another with --port N") from None
    print(f"the front desk is open at {address(server)} (stop it with Ctrl+C)", file=stdout, flush=True)
    try:
        serve(server, open_browser=not args.no_browser)
    except KeyboardInterrupt:
        print("the front desk is closed", file=stdout)
    return EXIT_OK
