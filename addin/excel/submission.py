"""The Submit button's file work: a values-only copy of the workbook, written into the inbox.

The inbox is usually a network share that several departments write to, so:

* one file per department and period, ``<DEPT>_<PERIOD>.xlsx``, and its receipt
  (:mod:`addin.receipts`); nobody else's file is ever written;
* every file is written to a temporary name in the same folder and moved over
  the target with ``os.replace``, so a reader (the consolidation) sees the old
  file or the new one, never half of one;
* a previous submission is first copied to ``<inbox>/.versions/<DEPT>_<PERIOD>
  <YYYY-MM-DD HHMMSS>.xlsx`` (with its receipt), named after the time it was
  submitted; the folder's leading dot keeps the consolidation's discovery away.

The copy holds the contract's sheets as values: text is written as text
(never parsed into a formula or a number), numbers as numbers, dates as dates,
and an Excel error value as that error. Formulas are not copied; the
consolidation recomputes every computed column anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import xlsxwriter

from addin.cells import ExcelError, RawValue
from addin.files import copy_atomically, write_atomically
from addin.receipts import (
    Receipt,
    ReceiptError,
    read_receipt,
    receipt_matches,
    receipt_path,
    submission_stem,
    write_receipt,
)

VERSIONS_FOLDER: Final = ".versions"

# Error values XlsxWriter can store as a formula's cached error result.
_STORED_ERRORS: Final = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


@dataclass(frozen=True, slots=True)
class SheetValues:
    """One sheet to copy: its name and its cells from A1, row by row."""

    name: str
    rows: Sequence[Sequence[RawValue]]


@dataclass(frozen=True, slots=True)
class SubmittedFiles:
    """Where a submission went."""

    workbook: Path
    receipt: Receipt
    receipt_file: Path
    previous_version: Path | None


def workbook_bytes(sheets: Sequence[SheetValues]) -> bytes:
    """An .xlsx holding ``sheets`` as plain values, built in memory."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        # Text stays text: a cell "=1+1" or "000123" must not become a formula or a number.
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    try:
        formats = {
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "time": book.add_format({"num_format": "hh:mm"}),
        }
        for sheet in sheets:
            worksheet = book.add_worksheet(sheet.name)
            for row, cells in enumerate(sheet.rows):
                for col, value in enumerate(cells):
                    _write(worksheet, row, col, value, formats)
    finally:
        book.close()
    return buffer.getvalue()


def _write(worksheet: Any, row: int, col: int, value: object, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, ExcelError):
        # The error is kept (the validator reports it as it would in the original).
        cached = value.code if value.code in _STORED_ERRORS else "#N/A"
        worksheet.write_formula(row, col, f"={cached}", None, cached)
    elif isinstance(value, str):
        if value:
            worksheet.write_string(row, col, value)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if math.isfinite(number):
            worksheet.write_number(row, col, number)
    elif isinstance(value, datetime):
        worksheet.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
    elif isinstance(value, date):
        worksheet.write_datetime(row, col, datetime.combine(value, time()), formats["date"])
    elif isinstance(value, time):
        worksheet.write_datetime(row, col, value.replace(tzinfo=None), formats["time"])
    elif isinstance(value, timedelta):
        worksheet.write_number(row, col, value.total_seconds() / 86_400)
    # Anything else (a formula saved without its result) is left blank.


def version_name(stem: str, moment: datetime) -> str:
    """``FIN_2026-10 2026-11-03 091407.xlsx``."""
    return f"{stem} {moment:%Y-%m-%d %H%M%S}.xlsx"


def _previous_moment(workbook: Path) -> datetime:
    """When the current submission was made: its receipt says, else the file's time."""
    receipt = receipt_path(workbook)
    with contextlib.suppress(ReceiptError):
        found = read_receipt(receipt)
        if receipt_matches(found, workbook):
            return found.submitted_at.astimezone()
    return datetime.fromtimestamp(workbook.stat().st_mtime).astimezone()


def keep_previous_version(workbook: Path) -> Path | None:
    """Copy the current submission (and its receipt) into ``.versions``; ``None`` if none."""
    if not workbook.is_file():
        return None
    folder = workbook.parent / VERSIONS_FOLDER
    folder.mkdir(exist_ok=True)
    moment = _previous_moment(workbook)
    target = folder / version_name(workbook.stem, moment)
    counter = 2
    while target.exists():
        target = folder / version_name(workbook.stem, moment).replace(".xlsx", f" ({counter}).xlsx")
        counter += 1
    # Copied, not moved: the inbox never lacks the department's file, even for a moment.
    copy_atomically(workbook, target)
    receipt = receipt_path(workbook)
    if receipt.is_file():
        copy_atomically(receipt, receipt_path(target))
    return target


def submit_files(
    inbox: Path,
    department: str,
    period: str,
    sheets: Sequence[SheetValues],
    *,
    submitted_by: str,
    template_version: int | None,
    now: datetime | None = None,
) -> SubmittedFiles:
    """Write the submission and its receipt into ``inbox``, keeping any previous one."""
    stem = submission_stem(department, period)
    workbook = inbox / f"{stem}.xlsx"
    content = workbook_bytes(sheets)
    previous = keep_previous_version(workbook)
    write_atomically(workbook, content)
    moment = (now or datetime.now()).astimezone()
    receipt = Receipt(
        department=department,
        period=period,
        submitted_by=submitted_by,
        submitted_at=moment.replace(microsecond=0),
        # The bytes written, not a re-read: the share may be slow, and this is what we sent.
        sha256=hashlib.sha256(content).hexdigest(),
        template_version=template_version,
        file=workbook.name,
    )
    receipt_file = write_receipt(receipt, receipt_path(workbook))
    return SubmittedFiles(workbook, receipt, receipt_file, previous)
