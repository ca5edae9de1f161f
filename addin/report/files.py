"""Putting a new report in place without ever losing the previous one.

The new report is written to a hidden temporary file in the report's folder,
flushed to disk and checked; only then is the previous report copied into
``archive/`` and the new one renamed over it in one step (``os.replace``). A
failure at any point leaves the previous report as it was and no partial file
under the report's name. When the report is open in another program (Windows
refuses the rename), the new report is written beside it under a timestamped
name and the caller is told.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ARCHIVE = "archive"


@dataclass(frozen=True)
class WrittenReport:
    """Where the report now is, where the previous one was archived, and anything to tell."""

    path: Path
    archived: Path | None
    note: str


def temp_path(path: Path) -> Path:
    """The temporary file for ``path``: hidden, in the same folder so the rename is atomic."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def publish(path: Path, data: bytes, check: Callable[[Path], None], now: datetime) -> WrittenReport:
    """Write ``data`` as the report at ``path``, after ``check`` accepted it from disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        _write_synced(tmp, data)
        check(tmp)
        archived = archive(path, now) if path.exists() else None
        try:
            os.replace(tmp, path)
        except PermissionError:
            # Windows: the report is open in Excel. The old report stays where
            # it is, so its archive copy made just now is not needed.
            if archived is not None:
                archived.unlink(missing_ok=True)
            beside = free_name(path.parent, f"{path.stem} {now:%Y-%m-%d %H%M}", path.suffix)
            os.replace(tmp, beside)
            _sync_dir(path.parent)
            note = (f"{path.name} was open in another program; the new report was written beside "
                    f"it as {beside.name}")
            return WrittenReport(beside, None, note)
        _sync_dir(path.parent)
        return WrittenReport(path, archived, "")
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def archive(path: Path, now: datetime) -> Path:
    """Copy the report at ``path`` into ``archive/`` beside it; returns the copy. Keeps every copy."""
    folder = path.parent / ARCHIVE
    folder.mkdir(exist_ok=True)
    target = free_name(folder, f"{path.stem} {now:%Y-%m-%d %H%M%S}", path.suffix)
    tmp = temp_path(target)
    try:
        # Copied through a temporary name too, so that an interrupted copy
        # never looks like a complete archived report.
        shutil.copyfile(path, tmp)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem suffix``, or ``stem (2)``, ``stem (3)``... if that name is taken."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
