"""The worker processes a consolidation reads workbooks in, and how both sides
keep the garbage collector out of the way.

One pool serves every step of a run (reading, then working out what changed):
its processes start before the run holds any data, so they never carry a
copy of it, and start once -- unless one dies, and then :func:`run_tasks`
finds out which file it died on and goes on with new processes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, NamedTuple, TypeVar

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 4

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class WorkerPool:
    """Worker processes, and how many; started again when one of them dies."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.executor = ProcessPoolExecutor(max_workers=size)

    def restart(self) -> None:
        """New processes, after one died (a pool that lost a process takes no more work)."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = ProcessPoolExecutor(max_workers=self.size)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class Task(NamedTuple, Generic[K, R]):
    """``function(*args)``, known to the caller as ``key``."""

    key: K
    function: Callable[..., R]
    args: tuple[Any, ...]


class WorkerDied(Exception):
    """The process running a task ended without an answer (killed, or crashed)."""


@contextmanager
def worker_pool(workers: int | None, files: int) -> Iterator[WorkerPool | None]:
    """Worker processes for ``files`` workbooks (``workers``, default one per core),
    or None when one process does better."""
    count = min(workers if workers is not None else (os.cpu_count() or 1), files)
    if count <= 1 or files < PARALLEL_FROM:
        yield None
        return
    pool = WorkerPool(count)
    try:
        yield pool
    finally:
        pool.shutdown()


def run_tasks(
    pool: WorkerPool, tasks: Iterator[Task[K, R]], done: Callable[[K, R], None],
    died: Callable[[K], R],
) -> None:
    """Run ``tasks`` in the ``pool``, handing each result to ``done`` as it comes.

    One task is queued beyond each worker, so no worker waits; the next task is
    taken from ``tasks`` only then (it may depend on results so far). When a
    worker process dies -- the system killed it for memory, or a reader crashed
    on a damaged file -- every task it took down is run again in a process of its
    own, so that the one that kills it is known: its result is ``died(key)``.
    """
    running: dict[Future[R], Task[K, R]] = {}
    lost: list[Task[K, R]] = []
    while True:
        while not lost and len(running) <= pool.size:
            task = next(tasks, None)
            if task is None:
                break
            try:
                running[pool.executor.submit(task.function, *task.args)] = task
            except BrokenProcessPool:  # a process died since the last look
                lost.append(task)
        if not lost:
            if not running:
                return
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                _collect(future, running.pop(future), done, lost)
        if lost:
            # Every task in flight went down with the pool, but for those that were
            # finished first.
            for future, task in running.items():
                _collect(future, task, done, lost)
            running.clear()
            pool.restart()
            for task in lost:
                try:
                    done(task.key, alone(task))
                except WorkerDied:
                    done(task.key, died(task.key))
            lost.clear()


def _collect(future: Future[R], task: Task[K, R], done: Callable[[K, R], None],
             lost: list[Task[K, R]]) -> None:
    """``future``'s result to ``done``; its task to ``lost`` if it has none (yet)."""
    if not future.done() or future.cancelled():
        lost.append(task)
        return
    error = future.exception()
    if error is None:
        done(task.key, future.result())
    elif isinstance(error, BrokenProcessPool):
        lost.append(task)
    else:
        raise error  # the task's own error, as from any call


def alone(task: Task[K, R]) -> R:
    """``task`` run in a process of its own; :class:`WorkerDied` if that process dies."""
    with ProcessPoolExecutor(max_workers=1) as executor:
        try:
            return executor.submit(task.function, *task.args).result()
        except BrokenProcessPool:
            raise WorkerDied(task.key) from None


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No garbage-collection passes while a consolidation builds its data.

    Everything a consolidation makes is freed by reference counting as soon as
    it is unused; the collector's passes find nothing to free, yet each one
    walks every object alive, and building a million rows' worth of tuples
    triggers hundreds of them (a fifth of a worker's time; in the parent,
    unpickling 1.4 -> 0.4 s at 1M rows, measured). Collection resumes after.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
