"""Running work on every core: a process pool whose workers start with what the parent has loaded.

Where the operating system can fork safely (Linux), workers inherit the loaded library, imported
modules and registered fonts for free. Elsewhere (Windows, and macOS where Python itself prefers
spawn) workers are spawned and each rebuilds its own copy once from a picklable recipe before
making anything. Either way a worker ends with its parent and leaves Ctrl+C to it.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections import deque
from contextlib import contextmanager
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 16             # most items per chunk: the fewer trips, the less the main process does
WRITERS = 8            # threads writing finished files (their flushes to disk overlap)
WRITE_AHEAD = 32       # items being written ahead of the one awaited, at most
AHEAD = 3              # chunks handed out per worker beyond the one it is making
PR_SET_PDEATHSIG = 1   # prctl option from <linux/prctl.h>
START_METHOD_ENV = "SPAPRESS_START_METHOD"  # 'spawn' tries the Windows and macOS path on Linux

# What a worker makes things with: (state, make). Forked workers inherit it; spawned ones build it.
_SHARED: tuple[Any, Callable] | None = None


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def start_method() -> str:
    """fork where it is offered and safe, else spawn. Not safe: on macOS, whose system libraries may
    run threads of their own (so Python spawns there by default), or while another thread runs."""
    import multiprocessing  # here, not at the top: a single sheet never starts a process

    wanted = os.environ.get(START_METHOD_ENV)
    offered = multiprocessing.get_all_start_methods()
    if wanted in offered:
        return wanted
    safe = "fork" in offered and sys.platform != "darwin" and threading.active_count() == 1
    return "fork" if safe else "spawn"


@contextmanager
def ctrl_c_held(method: str) -> Iterator[None]:
    """Hold Ctrl+C back while starting processes, then act on it. A spawned child whose start was
    cut short would die reading its half-sent orders, with a traceback. The children start with
    Ctrl+C blocked (each sets it aside, or unblocks it where it can stop cleanly); here it is
    deferred, as other threads (the file watcher's) may be the ones the system hands it to.
    Windows has no signal masks: there a child still importing can die of a Ctrl+C, noisily."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets Ctrl+C
        yield
        return
    masks = hasattr(signal, "pthread_sigmask")  # not on Windows
    if masks and method != "fork":  # multiprocessing's resource tracker unblocks Ctrl+C once it has
        from multiprocessing import resource_tracker  # started: so start it before blocking

        resource_tracker.ensure_running()
    pressed = []
    handler = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    if masks:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if masks:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, handler)
        if pressed:
            signal.raise_signal(signal.SIGINT)  # handled now as it would have been then


def _start_worker(parent: int, recipe: Callable[[], Any] | None, make: Callable) -> None:
    """Pool initializer. Ctrl+C is the parent's to handle (it stops the pool); and a worker ends as
    soon as its parent does, even one killed outright."""
    global _SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one held back is now dropped
    _end_with_parent(parent, forked=recipe is None)
    if recipe is not None:  # spawned: nothing was inherited, so build the state here, once
        _SHARED = (recipe(), make)


def _end_with_parent(parent: int, *, forked: bool) -> None:
    if forked and sys.platform.startswith("linux"):
        # Linux's parent-death signal: the kernel kills the worker, even in the middle of C code.
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)
        return
    # Everywhere else: the parent's sentinel (a pipe only the parent holds open, or on Windows its
    # process handle) becomes ready when the parent ends. Without this a worker would learn of it
    # only on reporting back what it made, and die then with a broken-pipe traceback.
    import multiprocessing

    sentinel = multiprocessing.parent_process().sentinel
    threading.Thread(target=_exit_when_ready, args=(sentinel,), name="parent-watch", daemon=True).start()


def _exit_when_ready(sentinel) -> None:
    import multiprocessing.connection

    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _in_worker(chunk: list) -> list:
    state, make = _SHARED
    return [make(state, item) for item in chunk]  # the worker's own copy of state: its caches serve every item


def each_made(state: Any, make: Callable, items: Iterable, *, workers: int, pool: bool,
              recipe: Callable[[], Any] | None = None, chunk: int | None = None,
              count: int | None = None) -> Iterator:
    """make(state, item) for every item, yielded in the items' order as they are done: one after
    another here, or with pool, on `workers` processes. recipe() rebuilds state in a spawned
    worker; it must be a picklable callable (a module-level function or a functools.partial of one).
    items may be a list or, with count (about how many there are), any iterable.

    Items are taken, and handed out a few chunks ahead of the one awaited, only as results are
    taken: what is made waits in memory only until the caller takes it, and items are read only
    just before they are needed. A batch of any size runs in bounded memory when the items come
    from an iterator and the caller writes each result out as it comes."""
    global _SHARED
    count = len(items) if count is None else count
    method = start_method() if pool and workers > 1 and count > 1 else None
    if method is None or (method == "spawn" and recipe is None):
        yield from (make(state, item) for item in items)
        return
    import multiprocessing

    _SHARED = (state, make)
    frozen = method == "fork"
    if frozen:
        gc.freeze()  # what forked workers inherit is never garbage: spare their collector scanning it
    processes = None
    try:
        initargs = (os.getpid(), None if frozen else recipe, make)
        with ctrl_c_held(method):
            processes = _pool_class()(workers, _start_worker, initargs, context=multiprocessing.get_context(method))
        size = chunk or chunk_size(count, workers)
        remaining = iter(items)
        chunks = iter(lambda: list(islice(remaining, size)), [])  # the next chunk, until none is left
        waiting = deque(processes.apply_async(_in_worker, (part,)) for part in islice(chunks, workers * AHEAD))
        while waiting:
            done = waiting.popleft().get()
            waiting.extend(processes.apply_async(_in_worker, (part,)) for part in islice(chunks, 1))
            yield from done
    finally:
        if processes is not None:
            processes.terminate()
        _SHARED = None
        if frozen:
            gc.unfreeze()


def _pool_class():
    """multiprocessing's Pool, without one of the things its housekeeping thread waits on.

    That thread wakes to replace workers that ended, and also whenever a result is waiting to be
    read; but another thread reads the results, so while a batch's PDFs stream back the
    housekeeping thread wakes again and again for nothing (a quarter of the main process's time
    in a 2,000-sheet batch). Workers here never end on their own (no task limit), and each
    one's own sentinel still wakes it when one dies."""
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self):
            notifier = getattr(self, "_change_notifier", None)  # Pool's own, private: if a later
            if notifier is None:                                  # Python renames it, Pool's own way
                return super()._get_sentinels()
            return [notifier._reader]

    return QuietPool


def written_ahead(items: Iterable[T], write: Callable[[T], R]) -> Iterator[R]:
    """What write(item) gave for each item, in the items' order, while the writes of up to
    WRITE_AHEAD items that follow run on WRITERS threads. Writing a file safely ends by flushing
    it to disk, which takes the disk about as long for several files at once as for one."""
    from concurrent.futures import ThreadPoolExecutor

    waiting: deque = deque()
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="write") as writers:
        for item in items:
            waiting.append(writers.submit(write, item))
            if len(waiting) >= WRITE_AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def chunk_size(count: int, workers: int) -> int:
    """Items handed to a worker at a time: enough to make the trip to the worker worth it, few
    enough that no worker idles long at the end (see benchmarks/bench_pool.py)."""
    return max(1, min(CHUNK, count // (workers * 8)))
