"""make_pdfs.py watch: rebuild whatever a saved change makes stale, until Ctrl+C.

Uses watchfiles (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows, with
debouncing and editor-temp-file filtering) rather than polling by hand. Each rebuild runs in a
child process: the press caches fonts and art per process, so a fresh child sees a swapped
logo or font file. Where the system can fork, the child inherits the imports done once here
and starts at once; elsewhere it is spawned and imports afresh. Content errors are printed
and watching goes on.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
from pathlib import Path

from ..builds.pool import ctrl_c_held, start_method
from ..content.model import Project
from .build import build_and_report
from .common import EXIT_OK, command_parser, folder_options, project_paths


DEBOUNCE_MS = 300  # changes saved within this time are rebuilt together


def _parser(stdout):
    parser = command_parser("watch", "Build the handouts, then rebuild the ones a change makes stale each time a file "
                                     "in handouts/ or layouts/ is saved (new files included). Mistakes are shown and "
                                     "watching goes on. Stop with Ctrl+C.", "", stdout)
    folder_options(parser, "folder for the PDFs (default: build/ in the project)")
    return parser


def run(argv: list[str], *, root: Path, stdout, stderr) -> int:
    args = _parser(stdout).parse_args(argv)
    paths = project_paths(root, args)
    import watchfiles  # only the watch command needs it

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a polite kill stops like Ctrl+C
    ignore_out = _OutsideOutput(paths.out)
    changes = watchfiles.watch(paths.content, paths.layouts, watch_filter=ignore_out, debounce=DEBOUNCE_MS,
                               step=50, stop_event=stop, yield_on_timeout=True, rust_timeout=500,
                               raise_interrupt=False)
    ready = False
    try:
        for changed in changes:
            # The first (empty) yield means the watcher runs, so no save after the line below is missed.
            if not ready:
                _rebuild(paths, stdout, stderr)
                print(f"watching {paths.show(paths.content)}/ and {paths.show(paths.layouts)}/ for changes; "
                      f"press Ctrl+C to stop", file=stdout, flush=True)
                ready = True
            elif changed:
                names = _changed_names(paths, changed)
                if not names:
                    continue  # only short-lived files came and went (an editor's temporary copy)
                shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                print(f"changed: {shown}", file=stdout, flush=True)
                _rebuild(paths, stdout, stderr)
    except KeyboardInterrupt:  # Ctrl+C during a rebuild; the child has stopped too, writing nothing
        pass
    print("stopped watching", file=stdout, flush=True)
    return EXIT_OK


def _changed_names(paths: Project, changed) -> list[str]:
    """Files that changed, as a person should see them; files created and deleted within the same
    moment (editors' temporary copies) are left out."""
    import watchfiles

    kinds: dict[str, set] = {}
    for change, name in changed:
        kinds.setdefault(name, set()).add(change)
    return sorted(paths.show(Path(name)) for name, seen in kinds.items()
                  if Path(name).exists() or seen == {watchfiles.Change.deleted})


class _OutsideOutput:
    """watchfiles' default filter (editor swap files, .git, caches), plus: nothing in the output folder."""

    def __init__(self, out: Path):
        import watchfiles

        self.default = watchfiles.DefaultFilter()
        self.out = str(out.resolve())

    def __call__(self, change, path: str) -> bool:
        return self.default(change, path) and not (path == self.out or path.startswith(self.out + os.sep))


def _rebuild(paths: Project, stdout, stderr) -> None:
    """One build in a fresh child process; its report is printed here."""
    receive, send = multiprocessing.Pipe(duplex=False)
    method = start_method()
    child = multiprocessing.get_context(method).Process(target=_child_build, args=(paths, send))
    with ctrl_c_held(method):  # the child takes a Ctrl+C once it can stop cleanly: see _child_build
        child.start()
    send.close()
    try:
        code, out, err = receive.recv()
    except EOFError:
        code, out, err = None, "", ""
    child.join()
    print(out, end="", file=stdout, flush=True)
    print(err, end="", file=stderr, flush=True)
    if code is None:
        print(f"the build stopped unexpectedly (exit status {child.exitcode}); waiting for the next change",
              file=stderr, flush=True)
    elif code != EXIT_OK:
        print("still watching; save a file to try again", file=stderr, flush=True)


def _child_build(paths: Project, send) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a forked child has the parent's deferring one
    out, err = io.StringIO(), io.StringIO()
    try:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one pressed while starting stops it here
        code = build_and_report(paths, None, stdout=out, stderr=err)  # a Ctrl+C during it is reported
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # nothing left to stop but sending the report
    except KeyboardInterrupt:  # Ctrl+C reaches the whole process group; the build cleaned up after itself
        return
    try:
        send.send((code, out.getvalue(), err.getvalue()))
    except OSError:  # the watcher has gone: the Ctrl+C reached it too
        pass
    send.close()
