"""The Summary sheet: headline, who is missing or late, one row per department, Total, charts.

The Total row holds live formulas (SUM over each column; Variance % = total
Variance / total Budget) with ``report.totals`` stored as their results, so
every program shows the consolidation's figures at once and a recalculation
gives the same figures (:mod:`addin.report.checks` made sure of that).
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from addin.consolidation.model import SUMMARY_COLUMNS, ConsolidatedReport, Submission
from addin.report import styles as st
from addin.report.cells import Column, Kind, Plain, columns_for, plain
from addin.report.checks import PRIVATE_COLUMNS, RATIO_COLUMN, SUM_COLUMNS
from addin.report.layout import Placement, ReportBook, SheetWriter, frame_rows

SHEET = "Summary"
MIN_CHART_WIDTH = 480  # pixels; two charts side by side span the table's width, at least this
CHART_GAP = 20
CHART_HEIGHT = 320
CHART_ROWS = 17  # rows of the default height (20 px) the charts take, with a gap
#: Rows that surely print on page 1 at the scale "one page wide" gives the
#: 14-column table (about 55%): the charts go below the table when they end
#: before this row, else right under the headline so that they stay on page 1.
PAGE_ONE_ROWS = 44
#: The header row is frozen only when it is this near the top; freezing a
#: longer block would leave little of the screen to scroll.
FREEZE_LIMIT = 16

MISSING_COLUMNS = (Column("department", "Department Code"), Column("department_name", "Department Name"),
                   Column("due", "Due", Kind.DATE))
LATE_COLUMNS = (*MISSING_COLUMNS, Column("received_at", "Received At", Kind.DATETIME))


@dataclass(frozen=True)
class SummaryLayout:
    """Where the Total row is, and what each of its cells must read back as ('' for blank)."""

    total_row: int
    expected_total: tuple[Plain, ...]


def write_summary_sheet(book: ReportBook, report: ConsolidatedReport) -> SummaryLayout:
    sheet = book.sheet(SHEET)
    rows = frame_rows(report.summary, SUMMARY_COLUMNS, "report.summary")
    row = _headline(sheet, report)
    block = _missing_rows(report) + _late_rows(report)
    charts_first = bool(rows) and row + block + len(rows) + 3 + CHART_ROWS > PAGE_ONE_ROWS
    chart_row = row
    if charts_first:
        row += CHART_ROWS
    row = _submission_list(sheet, row, "Not received", report.missing, MISSING_COLUMNS)
    row = _submission_list(sheet, row, "Received late", report.late, LATE_COLUMNS)

    sheet.title(row, "Departments", st.SECTION)
    columns = columns_for(SUMMARY_COLUMNS, book.currency)
    table = sheet.table(row + 1, 0, columns, rows, name="tblSummary", what="report.summary",
                        empty_text="No department workbook was included in this report.")
    total_row = table.last_row + 1
    expected = _total_row(sheet, report, columns, table, total_row)
    if rows:
        _charts(book, sheet, table, chart_row if charts_first else total_row + 2)
    header = table.header_row
    sheet.finish(repeat_row=header, freeze_row=header + 1 if header < FREEZE_LIMIT else None)
    return SummaryLayout(total_row, expected)


def _headline(sheet: SheetWriter, report: ConsolidatedReport) -> int:
    sheet.title(0, f"{report.organisation}: organisation report for {report.period}")
    pairs: list[tuple[str, object, Kind]] = [
        ("Period", report.period, Kind.TEXT),
        ("Reporting currency", report.reporting_currency, Kind.TEXT),
        ("Generated at", report.generated_at, Kind.DATETIME),
    ]
    for offset, (label, value, kind) in enumerate(pairs, start=1):
        sheet.text(offset, 0, label, st.LABEL)
        sheet.value(offset, 1, value, kind, {"align": "left"}, where=f"Summary, {label}")
    sheet.note(4, f"Amounts are in {report.reporting_currency}, converted at the rates shown on the "
                  "Sources sheet; Currency is the currency each department submitted in.")
    return 6


def _missing_rows(report: ConsolidatedReport) -> int:
    return len(report.missing) + 3 if report.missing else 2


def _late_rows(report: ConsolidatedReport) -> int:
    return len(report.late) + 3 if report.late else 2


def _submission_list(sheet: SheetWriter, row: int, label: str, found: list[Submission],
                     columns: tuple[Column, ...]) -> int:
    if not found:
        sheet.text(row, 0, f"{label}: none.", st.LABEL, measure=False)
        return row + 2
    sheet.title(row, f"{label} ({len(found)})", {**st.SECTION, **st.BAD})
    sheet.header_row(row + 1, 0, columns)
    for offset, submission in enumerate(found, start=row + 2):
        for col, column in enumerate(columns):
            sheet.value(offset, col, getattr(submission, column.key), column.kind,
                        where=f"Summary, {label}, {submission.department}")
    return row + len(found) + 3


def _total_row(sheet: SheetWriter, report: ConsolidatedReport, columns: list[Column],
               table: Placement, row: int) -> tuple[Plain, ...]:
    """Write the Total row; returns what each of its cells holds ('' for a blank)."""
    sheet.text(row, 0, "Total", st.TOTAL)
    expected: list[Plain] = ["Total"]
    for col in range(1, len(columns)):
        name = columns[col].key
        kind = columns[col].kind
        total = plain(report.totals.get(name), f"report.totals[{name!r}]")
        if name in PRIVATE_COLUMNS and report.suppressed_departments and total is not None:
            # Not a SUM: the hidden departments' payroll is in the total but not in the rows.
            sheet.value(row, col, total, kind, st.TOTAL, where=f"report.totals[{name!r}]")
            hidden = ", ".join(sorted(report.suppressed_departments))
            sheet.ws.write_comment(row, col, f"Includes the payroll of {hidden}, not shown by "
                                   f"department because groups of fewer than "
                                   f"{report.min_group_size} people are kept private.")
        elif name in SUM_COLUMNS and name in report.totals and total is not None:
            if table.has_rows:
                first = xl_rowcol_to_cell(table.first_row, col)
                last = xl_rowcol_to_cell(table.last_row, col)
                sheet.formula(row, col, f"=SUM({first}:{last})", total, kind, st.TOTAL)
            else:  # nothing to sum: the checked total (zero) as a plain number
                sheet.value(row, col, total, kind, st.TOTAL, where=f"report.totals[{name!r}]")
        elif name == RATIO_COLUMN and total is not None:
            budget = xl_rowcol_to_cell(row, SUMMARY_COLUMNS.index("Budget"))
            variance = xl_rowcol_to_cell(row, SUMMARY_COLUMNS.index("Variance"))
            sheet.formula(row, col, f'=IF({budget}=0,"",{variance}/{budget})', total, kind, st.TOTAL)
        else:
            sheet.text(row, col, "", st.TOTAL, measure=False)  # keeps the border under the row
            total = None
        expected.append("" if total is None else total)
    return tuple(expected)


def _charts(book: ReportBook, sheet: SheetWriter, table: Placement, row: int) -> None:
    codes = [SHEET, table.first_row, 0, table.last_row, 0]

    def series(name: str) -> dict[str, object]:
        col = SUMMARY_COLUMNS.index(name)
        return {"name": [SHEET, table.header_row, col], "categories": codes,
                "values": [SHEET, table.first_row, col, table.last_row, col]}

    budget = book.workbook.add_chart({"type": "column"})
    budget.add_series({**series("Budget"), "fill": {"color": "#1F4E78"}})
    budget.add_series({**series("Actual"), "fill": {"color": "#ED7D31"}})
    budget.set_title({"name": f"Budget vs Actual by department ({book.currency})",
                      "name_font": {"size": 11}})
    budget.set_legend({"position": "bottom"})
    payroll = book.workbook.add_chart({"type": "column"})
    payroll.add_series({**series("Gross Pay"), "fill": {"color": "#548235"}})
    payroll.set_title({"name": f"Payroll cost (Gross Pay) by department ({book.currency})",
                       "name_font": {"size": 11}})
    payroll.set_legend({"none": True})
    width = max(MIN_CHART_WIDTH, (sheet.pixels(0, len(SUMMARY_COLUMNS) - 1) - CHART_GAP) // 2)
    for chart in (budget, payroll):
        chart.set_size({"width": width, "height": CHART_HEIGHT})
        chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
    sheet.ws.insert_chart(row, 0, budget, {"x_offset": 4, "y_offset": 4})
    sheet.ws.insert_chart(row, 0, payroll, {"x_offset": 4 + width + CHART_GAP, "y_offset": 4})
