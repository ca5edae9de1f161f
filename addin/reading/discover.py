"""Finding the workbooks to read in files and folders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from addin.reading.source import WORKBOOK_SUFFIXES, is_lock_file


@dataclass(frozen=True, slots=True)
class Found:
    """A path to read, or one passed over with the reason (``skipped``)."""

    path: Path
    skipped: str = ""


def find_workbooks(paths: Iterable[Path]) -> list[Found]:
    """Files as given; folders searched recursively for .xlsx/.xlsm.

    In folders, Excel's ``~$`` lock files and hidden files are passed over; a
    lock file named on its own is returned as skipped. A path that does not
    exist raises :class:`FileNotFoundError`.
    """
    found: list[Found] = []
    for path in paths:
        if path.is_dir():
            found.extend(_in_folder(path))
        elif path.exists():
            found.append(Found(path, _skip_reason(path)))
        else:
            raise FileNotFoundError(path)
    return found


def _in_folder(folder: Path) -> list[Found]:
    found: list[Found] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        # Lock files in a folder are passed over without a word: they are not workbooks.
        if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES and not is_lock_file(path):
            found.append(Found(path))
    return found


def _skip_reason(path: Path) -> str:
    if is_lock_file(path):
        return "an Excel lock file (~$), not a workbook; skipped"
    return ""
