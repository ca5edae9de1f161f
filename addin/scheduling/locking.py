"""One scheduler per configuration: an operating-system lock on a file beside the history.

The lock is ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows. The
operating system releases it when the process ends, however it ends (even
``kill -9``), so a crashed scheduler never leaves a stale lock behind. The
file also says who holds the lock, for the message the next one prints.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

from addin.errors import BackofficeError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

# Windows locks byte ranges; lock one far past the text so others can still read it.
_WINDOWS_LOCK_OFFSET = 1 << 20


class LockHeld(BackofficeError):
    """Another scheduler holds the lock; ``owner`` says which, as the lock file does."""

    def __init__(self, path: Path, owner: str) -> None:
        self.path = path
        self.owner = owner
        who = f" ({owner})" if owner else ""
        super().__init__(f"another scheduler is already running on this configuration{who}; lock: {path}")


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    else:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class SchedulerLock:
    """The lock file at ``path``. Use as a context manager, or :meth:`acquire`/:meth:`release`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def owner(self) -> str:
        """What the lock file says about its holder ("" if nothing)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def acquire(
        self, *, wait: bool = False, poll: float = 0.5, cancel: threading.Event | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Take the lock, or raise :class:`LockHeld`; with ``wait``, wait until it is free.

        Waiting stops with :class:`LockHeld` when ``cancel`` is set. ``on_wait`` is
        called once with the holder's description when waiting begins.
        """
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        told = False
        while not _try_lock(handle):
            if not wait or (cancel is not None and cancel.is_set()):
                handle.close()
                raise LockHeld(self.path, self.owner())
            if not told and on_wait is not None:
                on_wait(self.owner())
                told = True
            if cancel is not None:
                cancel.wait(poll)
            else:
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        started = datetime.now().astimezone().isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since {started}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        try:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> SchedulerLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_path(history_path: Path) -> Path:
    """The lock file beside the history file."""
    return history_path.with_name(history_path.name + ".lock")
