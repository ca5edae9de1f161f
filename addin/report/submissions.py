"""The Submissions sheet: one row per expected department, received or not.

Row changes since the workbook compared with are one readable line
("Budget: 2 added, 1 changed; Payroll: 1 removed"); each headline total that
changed gets its own number column. Those changes are in the department's own
currency, which the Currency column names.
"""

from __future__ import annotations

from typing import Any

from addin.consolidation.model import ConsolidatedReport, SheetChange, Submission
from addin.report import styles as st
from addin.report.cells import Column, Kind
from addin.report.layout import ReportBook

SHEET = "Submissions"
HEADER_ROW = 3

BASE_COLUMNS = (
    Column("department", "Department Code"),
    Column("department_name", "Department Name"),
    Column("status", "Status"),
    Column("received_at", "Received At", Kind.DATETIME),
    Column("due", "Due", Kind.DATE),
    Column("timeliness", "On Time"),
    Column("file", "File", max_width=40),
    Column("template_version", "Template Version", Kind.INTEGER),
    Column("rows_accepted", "Rows Accepted", Kind.INTEGER),
    Column("rows_rejected", "Rows Rejected", Kind.INTEGER),
    Column("compared_with", "Compared With", max_width=40),
    Column("changes", "Row Changes", max_width=60),
    Column("currency", "Currency"),
)


def describe_changes(changes: list[SheetChange]) -> str:
    """``"Budget: 2 added, 1 changed; Payroll: 1 removed"``; sheets with no change are left out."""
    parts = []
    for change in changes:
        counts = [f"{n} {word}" for n, word in ((change.added, "added"), (change.removed, "removed"),
                                                (change.changed, "changed")) if n]
        if counts:
            parts.append(f"{change.sheet}: {', '.join(counts)}")
    return "; ".join(parts) if parts else "no changes"


def _currencies(report: ConsolidatedReport) -> dict[str, str]:
    """Each department's currency, from the workbook that was used (else any workbook of it)."""
    found: dict[str, str] = {}
    for source in sorted(report.sources, key=lambda s: s.status != "included"):
        if source.department and source.currency:
            found.setdefault(source.department, source.currency)
    return found


def _row(submission: Submission, currency: str | None) -> tuple[list[object], dict[str, Any]]:
    if not submission.received:
        status, timeliness, look = "Missing", "", st.BAD
    elif submission.on_time is False:
        status, timeliness, look = "Received", "Late", st.WARN
    else:
        status, look = "Received", {}
        timeliness = "On time" if submission.on_time else ""
    values: list[object] = [
        submission.department, submission.department_name, status, submission.received_at,
        submission.due, timeliness, submission.file.name if submission.file else None,
        submission.template_version,
        submission.rows_accepted if submission.received else None,
        submission.rows_rejected if submission.received else None,
        submission.compared_with or None,
        describe_changes(submission.changes) if submission.compared_with else None,
        currency if submission.total_changes else None,
    ]
    return values, look


def write_submissions_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    received = sum(1 for s in report.submissions if s.received)
    sheet.title(0, f"Submissions for {report.period}: {received} of {len(report.submissions)} received")
    sheet.note(1, "Changes are counted against the workbook named in Compared With. Changes in "
                  "totals are in each department's own currency (column Currency).")
    total_names: list[str] = []
    for submission in report.submissions:
        total_names += [name for name in submission.total_changes if name not in total_names]
    columns = [*BASE_COLUMNS, *(Column(name, f"{name} Change", Kind.MONEY) for name in total_names)]
    currencies = _currencies(report)
    rows, looks = [], []
    for submission in report.submissions:
        values, look = _row(submission, currencies.get(submission.department))
        values += [submission.total_changes.get(name) for name in total_names]
        rows.append(values)
        looks.append(look)
    table = sheet.table(HEADER_ROW, 0, columns, rows, name="tblSubmissions", what="report.submissions",
                        empty_text="No departments are expected to submit.")
    # Colour only the Status and On Time cells: a coloured row would hide the banding.
    for offset, (values, look) in enumerate(zip(rows, looks, strict=True)):
        if look:
            for col in (2, 5):
                if values[col]:
                    sheet.value(table.first_row + offset, col, values[col], Kind.TEXT, look,
                                where="Submissions status")
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1)
