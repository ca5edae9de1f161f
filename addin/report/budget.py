"""The Budget sheet: budget vs actual by department and category, and by month with a chart.

The two tables stand side by side so that they share one frozen, repeated
header row. The month table ends with a Total row of SUM formulas whose stored
results are the exact sums of the month figures.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from addin.consolidation.model import (
    BUDGET_BY_CATEGORY_COLUMNS,
    BUDGET_BY_MONTH_COLUMNS,
    ConsolidatedReport,
)
from addin.report import styles as st
from addin.report.cells import columns_for
from addin.report.checks import exact
from addin.report.layout import Placement, ReportBook, SheetWriter, frame_rows

SHEET = "Budget"
MONTH_LEFT = len(BUDGET_BY_CATEGORY_COLUMNS) + 1  # one empty column between the tables
HEADER_ROW = 3


def write_budget_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    sheet.title(0, f"Budget vs actual: {report.organisation}, {report.period}")
    sheet.note(1, f"Amounts in {book.currency}. Variance = Actual − Budget: a positive variance "
                  "is spending above budget. A blank Actual is a month not yet closed.")
    sheet.text(HEADER_ROW - 1, 0, "By department and category", st.SECTION, measure=False)
    sheet.text(HEADER_ROW - 1, MONTH_LEFT, "Organisation by month", st.SECTION, measure=False)

    by_category = frame_rows(report.budget_by_category, BUDGET_BY_CATEGORY_COLUMNS,
                             "report.budget_by_category")
    sheet.table(HEADER_ROW, 0, columns_for(BUDGET_BY_CATEGORY_COLUMNS, book.currency), by_category,
                name="tblBudgetByCategory", what="report.budget_by_category",
                empty_text="No budget lines.")

    by_month = frame_rows(report.budget_by_month, BUDGET_BY_MONTH_COLUMNS, "report.budget_by_month")
    month_columns = columns_for(BUDGET_BY_MONTH_COLUMNS, book.currency)
    months = sheet.table(HEADER_ROW, MONTH_LEFT, month_columns, by_month, name="tblBudgetByMonth",
                         what="report.budget_by_month", empty_text="No budget lines.")
    if by_month:
        total_row = months.last_row + 1
        sheet.text(total_row, MONTH_LEFT, "Total", st.TOTAL)
        for offset in range(1, len(month_columns)):
            col = MONTH_LEFT + offset
            name = month_columns[offset].key
            present = [
                number for n, row in enumerate(by_month, start=1)
                if (number := exact(row[offset], f"report.budget_by_month, row {n}, column {name!r}"))
                is not None
            ]
            if not present:
                sheet.text(total_row, col, "", st.TOTAL, measure=False)
                continue
            first = xl_rowcol_to_cell(months.first_row, col)
            last = xl_rowcol_to_cell(months.last_row, col)
            cached = float(sum(present, Decimal(0)))
            sheet.formula(total_row, col, f"=SUM({first}:{last})", cached, month_columns[offset].kind,
                          st.TOTAL)
        _month_chart(book, sheet, months, total_row + 2)
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1)


def _month_chart(book: ReportBook, sheet: SheetWriter, months_table: Placement, row: int) -> None:
    header, first, last = months_table.header_row, months_table.first_row, months_table.last_row
    chart = book.workbook.add_chart({"type": "line"})
    months = [SHEET, first, MONTH_LEFT, last, MONTH_LEFT]
    for offset, color in ((1, "#1F4E78"), (2, "#ED7D31")):  # Budget, Actual
        col = MONTH_LEFT + offset
        chart.add_series({
            "name": [SHEET, header, col], "categories": months,
            "values": [SHEET, first, col, last, col],
            "line": {"color": color, "width": 2.25}, "marker": {"type": "circle", "size": 5,
                                                                "fill": {"color": color},
                                                                "border": {"color": color}},
        })
    chart.set_title({"name": f"Actual vs budget by month ({book.currency})", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")  # a month not yet closed is not a zero
    chart.set_size({"width": 560, "height": 300})
    sheet.ws.insert_chart(row, MONTH_LEFT, chart, {"x_offset": 4, "y_offset": 4})
