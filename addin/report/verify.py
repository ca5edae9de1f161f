"""Re-open a written report and check it before it replaces the previous one.

The check reads the file back with python-calamine, an independent reader:
every expected sheet is there in order, and the Summary's Total row holds
``report.totals``. A report that does not read back is never put in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from addin.report.cells import Plain
from addin.report.errors import ReportInvariantError
from addin.report.summary import SHEET as SUMMARY


def verify_report(path: Path, sheets: Sequence[str], total_row: int,
                  expected_total: Sequence[Plain]) -> None:
    """Raise :class:`ReportInvariantError` unless ``path`` reads back as written."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        rows = book.get_sheet_by_name(SUMMARY).to_python(skip_empty_area=False)
    except Exception as exc:  # any failure to read back means the file is not usable
        raise ReportInvariantError(
            f"the new report could not be read back ({type(exc).__name__}); it was not put in place"
        ) from exc
    if names != list(sheets):
        raise ReportInvariantError(
            f"the new report has sheets {names}, expected {list(sheets)}; it was not put in place"
        )
    found = list(rows[total_row]) if total_row < len(rows) else []
    found += [""] * (len(expected_total) - len(found))
    for col, expected in enumerate(expected_total):
        if not _same(found[col], expected):
            raise ReportInvariantError(
                f"the Summary Total row of the new report does not read back as written "
                f"(column {col + 1}); it was not put in place"
            )


def _same(found: object, expected: Plain) -> bool:
    if isinstance(expected, bool) or isinstance(found, bool):
        return found == expected
    if isinstance(expected, int | float) and isinstance(found, int | float):
        return float(found) == float(expected)  # the stored double, bit for bit
    return found == expected
