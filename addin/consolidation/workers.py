"""The worker processes a consolidation reads workbooks in.

One pool serves every step of a run (reading, then working out what changed):
its processes start before the run holds any data, so they never carry a
copy of it, and start once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 4


@dataclass(frozen=True, slots=True)
class WorkerPool:
    """A process pool and how many processes it has."""

    executor: ProcessPoolExecutor
    size: int


@contextmanager
def worker_pool(workers: int | None, files: int) -> Iterator[WorkerPool | None]:
    """Worker processes for ``files`` workbooks (``workers``, default one per core),
    or None when one process does better."""
    count = min(workers if workers is not None else (os.cpu_count() or 1), files)
    if count <= 1 or files < PARALLEL_FROM:
        yield None
        return
    with ProcessPoolExecutor(max_workers=count) as executor:
        yield WorkerPool(executor, count)
