"""Validating many workbooks: the library call behind ``backoffice validate``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from addin.errors import EncryptedWorkbook, ReaderStopped, UnsafeWorkbook, WorkbookError
from addin.issues import Issue, Severity
from addin.reading.discover import find_workbooks
from addin.settings import OrgConfig
from addin.validation.workbook import WorkbookResult, validate_workbook


@dataclass(slots=True)
class FileOutcome:
    """One file: validated (``result``), unreadable (``failure``), or skipped."""

    path: Path
    result: WorkbookResult | None = None
    failure: Issue | None = None
    skipped: str = ""

    @property
    def issues(self) -> list[Issue]:
        if self.failure is not None:
            return [self.failure]
        return list(self.result.issues) if self.result is not None else []


def validate_paths(
    paths: Iterable[Path], config: OrgConfig, today: date | None = None
) -> list[FileOutcome]:
    """Validate every workbook in ``paths`` (files or folders).

    A file that cannot be read becomes an outcome with a ``failure`` record;
    it never stops the others. Raises :class:`FileNotFoundError` for a path
    that does not exist.
    """
    outcomes: list[FileOutcome] = []
    for found in find_workbooks(paths):
        if found.skipped:
            outcomes.append(FileOutcome(found.path, skipped=found.skipped))
            continue
        try:
            outcomes.append(FileOutcome(found.path, validate_workbook(found.path, config, today)))
        except WorkbookError as exc:
            outcomes.append(FileOutcome(found.path, failure=failure_issue(exc)))
    return outcomes


def failure_issue(exc: WorkbookError) -> Issue:
    """A file that could not be read, as an issue record."""
    if isinstance(exc, EncryptedWorkbook):
        rule = "encrypted-workbook"
    elif isinstance(exc, UnsafeWorkbook):
        rule = f"unsafe-workbook:{exc.limit}"
    elif isinstance(exc, ReaderStopped):
        rule = "reader-stopped"
    else:
        rule = "not-a-workbook"
    return Issue(exc.path, "", "", "", "", rule, _sentence(exc.message), Severity.ERROR)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
