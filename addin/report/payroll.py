"""The Payroll sheet (aggregates) and, only when asked for, the confidential Payroll Detail sheet.

In the aggregates a figure of ``None`` means the consolidation suppressed it
(a group too small to hide one person's pay): the cell says "suppressed" and a
footnote says why. The detail sheet is marked confidential in its title, page
header and footer; its bank accounts arrive masked and are written as given.
"""

from __future__ import annotations

from dataclasses import replace

from addin.consolidation.model import PAYROLL_COLUMNS, PAYROLL_DETAIL_COLUMNS, ConsolidatedReport
from addin.report import styles as st
from addin.report.cells import NUMERIC_KINDS, columns_for
from addin.report.layout import ReportBook, frame_rows

SHEET = "Payroll"
DETAIL_SHEET = "Payroll Detail"
HEADER_ROW = 3
SUPPRESSED = "suppressed"


def suppression_footnote(min_group_size: int) -> str:
    return (f"Groups of fewer than {min_group_size} people are suppressed so that no one's pay "
            "can be worked out")


def write_payroll_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    sheet.title(0, f"Payroll: {report.organisation}, {report.period}")
    sheet.note(1, f"Totals by department and employment type, in {book.currency}. "
                  "No individual's pay is shown on this sheet.")
    rows = frame_rows(report.payroll, PAYROLL_COLUMNS, "report.payroll")
    columns = [
        replace(column, none_text=SUPPRESSED) if column.kind in NUMERIC_KINDS else column
        for column in columns_for(PAYROLL_COLUMNS, book.currency)
    ]
    table = sheet.table(HEADER_ROW, 0, columns, rows, name="tblPayroll", what="report.payroll",
                        empty_text="No payroll rows.")
    numeric = [i for i, column in enumerate(columns) if column.kind in NUMERIC_KINDS]
    suppressed_cells = any(row[i] is None for row in rows for i in numeric)
    if report.payroll_suppressed or suppressed_cells:
        row = table.next_row
        sheet.text(row, 0, suppression_footnote(report.min_group_size) + ".", st.NOTE, measure=False)
        if report.payroll_suppressed:
            groups = "group was" if report.payroll_suppressed == 1 else "groups were"
            sheet.note(row + 1, f"{report.payroll_suppressed} {groups} suppressed or merged "
                                "this period.")
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1)


def write_payroll_detail_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    """Only called when ``report.payroll_detail`` is not None."""
    sheet = book.sheet(DETAIL_SHEET)
    sheet.title(0, f"CONFIDENTIAL: payroll detail, {report.organisation}, {report.period}",
                {**st.TITLE, "font_color": "#C00000"})
    sheet.note(1, f"Personal data: the pay of each employee, in {book.currency}. Bank accounts are "
                  "shown masked. Do not forward or print without need.")
    rows = frame_rows(report.payroll_detail, PAYROLL_DETAIL_COLUMNS, "report.payroll_detail")
    sheet.table(HEADER_ROW, 0, columns_for(PAYROLL_DETAIL_COLUMNS, book.currency), rows,
                name="tblPayrollDetail", what="report.payroll_detail",
                empty_text="No employees.")
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1, confidential=True)
