"""Workbooks being saved while a run reads them.

Staff keep editing while scheduled runs happen. Excel saves to a temporary
file and renames it, but copies to a network share, sync clients and other
tools write a workbook progressively: for a moment it is truncated, or its
size is still changing. Two small functions let the reading wait for that:

* :func:`wait_until_stable` -- the file has the same size and modification time
  at two looks ``interval`` seconds apart, and, when it is a zip (.xlsx/.xlsm),
  its zip directory can be read.
* :func:`read_when_stable` -- read a workbook; if it is mid-save or the read
  fails as not-a-workbook, wait for it to settle and read again, a few times,
  before giving up with the last error (the caller then reports that one
  department's file as unreadable and goes on with the others).

Hook for the consolidation: in its file collection, where each found
workbook is opened, call ``read_when_stable(path, read)`` instead of
``read(path)``.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from addin.errors import NotAWorkbook
from addin.scheduling.clock import SYSTEM_CLOCK, Clock

T = TypeVar("T")

ZIP_MAGIC = b"PK\x03\x04"
# What reading a half-written workbook raises.
RETRY_ON: tuple[type[BaseException], ...] = (NotAWorkbook, OSError, zipfile.BadZipFile, EOFError)


def _look(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _readable(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
        if head != ZIP_MAGIC:
            # Not a zip (an encrypted workbook, or not a workbook at all): only the
            # size says whether it is still being written; the reader judges the rest.
            return len(head) > 0
        with zipfile.ZipFile(path) as archive:
            archive.infolist()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False
    return True


def wait_until_stable(
    path: Path, *, clock: Clock = SYSTEM_CLOCK, attempts: int = 5, interval: float = 1.0
) -> bool:
    """Whether ``path`` settled (same size and time twice, readable) within ``attempts`` looks."""
    before = _look(path)
    for _ in range(max(attempts, 1)):
        clock.sleep(interval)
        after = _look(path)
        if after is not None and after == before and after[0] > 0 and _readable(path):
            return True
        before = after
    return False


def read_when_stable(
    path: Path, read: Callable[[Path], T], *, clock: Clock = SYSTEM_CLOCK, attempts: int = 5,
    interval: float = 1.0, retry_on: tuple[type[BaseException], ...] = RETRY_ON,
) -> T:
    """``read(path)``, retried up to ``attempts`` times while the file is mid-save.

    The first read happens at once if the file looks complete (its zip directory
    reads); otherwise, and before every further read, the file is given one
    ``interval`` to settle (:func:`wait_until_stable` with one look). A read that
    raises one of ``retry_on`` is tried again; the last failure is raised when
    ``attempts`` are used up, or at once when the file is not being written (not
    modified in the last :data:`RECENT_SECONDS`, or unchanged while waiting).
    Other exceptions (an encrypted or unsafe workbook) are raised at once.
    """
    last: BaseException | None = None
    failed_at: tuple[int, int] | None = None
    for attempt in range(max(attempts, 1)):
        if attempt:
            assert last is not None
            # A file nobody is writing fails for good: a stray CSV or a damaged file
            # is reported at once instead of after every retry.
            if not _written_lately(failed_at):
                raise last
            wait_until_stable(path, clock=clock, attempts=1, interval=interval)
            if _look(path) == failed_at:
                raise last
        elif not _settled_now(path):
            wait_until_stable(path, clock=clock, attempts=1, interval=interval)
        try:
            return read(path)
        except retry_on as exc:
            last = exc
            failed_at = _look(path)
    assert last is not None
    raise last


# A file modified longer ago than this is not being saved now.
RECENT_SECONDS = 30.0


def _written_lately(look: tuple[int, int] | None) -> bool:
    # File times are wall-clock times, whatever clock the scheduler runs on.
    return look is not None and time.time() - look[1] / 1e9 < RECENT_SECONDS


def _settled_now(path: Path) -> bool:
    """A cheap first look: a zip whose directory reads, or a non-empty non-zip, is read at once."""
    look = _look(path)
    return look is not None and look[0] > 0 and _readable(path)
