"""The Inventory sheet: stock value by department and category, and the reorder list.

The two tables stand side by side so that they share one frozen, repeated
header row (stacked, a frozen header would sit above the wrong table).
"""

from __future__ import annotations

from addin.consolidation.model import (
    INVENTORY_BY_CATEGORY_COLUMNS,
    REORDER_COLUMNS,
    ConsolidatedReport,
)
from addin.report import styles as st
from addin.report.cells import columns_for
from addin.report.layout import ReportBook, frame_rows

SHEET = "Inventory"
HEADER_ROW = 3
REORDER_LEFT = len(INVENTORY_BY_CATEGORY_COLUMNS) + 1  # one empty column between the tables


def write_inventory_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    sheet.title(0, f"Inventory: {report.organisation}, {report.period}")
    sheet.note(1, f"Stock value and unit costs in {book.currency}. The reorder list holds every "
                  "item at or below its reorder level.")
    stock = frame_rows(report.inventory_by_category, INVENTORY_BY_CATEGORY_COLUMNS,
                       "report.inventory_by_category")
    reorder = frame_rows(report.reorder, REORDER_COLUMNS, "report.reorder")
    sheet.text(HEADER_ROW - 1, 0, "Stock by category", st.SECTION, measure=False)
    items = f"{len(reorder)} item{'' if len(reorder) == 1 else 's'}"
    sheet.text(HEADER_ROW - 1, REORDER_LEFT, f"Reorder list ({items})", st.SECTION, measure=False)
    sheet.table(HEADER_ROW, 0, columns_for(INVENTORY_BY_CATEGORY_COLUMNS, book.currency), stock,
                name="tblStockByCategory", what="report.inventory_by_category",
                empty_text="No stock items.")
    sheet.table(HEADER_ROW, REORDER_LEFT, columns_for(REORDER_COLUMNS, book.currency), reorder,
                name="tblReorder", what="report.reorder", empty_text="Nothing needs reordering.")
    sheet.finish(repeat_row=HEADER_ROW, freeze_row=HEADER_ROW + 1)
