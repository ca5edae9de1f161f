"""The Exceptions sheet: every problem found, errors first, as a filterable Excel table.

A row with an error was left out of the consolidation; a warning was accepted.
Values are shown as found (numbers stay numbers); text values are inert.
"""

from __future__ import annotations

from enum import Enum

from addin.consolidation.model import EXCEPTION_COLUMNS, ConsolidatedReport
from addin.report import styles as st
from addin.report.cells import Column
from addin.report.layout import ReportBook, frame_rows

SHEET = "Exceptions"
HEADER_ROW = 3
_WIDE = {"Message": 70, "Value": 30, "File": 35}


def severity_of(value: object) -> str:
    return str(value.value if isinstance(value, Enum) else value or "").strip().lower()


def write_exceptions_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    rows = frame_rows(report.exceptions, EXCEPTION_COLUMNS, "report.exceptions")
    severity = EXCEPTION_COLUMNS.index("Severity")
    # Errors first; otherwise the consolidation's order (file, sheet, row) is kept.
    rows.sort(key=lambda row: severity_of(row[severity]) != "error")
    errors = sum(1 for row in rows if severity_of(row[severity]) == "error")
    warnings = len(rows) - errors
    sheet.title(0, f"Exceptions: {errors} error{'' if errors == 1 else 's'}, "
                   f"{warnings} warning{'' if warnings == 1 else 's'}")
    sheet.note(1, "A row with an error was left out of the consolidation; fix it in the department "
                  "workbook and submit again. A warning was accepted as shown.")
    columns = [Column(name, name, max_width=_WIDE.get(name, 45)) for name in EXCEPTION_COLUMNS]
    looks = [st.BAD if severity_of(row[severity]) == "error" else st.WARN for row in rows]
    shown = [(*row[:severity], severity_of(row[severity]), *row[severity + 1:]) for row in rows]
    table = sheet.table(HEADER_ROW, 0, columns, shown,
                        name="tblExceptions", what="report.exceptions",
                        empty_text="No problems were found.")
    for offset, (row, look) in enumerate(zip(shown, looks, strict=True)):
        if row[severity]:  # colour the severity cell only, so the banding stays readable
            sheet.text(table.first_row + offset, severity, str(row[severity]), look)
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1)
