"""Stage 3, builds: make only what is stale, on every core, and publish it safely.

    targets.py      each handout and booklet as a target: its outputs, its input files, the builder's fingerprint
    manifest.py     what each output was made from, and why one is stale
    incremental.py  build(): hash, compare, make what is stale, publish under the lock
    make.py         how each kind of target is made, on the pool
    pool.py         the worker pool (fork where the system offers it, spawn elsewhere)
    files.py        atomic writes: a reader sees an old or a new complete file, never half of one
    lock.py         one build at a time per output folder

May import spapress.errors, content/ and render/ (render only when something must be made).
"""
