"""Validation problems as data.

Every check in the project reports what it finds as an :class:`Issue`: one
record with an exact location (file, sheet, cell), the column, the value found,
the rule that failed, a sentence a finance clerk understands, and a severity.
Issues are collected, never raised; exceptions (:mod:`addin.errors`) are kept
for the failures that stop a file from being read at all.

Modelled on frictionless-py's ``errors/cell.py`` and ``report/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a workbook.

    ``cell`` is an A1 reference (``"F12"``), the header row for a column that is
    missing (``"1:1"``), or empty when the problem concerns the whole sheet or
    file. ``row`` is the 1-based worksheet row of the data row the issue
    concerns, or ``None``; it lets the consolidation leave out exactly the rows
    that have errors.
    """

    file: str
    sheet: str
    cell: str
    column: str
    value: str
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    row: int | None = None

    @property
    def location(self) -> str:
        """``Budget!F12`` style location, or just the sheet, or nothing."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Issues of a sheet in reading order: by row, then column."""
        letters = "".join(ch for ch in self.cell if ch.isalpha())
        return (self.row or 0, len(letters), letters)

    def to_dict(self) -> dict[str, Any]:
        """The record with stable keys, for ``--format json``."""
        record = asdict(self)
        record["severity"] = self.severity.value
        return record


def shown_value(value: object) -> str:
    """How a cell value is shown to a person in an issue record."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1200.0 as 1200; beyond Excel's 15 digits, as 1e+27
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}" if value.time() == time() else f"{value:%Y-%m-%d %H:%M}"
    return str(value)


@dataclass(slots=True)
class IssueLog:
    """Issues collected for one workbook (or several), in the order found."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

