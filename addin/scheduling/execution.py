"""Running one attempt of a job: in this process, or in a child process that can be stopped.

:class:`ProcessExecutor` (what ``backoffice schedule run`` uses) runs the
runner in a fresh child process, so that an attempt over its timeout, or one
still going when the scheduler is asked to stop, can be ended for good; the
child ends itself if the scheduler dies (``kill -9``). :class:`InlineExecutor`
calls the runner directly: fast and deterministic, for tests and embedding,
but it cannot stop a runner that hangs (timeouts are not enforced).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from types import FrameType
from typing import Protocol

from addin.errors import BackofficeError
from addin.scheduling.runner import Runner, RunRequest, RunResult

log = logging.getLogger("addin.scheduling")


class RunFailed(Exception):
    """The attempt raised; ``message`` is for people, ``detail`` is the traceback."""

    def __init__(self, message: str, detail: str = "") -> None:
        self.message = message
        self.detail = detail
        super().__init__(message)


class RunTimedOut(RunFailed):
    """The attempt ran past its job's timeout and was stopped."""


class RunInterrupted(Exception):
    """The scheduler was asked to stop and the attempt did not finish in time."""


def describe_error(exc: BaseException) -> str:
    """An exception as one line for the history: our own errors as they read, others with their type."""
    if isinstance(exc, RunFailed):
        return exc.message
    text = str(exc).strip() or "(no message)"
    if isinstance(exc, BackofficeError):
        return text
    return f"{type(exc).__name__}: {text}"


class Shutdown:
    """A request to stop: the first one lets a run finish within ``grace`` seconds, a second one not."""

    def __init__(self, grace: float = 30.0) -> None:
        self.grace = grace
        self.event = threading.Event()
        self._forced = False
        self._since: float | None = None

    def request(self, *, force: bool = False) -> None:
        if self._since is None:
            self._since = time.monotonic()
        self._forced = self._forced or force
        self.event.set()

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def expired(self) -> bool:
        """Whether a run in progress must now be stopped."""
        if self._since is None:
            return False
        return self._forced or time.monotonic() - self._since >= self.grace


class Executor(Protocol):
    def execute(
        self, runner: Runner, request: RunRequest, *, timeout: float, shutdown: Shutdown
    ) -> RunResult:
        """Run one attempt; raise :class:`RunFailed`, :class:`RunTimedOut`, :class:`RunInterrupted`."""
        ...


class InlineExecutor:
    """Calls the runner in this process and thread. Timeouts are not enforced."""

    def execute(
        self, runner: Runner, request: RunRequest, *, timeout: float, shutdown: Shutdown
    ) -> RunResult:
        try:
            return runner(request)
        except Exception as exc:
            raise RunFailed(describe_error(exc), traceback.format_exc()) from exc


class ProcessExecutor:
    """Runs each attempt in a child process (``spawn``: the same on every platform)."""

    def __init__(self, *, poll: float = 0.2) -> None:
        self.poll = poll

    def execute(
        self, runner: Runner, request: RunRequest, *, timeout: float, shutdown: Shutdown
    ) -> RunResult:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            # Not a daemon: the consolidation starts worker processes of its own.
            target=_child, args=(sender, runner, request), name=f"backoffice-{request.job}"
        )
        process.start()
        sender.close()
        deadline = time.monotonic() + timeout
        try:
            while True:
                if receiver.poll(self.poll):
                    return _outcome(receiver, process)
                if not process.is_alive():
                    if receiver.poll(0):
                        return _outcome(receiver, process)
                    raise RunFailed(_no_result(process))
                if time.monotonic() >= deadline:
                    raise RunTimedOut(f"stopped after the job's timeout of {_duration(timeout)}")
                if shutdown.expired():
                    raise RunInterrupted("the scheduler was stopped before the run finished")
        finally:
            _stop(process)
            receiver.close()


def _outcome(receiver: Connection, process: multiprocessing.process.BaseProcess) -> RunResult:
    try:
        kind, payload, detail = receiver.recv()
    except EOFError:
        process.join(5)
        raise RunFailed(_no_result(process)) from None
    if kind == "ok" and isinstance(payload, RunResult):
        return payload
    raise RunFailed(str(payload), str(detail))


def _no_result(process: multiprocessing.process.BaseProcess) -> str:
    return f"the run's process ended without a result (exit code {process.exitcode})"


def _stop(process: multiprocessing.process.BaseProcess) -> None:
    if process.is_alive():
        process.terminate()
        process.join(5)
    if process.is_alive():
        process.kill()
    process.join(5)


def _duration(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def _child(sender: Connection, runner: Runner, request: RunRequest) -> None:
    # Ctrl-C reaches the whole process group: the scheduler decides, not the child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    try:
        result = runner(request)
        sender.send(("ok", result, ""))
    except BaseException as exc:
        sender.send(("error", describe_error(exc), traceback.format_exc()))
    finally:
        sender.close()


def _end_with(parent: multiprocessing.process.BaseProcess) -> None:
    """End this child as soon as the scheduler that started it is gone (even after kill -9)."""
    parent.join()
    os._exit(70)


@contextmanager
def handle_signals(shutdown: Shutdown) -> Iterator[None]:
    """While inside, SIGINT/SIGTERM request ``shutdown``; a second one stops a run at once."""

    def _handler(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if shutdown.requested:
            log.warning("%s again: stopping now; a run in progress is recorded as interrupted", name)
            shutdown.request(force=True)
        else:
            log.warning("%s: stopping; a run in progress has %g s to finish", name, shutdown.grace)
            shutdown.request()

    wanted = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGBREAK"):  # Windows: Ctrl-Break
        wanted.append(signal.SIGBREAK)
    previous = {number: signal.signal(number, _handler) for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
