"""A realistic ConsolidatedReport built by hand, and helpers to read written reports back.

Three departments submitted for October 2026 (FIN in USD, HR in VND, IT in
EUR), Legal did not, HR was late. Every amount is a known Decimal so that
tests can compare cells to the cent. The figures are consistent: the Summary's
Total row is the exact sum of its department rows, and rows read = accepted +
rejected for every sheet of every source.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from addin.consolidation.model import (
    BUDGET_BY_CATEGORY_COLUMNS,
    BUDGET_BY_MONTH_COLUMNS,
    CALENDAR_COLUMNS,
    CONFLICT_COLUMNS,
    EXCEPTION_COLUMNS,
    INVENTORY_BY_CATEGORY_COLUMNS,
    PAYROLL_COLUMNS,
    PAYROLL_DETAIL_COLUMNS,
    REORDER_COLUMNS,
    SUMMARY_COLUMNS,
    ConsolidatedReport,
    SheetChange,
    SheetCount,
    SourceFile,
    Submission,
)
from addin.issues import Severity

D = Decimal
GENERATED = datetime(2026, 11, 23, 14, 15, 0)
INBOX = Path("/srv/backoffice/inbox/2026-10")
INJECTED_TITLE = '=HYPERLINK("http://x","y")'
INJECTED_VALUE = "+cmd|' /C calc'!A0"

SUMMARY_ROWS = [
    ("FIN", "Finance", "USD", D("120000.00"), D("118250.75"), D("-1749.25"), D("-0.0146"), 4,
     D("28450.50"), D("22100.25"), D("5300.00"), 1, 3, 1),
    ("HR", "Human Resources", "VND", D("85000.00"), D("86420.10"), D("1420.10"), D("0.0167"), 3,
     D("18900.00"), D("15120.40"), D("0.00"), 0, 2, 1),
    ("IT", "IT", "EUR", D("64500.50"), D("60010.25"), D("-4490.25"), D("-0.0696"), 2,
     D("13200.00"), D("10450.80"), D("48210.35"), 2, 1, 0),
]
TOTAL_BUDGET = D("269500.50")
TOTAL_VARIANCE = D("-4819.40")
TOTALS: dict[str, Decimal | int | None] = {
    "Budget": TOTAL_BUDGET,
    "Actual": D("264681.10"),
    "Variance": TOTAL_VARIANCE,
    "Variance %": (TOTAL_VARIANCE / TOTAL_BUDGET).quantize(D("0.000001")),  # -0.017883
    "Headcount": 9,
    "Gross Pay": D("60550.50"),
    "Net Pay": D("47671.45"),
    "Stock Value": D("53510.35"),
    "Items To Reorder": 3,
    "Events": 6,
    "Booking Conflicts": 2,
}

BUDGET_BY_CATEGORY = [
    ("FIN", "Personnel", D("90000.00"), D("89500.25"), D("-499.75")),
    ("FIN", "Operations", D("30000.00"), D("28750.50"), D("-1249.50")),
    ("HR", "Personnel", D("70000.00"), D("71020.10"), D("1020.10")),
    ("HR", "Training", D("15000.00"), D("15400.00"), D("400.00")),
    ("IT", "IT", D("44500.50"), D("41010.25"), D("-3490.25")),
    ("IT", "Capital", D("20000.00"), D("19000.00"), D("-1000.00")),
]
BUDGET_BY_MONTH = [
    ("2026-08", D("88000.00"), D("86100.40"), D("-1899.60")),
    ("2026-09", D("90500.25"), D("91230.35"), D("730.10")),
    ("2026-10", D("91000.25"), D("87350.35"), D("-3649.90")),
]
PAYROLL = [
    ("FIN", "Full-time", 3, D("21000.00"), D("1200.00"), D("450.50"), D("22650.50"),
     D("3100.00"), D("600.00"), D("18950.50")),
    ("FIN", "Contractor", None, None, None, None, None, None, None, None),
    ("HR", "Full-time", 3, D("17500.00"), D("900.00"), D("500.00"), D("18900.00"),
     D("2479.60"), D("1300.00"), D("15120.40")),
    ("IT", "Full-time", None, None, None, None, None, None, None, None),
]
PAYROLL_DETAIL = [
    ("HR", "E-1001", "Mai Nguyen", "HR Officer", "Full-time", D("6300.00"), D("826.53"),
     D("433.33"), D("5040.14"), "•••• •••• 4821"),
    ("HR", "E-1002", "Tom Baker", "Recruiter", "Full-time", D("6300.00"), D("826.53"),
     D("433.33"), D("5040.14"), "•••• 0077"),
]
INVENTORY_BY_CATEGORY = [
    ("FIN", "Stationery", 6, D("5300.00")),
    ("IT", "Laptops", 3, D("45000.00")),
    ("IT", "Cables", 2, D("3210.35")),
]
REORDER = [
    ("FIN", "ST-010", "A4 paper, 80 g", "Store B", D("4"), D("10"), D("40"), D("4.25"),
     D("170.00"), "Paper & Co"),
    ("IT", "LT-200", "Laptop 14in", "IT store", D("1"), D("2"), D("3"), D("1180.00"),
     D("3540.00"), None),
    ("IT", "CB-007", "USB-C cable 2 m", "IT store", D("5"), D("10"), D("25"), D("6.55"),
     D("163.75"), "-Cables Ltd"),
]
CALENDAR = [
    (datetime(2026, 10, 5, 9, 0), datetime(2026, 10, 5, 10, 0), "FIN", "F-1", "Budget review",
     "Meeting", "Room 301", "Ana Lopez", 6),
    (datetime(2026, 10, 14, 10, 0), datetime(2026, 10, 14, 11, 0), "FIN", "F-2", "Board meeting",
     "Meeting", "Room 301", "Ana Lopez", 9),
    (datetime(2026, 10, 14, 10, 30), datetime(2026, 10, 14, 12, 0), "HR", "H-7", "Interview panel",
     "Meeting", "Room 301", "Mai Nguyen", 4),
    (datetime(2026, 10, 20, 0, 0), datetime(2026, 10, 21, 0, 0), "HR", "H-8", "Payroll cut-off",
     "Deadline", None, "Mai Nguyen", 0),
    (datetime(2026, 10, 22, 13, 0), datetime(2026, 10, 22, 17, 0), "IT", "I-3", INJECTED_TITLE,
     "Maintenance", "Server room", "Raj Patel", 2),
    (datetime(2026, 10, 29, 15, 0), datetime(2026, 10, 29, 16, 0), "FIN", "F-3", "Close call",
     "Meeting", "Online", "Ana Lopez", 12),
]
CONFLICTS = [
    ("Room 301", "FIN", "F-2", "Board meeting", datetime(2026, 10, 14, 10, 0),
     datetime(2026, 10, 14, 11, 0), "FIN_2026-10.xlsx Schedule!B3", "HR", "H-7", "Interview panel",
     datetime(2026, 10, 14, 10, 30), datetime(2026, 10, 14, 12, 0), "HR_2026-10.xlsx Schedule!B2"),
]
# In the consolidation's order; the report puts errors first.
EXCEPTIONS = [
    ("FIN", "FIN_2026-10.xlsx", "Budget", "E12", "Budget", " 1,200.50 ", "number-as-text",
     "The number was typed as text; it was read as 1,200.50.", Severity.WARNING),
    ("HR", "HR_2026-10.xlsx", "Payroll", "E7", "Base Salary", "12OO", "money",
     "Base Salary must be a number; the cell holds text.", Severity.ERROR),
    ("IT", "IT_2026-10.xlsx", "Inventory", "G4", "Unit Cost", INJECTED_VALUE, "money",
     "Unit Cost must be a number; the cell holds text.", Severity.ERROR),
    ("IT", "IT_2026-10.xlsx", "Inventory", "K1", "Shelf", "", "unknown-column",
     "The column Shelf is not part of the contract and was ignored.", Severity.WARNING),
    ("HR", "HR_2026-10.xlsx", "Payroll", "G9", "Overtime Hours", 250, "range",
     "Overtime Hours must be between 0 and 200.", Severity.ERROR),
]


def _frame(rows: Sequence[tuple[object, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    # dtype=object keeps Decimal and None exactly as the consolidation hands them over.
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def _sha(seed: str) -> str:
    return (seed * 64)[:64]


def sources() -> list[SourceFile]:
    return [
        SourceFile(INBOX / "FIN_2026-10.xlsx", _sha("3fa9c2"), 48_213, datetime(2026, 11, 3, 16, 18, 2),
                   "included", "", "FIN", "Finance", "2026-10", "USD", D("1"), 1,
                   [SheetCount("Budget", 24, 24, 0), SheetCount("Payroll", 4, 4, 0),
                    SheetCount("Inventory", 10, 10, 0), SheetCount("Schedule", 6, 6, 0)]),
        SourceFile(INBOX / "HR_2026-10.xlsx", _sha("b71e04"), 35_870, datetime(2026, 11, 7, 9, 28, 40),
                   "included", "", "HR", "Human Resources", "2026-10", "VND", D("25400"), 1,
                   [SheetCount("Budget", 12, 12, 0), SheetCount("Payroll", 4, 2, 2),
                    SheetCount("Inventory", 0, 0, 0), SheetCount("Schedule", 3, 3, 0)]),
        SourceFile(INBOX / "IT_2026-10.xlsx", _sha("0c55d8"), 41_002, datetime(2026, 11, 4, 11, 5, 0),
                   "included", "", "IT", "IT", "2026-10", "EUR", D("0.92"), 1,
                   [SheetCount("Budget", 8, 8, 0), SheetCount("Payroll", 2, 2, 0),
                    SheetCount("Inventory", 6, 5, 1), SheetCount("Schedule", 1, 1, 0)],
                   ["Notes", "Pivot"]),
        SourceFile(INBOX / "IT_2026-10 (old).xlsx", _sha("9d0e17"), 40_118,
                   datetime(2026, 11, 2, 10, 15, 0), "superseded",
                   "A later workbook for IT, 2026-10 was used.", "IT", "IT", "2026-10", "EUR",
                   D("0.92"), 1, [SheetCount("Budget", 8, 8, 0), SheetCount("Payroll", 2, 2, 0),
                                  SheetCount("Inventory", 6, 6, 0), SheetCount("Schedule", 1, 1, 0)]),
        SourceFile(INBOX / "scan.xlsx", _sha("e2"), 1_024, datetime(2026, 11, 6, 8, 0, 0), "unreadable",
                   "Not an Excel workbook (a CSV file renamed .xlsx)."),
    ]


def submissions() -> list[Submission]:
    return [
        Submission("FIN", "Finance", True, date(2026, 11, 5), datetime(2026, 11, 3, 16, 20), True,
                   INBOX / "FIN_2026-10.xlsx", 1, 44, 0, "2026-09",
                   [SheetChange("Budget", 2, 0, 1), SheetChange("Payroll", 0, 1, 0),
                    SheetChange("Schedule", 0, 0, 0)],
                   {"Budget": D("1500.00"), "Gross Pay": D("-3200.00")}),
        Submission("HR", "Human Resources", True, date(2026, 11, 5), datetime(2026, 11, 7, 9, 30),
                   False, INBOX / "HR_2026-10.xlsx", 1, 17, 2, "2026-09", [], {}),
        Submission("IT", "IT", True, date(2026, 11, 5), datetime(2026, 11, 4, 11, 7), True,
                   INBOX / "IT_2026-10.xlsx", 1, 16, 1,
                   "earlier version of 2026-10 (2026-11-02 10:15)",
                   [SheetChange("Inventory", 0, 0, 1)], {"Stock Value": D("310.00")}),
        Submission("LEGAL", "Legal", False, date(2026, 11, 5)),
    ]


def make_report(*, detail: bool = False, organisation: str = "Northwind Trading") -> ConsolidatedReport:
    return ConsolidatedReport(
        organisation=organisation,
        period="2026-10",
        reporting_currency="USD",
        generated_at=GENERATED,
        summary=_frame(SUMMARY_ROWS, SUMMARY_COLUMNS),
        totals=dict(TOTALS),
        budget_by_category=_frame(BUDGET_BY_CATEGORY, BUDGET_BY_CATEGORY_COLUMNS),
        budget_by_month=_frame(BUDGET_BY_MONTH, BUDGET_BY_MONTH_COLUMNS),
        payroll=_frame(PAYROLL, PAYROLL_COLUMNS),
        payroll_suppressed=2,
        inventory_by_category=_frame(INVENTORY_BY_CATEGORY, INVENTORY_BY_CATEGORY_COLUMNS),
        reorder=_frame(REORDER, REORDER_COLUMNS),
        calendar=_frame(CALENDAR, CALENDAR_COLUMNS),
        conflicts=_frame(CONFLICTS, CONFLICT_COLUMNS),
        submissions=submissions(),
        exceptions=_frame(EXCEPTIONS, EXCEPTION_COLUMNS),
        sources=sources(),
        payroll_detail=_frame(PAYROLL_DETAIL, PAYROLL_DETAIL_COLUMNS) if detail else None,
        min_group_size=3,
    )


# ---------------------------------------------------------------------------
# Reading back
# ---------------------------------------------------------------------------
