"""Running work on every core: a process pool whose workers start with what the parent has loaded.

Where the operating system can fork (Linux), workers inherit the loaded library, imported
modules and registered fonts for free. Where it cannot (Windows, and macOS where Python
prefers spawn), workers are spawned and each rebuilds its own copy once from a picklable
recipe before making anything. Either way a worker ends with its parent and leaves Ctrl+C to it.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from typing import Any, Callable, Iterator

PR_SET_PDEATHSIG = 1   # prctl option from <linux/prctl.h>
START_METHOD_ENV = "SPAPRESS_START_METHOD"  # 'spawn' tries the Windows and macOS path on Linux

# What a worker makes things with: (state, make). Forked workers inherit it; spawned ones build it.
_SHARED: tuple[Any, Callable] | None = None


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def start_method() -> str:
    """fork where it is offered and safe (no other thread running), else spawn."""
    wanted = os.environ.get(START_METHOD_ENV)
    offered = multiprocessing.get_all_start_methods()
    if wanted in offered:
        return wanted
    return "fork" if "fork" in offered and threading.active_count() == 1 else "spawn"


def _start_worker(parent: int, recipe: Callable[[], Any] | None, make: Callable) -> None:
    """Pool initializer. Ctrl+C is the parent's to handle (it stops the pool); and a worker ends as
    soon as its parent does, even one killed outright (Linux's parent-death signal)."""
    global _SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):  # not Linux: workers then end when they next report back
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    if recipe is not None:  # spawned: nothing was inherited, so build the state here, once
        _SHARED = (recipe(), make)


def _in_worker(item):
    state, make = _SHARED
    return make(state, item)  # the worker's own copy of state, so its caches serve every item it makes


def each_made(state: Any, make: Callable, items: list, *, workers: int, pool: bool,
              recipe: Callable[[], Any] | None = None) -> Iterator:
    """make(state, item) for every item, yielded as each is done: one after another here, or with
    pool, on `workers` processes. recipe() rebuilds state in a spawned worker; it must be a
    picklable callable (a module-level function or a functools.partial of one)."""
    global _SHARED
    method = start_method()
    if not (pool and workers > 1 and len(items) > 1) or (method == "spawn" and recipe is None):
        yield from (make(state, item) for item in items)
        return
    _SHARED = (state, make)
    frozen = method == "fork"
    if frozen:
        gc.freeze()  # what forked workers inherit is never garbage: spare their collector scanning it
    try:
        context = multiprocessing.get_context(method)
        initargs = (os.getpid(), None if frozen else recipe, make)
        with context.Pool(workers, _start_worker, initargs) as processes:
            chunk = max(1, min(4, len(items) // (workers * 8)))  # small: no worker idles long at the end
            yield from processes.imap_unordered(_in_worker, items, chunksize=chunk)
    finally:
        _SHARED = None
        if frozen:
            gc.unfreeze()
