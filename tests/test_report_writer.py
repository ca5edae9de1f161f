"""The organisation report writer: exact cells read back, inert text, safe replacement, LibreOffice.

The report is built by hand (tests/report_support.py) with known Decimal
amounts, written with :func:`addin.report.write_report`, and read back with
python-calamine (values) and openpyxl (cell types, formats, page setup).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from addin.consolidation.model import EXCEPTION_COLUMNS, SheetCount
from addin.errors import BackofficeError
from addin.issues import Severity
from addin.report import ReportInvariantError, WrittenReport, write_report
from addin.report import inventory as inventory_sheet
from addin.report import writer as report_writer
from addin.report.cells import RISKY_STARTS, Plain, is_risky
from addin.report.verify import verify_report
from tests import report_support as data
from tests.report_support import (
    GENERATED,
    INJECTED_TITLE,
    INJECTED_VALUE,
    TOTALS,
    D,
    make_report,
)
from tests.support.files import read_png, strip_cached_results
from tests.support.libreoffice import (
    LibreOfficeSession,
    Snapshot,
    pdf_page_png,
    require_libreoffice,
)

NOW = datetime(2026, 11, 23, 14, 15, 0)
SHEETS = ["Summary", "Budget", "Payroll", "Inventory", "Schedule", "Submissions", "Exceptions",
          "Sources"]
MONEY = "#,##0.00;[Red]-#,##0.00"
# Summary layout for the standard report (1-based Excel rows): headline 1-5,
# "Not received" 7-9, "Received late" 11-13, table header 16, FIN/HR/IT 17-19, Total 20.
SUMMARY_HEADER_ROW = 16
TOTAL_ROW = 20
CENT = Decimal("0.01")

Rows = list[list[Any]]


def cells(path: Path, sheet: str) -> Rows:
    """Every cell of ``sheet`` from A1, as python-calamine reads it ('' for blank)."""
    book = CalamineWorkbook.from_path(str(path))
    return [list(row) for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The standard report (with payroll detail), written once for the read-only tests."""
    path = tmp_path_factory.mktemp("report") / "REPORT.xlsx"
    written = write_report(make_report(detail=True), path, now=NOW)
    assert written == WrittenReport(path, None, "")
    return path


@pytest.fixture(scope="module")
def book(report_path: Path) -> Any:
    return openpyxl.load_workbook(report_path)


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------


def test_sheets_are_in_report_order(report_path: Path, tmp_path: Path) -> None:
    assert CalamineWorkbook.from_path(str(report_path)).sheet_names == [
        "Summary", "Budget", "Payroll", "Payroll Detail", "Inventory", "Schedule", "Submissions",
        "Exceptions", "Sources",
    ]
    # Without payroll detail there is no Payroll Detail sheet at all.
    plain = write_report(make_report(), tmp_path / "REPORT.xlsx", now=NOW).path
    assert CalamineWorkbook.from_path(str(plain)).sheet_names == SHEETS


def test_summary_headline_and_who_is_missing_or_late(report_path: Path) -> None:
    rows = cells(report_path, "Summary")
    assert [row[:4] for row in rows[:13]] == [
        ["Northwind Trading: organisation report for 2026-10", "", "", ""],
        ["Period", "2026-10", "", ""],
        ["Reporting currency", "USD", "", ""],
        ["Generated at", GENERATED, "", ""],
        ["Amounts are in USD, converted at the rates shown on the Sources sheet; Currency is the "
         "currency each department submitted in.", "", "", ""],
        ["", "", "", ""],
        ["Not received (1)", "", "", ""],
        ["Department Code", "Department Name", "Due", ""],
        ["LEGAL", "Legal", date(2026, 11, 5), ""],
        ["", "", "", ""],
        ["Received late (1)", "", "", ""],
        ["Department Code", "Department Name", "Due", "Received At"],
        ["HR", "Human Resources", date(2026, 11, 5), datetime(2026, 11, 7, 9, 30)],
    ]


def test_summary_rows_and_total_row_to_the_cent(report_path: Path) -> None:
    rows = cells(report_path, "Summary")
    assert rows[SUMMARY_HEADER_ROW - 1] == [
        "Department Code", "Department Name", "Currency", "Budget (USD)", "Actual (USD)",
        "Variance (USD)", "Variance %", "Headcount", "Gross Pay (USD)", "Net Pay (USD)",
        "Stock Value (USD)", "Items To Reorder", "Events", "Booking Conflicts",
    ]
    assert rows[SUMMARY_HEADER_ROW:TOTAL_ROW] == [
        ["FIN", "Finance", "USD", 120000.0, 118250.75, -1749.25, -0.0146, 4, 28450.5, 22100.25,
         5300.0, 1, 3, 1],
        ["HR", "Human Resources", "VND", 85000.0, 86420.1, 1420.1, 0.0167, 3, 18900.0, 15120.4,
         0.0, 0, 2, 1],
        ["IT", "IT", "EUR", 64500.5, 60010.25, -4490.25, -0.0696, 2, 13200.0, 10450.8, 48210.35,
         2, 1, 0],
        ["Total", "", "", 269500.5, 264681.1, -4819.4, -0.017883, 9, 60550.5, 47671.45, 53510.35,
         3, 6, 2],
    ]
    total = rows[TOTAL_ROW - 1]
    names = rows[SUMMARY_HEADER_ROW - 1]
    for col, header in enumerate(names[3:], start=3):
        key = header.removesuffix(" (USD)")
        expected = TOTALS[key]
        assert expected is not None
        assert Decimal(repr(total[col])).quantize(CENT) == Decimal(expected).quantize(CENT), key


def test_total_row_holds_live_formulas(book: Any) -> None:
    sheet = book["Summary"]
    formulas = {cell.column_letter: cell.value for cell in sheet[TOTAL_ROW] if cell.data_type == "f"}
    assert formulas == {
        "D": "=SUM(D17:D19)", "E": "=SUM(E17:E19)", "F": "=SUM(F17:F19)",
        "G": '=IF(D20=0,"",F20/D20)', "H": "=SUM(H17:H19)", "I": "=SUM(I17:I19)",
        "J": "=SUM(J17:J19)", "K": "=SUM(K17:K19)", "L": "=SUM(L17:L19)", "M": "=SUM(M17:M19)",
        "N": "=SUM(N17:N19)",
    }


def test_money_cells_are_numbers_with_two_decimals(book: Any) -> None:
    sheet = book["Summary"]
    for row in range(SUMMARY_HEADER_ROW + 1, TOTAL_ROW):
        for letter in "DEFIJK":
            cell = sheet[f"{letter}{row}"]
            assert cell.data_type == "n", cell.coordinate
            assert isinstance(cell.value, float | int), cell.coordinate
            assert cell.number_format == MONEY, cell.coordinate
        assert sheet[f"G{row}"].number_format == "0.0%"
        assert sheet[f"H{row}"].number_format == "#,##0"
    assert sheet["D20"].number_format == MONEY
    assert book["Schedule"]["A9"].number_format == "yyyy-mm-dd hh:mm"
    assert book["Submissions"]["E5"].number_format == "yyyy-mm-dd"


def test_budget_by_category_and_by_month_with_total(report_path: Path, book: Any) -> None:
    rows = cells(report_path, "Budget")
    assert rows[2][0] == "By department and category"
    assert rows[2][6] == "Organisation by month"
    assert rows[3] == ["Department Code", "Category", "Budget (USD)", "Actual (USD)",
                       "Variance (USD)", "", "Month", "Budget (USD)", "Actual (USD)",
                       "Variance (USD)"]
    assert [row[:5] for row in rows[4:10]] == [
        ["FIN", "Personnel", 90000.0, 89500.25, -499.75],
        ["FIN", "Operations", 30000.0, 28750.5, -1249.5],
        ["HR", "Personnel", 70000.0, 71020.1, 1020.1],
        ["HR", "Training", 15000.0, 15400.0, 400.0],
        ["IT", "IT", 44500.5, 41010.25, -3490.25],
        ["IT", "Capital", 20000.0, 19000.0, -1000.0],
    ]
    assert [row[6:] for row in rows[4:8]] == [
        ["2026-08", 88000.0, 86100.4, -1899.6],
        ["2026-09", 90500.25, 91230.35, 730.1],
        ["2026-10", 91000.25, 87350.35, -3649.9],
        ["Total", 269500.5, 264681.1, -4819.4],
    ]
    assert book["Budget"]["H8"].value == "=SUM(H5:H7)"
    assert book["Budget"]._charts, "the monthly chart is missing"


def test_payroll_suppressed_groups_and_footnote(report_path: Path) -> None:
    rows = cells(report_path, "Payroll")
    assert rows[3][:4] == ["Department Code", "Employment Type", "Headcount", "Base Salary (USD)"]
    assert rows[4] == ["FIN", "Full-time", 3, 21000.0, 1200.0, 450.5, 22650.5, 3100.0, 600.0,
                       18950.5]
    assert rows[5] == ["FIN", "Contractor", *["suppressed"] * 8]
    assert rows[7] == ["IT", "Full-time", *["suppressed"] * 8]
    assert rows[9][0] == ("Groups of fewer than 3 people are suppressed so that no one's pay can "
                          "be worked out.")
    assert rows[10][0] == "2 groups were suppressed or merged this period."


def test_payroll_detail_is_marked_confidential(report_path: Path, book: Any) -> None:
    rows = cells(report_path, "Payroll Detail")
    assert rows[0][0] == "CONFIDENTIAL: payroll detail, Northwind Trading, 2026-10"
    assert rows[3] == ["Department Code", "Employee ID", "Full Name", "Position", "Employment Type",
                       "Gross Pay (USD)", "Income Tax (USD)", "Deductions (USD)", "Net Pay (USD)",
                       "Bank Account"]
    # Bank accounts exactly as the consolidation masked them.
    assert rows[4] == ["HR", "E-1001", "Mai Nguyen", "HR Officer", "Full-time", 6300.0, 826.53,
                       433.33, 5040.14, "•••• •••• 4821"]
    assert rows[5][9] == "•••• 0077"
    sheet = book["Payroll Detail"]
    assert "CONFIDENTIAL" in sheet.oddHeader.center.text
    assert sheet.oddHeader.right.text == "CONFIDENTIAL"
    assert "Confidential" in sheet.oddFooter.left.text
    assert "CONFIDENTIAL" not in (book["Payroll"].oddHeader.center.text or "")


def test_inventory_and_reorder_list(report_path: Path) -> None:
    rows = cells(report_path, "Inventory")
    assert rows[2][0] == "Stock by category"
    assert rows[2][5] == "Reorder list (3 items)"
    assert [row[:4] for row in rows[3:7]] == [
        ["Department Code", "Category", "Items", "Stock Value (USD)"],
        ["FIN", "Stationery", 6, 5300.0],
        ["IT", "Laptops", 3, 45000.0],
        ["IT", "Cables", 2, 3210.35],
    ]
    assert [row[5:] for row in rows[3:7]] == [
        ["Department Code", "SKU", "Item Name", "Location", "Quantity On Hand", "Reorder Level",
         "Suggested Order Quantity", "Unit Cost (USD)", "Suggested Order Value (USD)", "Supplier"],
        ["FIN", "ST-010", "A4 paper, 80 g", "Store B", 4, 10, 40, 4.25, 170.0, "Paper & Co"],
        ["IT", "LT-200", "Laptop 14in", "IT store", 1, 2, 3, 1180.0, 3540.0, ""],
        ["IT", "CB-007", "USB-C cable 2 m", "IT store", 5, 10, 25, 6.55, 163.75, "-Cables Ltd"],
    ]


def test_schedule_lists_conflicts_with_both_sides_and_the_calendar(report_path: Path) -> None:
    rows = cells(report_path, "Schedule")
    assert rows[2][0] == "Booking conflicts (1)"
    assert rows[4] == [
        "Room 301", "FIN", "F-2", "Board meeting", datetime(2026, 10, 14, 10, 0),
        datetime(2026, 10, 14, 11, 0), "FIN_2026-10.xlsx Schedule!B3", "HR", "H-7",
        "Interview panel", datetime(2026, 10, 14, 10, 30), datetime(2026, 10, 14, 12, 0),
        "HR_2026-10.xlsx Schedule!B2",
    ]
    assert rows[6][0] == "Calendar (6 events)"
    assert rows[7][:9] == ["Start", "End", "Department Code", "Event ID", "Title", "Type",
                           "Location", "Owner", "Attendees"]
    assert rows[8][:9] == [datetime(2026, 10, 5, 9, 0), datetime(2026, 10, 5, 10, 0), "FIN", "F-1",
                           "Budget review", "Meeting", "Room 301", "Ana Lopez", 6]
    assert [row[3] for row in rows[8:14]] == ["F-1", "F-2", "H-7", "H-8", "I-3", "F-3"]


def test_submissions_one_row_per_department(report_path: Path) -> None:
    rows = cells(report_path, "Submissions")
    assert rows[0][0] == "Submissions for 2026-10: 3 of 4 received"
    assert rows[3] == [
        "Department Code", "Department Name", "Status", "Received At", "Due", "On Time", "File",
        "Template Version", "Rows Accepted", "Rows Rejected", "Compared With", "Row Changes",
        "Currency", "Budget Change", "Gross Pay Change", "Stock Value Change",
    ]
    assert rows[4:8] == [
        ["FIN", "Finance", "Received", datetime(2026, 11, 3, 16, 20), date(2026, 11, 5), "On time",
         "FIN_2026-10.xlsx", 1, 44, 0, "2026-09", "Budget: 2 added, 1 changed; Payroll: 1 removed",
         "USD", 1500.0, -3200.0, ""],
        ["HR", "Human Resources", "Received", datetime(2026, 11, 7, 9, 30), date(2026, 11, 5),
         "Late", "HR_2026-10.xlsx", 1, 17, 2, "2026-09", "no changes", "", "", "", ""],
        ["IT", "IT", "Received", datetime(2026, 11, 4, 11, 7), date(2026, 11, 5), "On time",
         "IT_2026-10.xlsx", 1, 16, 1, "earlier version of 2026-10 (2026-11-02 10:15)",
         "Inventory: 1 changed", "EUR", "", "", 310.0],
        ["LEGAL", "Legal", "Missing", "", date(2026, 11, 5), "", "", "", "", "", "", "", "", "",
         "", ""],
    ]


def test_exceptions_errors_first_in_a_filterable_table(report_path: Path, book: Any) -> None:
    rows = cells(report_path, "Exceptions")
    assert rows[0][0] == "Exceptions: 3 errors, 2 warnings"
    assert rows[3] == list(EXCEPTION_COLUMNS)
    assert rows[4:9] == [
        ["HR", "HR_2026-10.xlsx", "Payroll", "E7", "Base Salary", "12OO", "money",
         "Base Salary must be a number; the cell holds text.", "error"],
        ["IT", "IT_2026-10.xlsx", "Inventory", "G4", "Unit Cost", INJECTED_VALUE, "money",
         "Unit Cost must be a number; the cell holds text.", "error"],
        ["HR", "HR_2026-10.xlsx", "Payroll", "G9", "Overtime Hours", 250, "range",
         "Overtime Hours must be between 0 and 200.", "error"],
        ["FIN", "FIN_2026-10.xlsx", "Budget", "E12", "Budget", " 1,200.50 ", "number-as-text",
         "The number was typed as text; it was read as 1,200.50.", "warning"],
        ["IT", "IT_2026-10.xlsx", "Inventory", "K1", "Shelf", "", "unknown-column",
         "The column Shelf is not part of the contract and was ignored.", "warning"],
    ]
    table = book["Exceptions"].tables["tblExceptions"]
    assert table.ref == "A4:I9"
    assert table.autoFilter.ref == "A4:I9"
    assert book["Exceptions"]["F7"].data_type == "n"  # a number found stays a number


def test_sources_files_and_rows_by_sheet(report_path: Path) -> None:
    rows = cells(report_path, "Sources")
    assert rows[0][0] == "Sources: 5 workbooks found for 2026-10"
    assert rows[3] == [
        "File", "SHA-256", "Size (bytes)", "Modified", "Department Code", "Department Name",
        "Period", "Currency", "Rate (per 1 USD)", "Template Version", "Status", "Note",
        "Extra Sheets (ignored)", "Rows Read", "Rows Accepted", "Rows Rejected",
    ]
    inbox = str(data.INBOX)
    assert rows[5] == [
        f"{inbox}/HR_2026-10.xlsx", "b71e04" * 10 + "b71e", 35870, datetime(2026, 11, 7, 9, 28, 40),
        "HR", "Human Resources", "2026-10", "VND", 25400, 1, "included", "", "", 19, 17, 2,
    ]
    assert rows[6][12] == "Notes, Pivot"
    assert rows[8][10:] == ["unreadable", "Not an Excel workbook (a CSV file renamed .xlsx).", "",
                            "", "", ""]
    assert rows[10][0] == "Rows by sheet (rows read = rows accepted + rows rejected)"
    assert rows[11][:6] == ["File", "Department Code", "Sheet", "Rows Read", "Rows Accepted",
                            "Rows Rejected"]
    by_sheet = [row[:6] for row in rows[12:]]
    assert len(by_sheet) == 16
    assert by_sheet[5] == [f"{inbox}/HR_2026-10.xlsx", "HR", "Payroll", 4, 2, 2]
    assert by_sheet[10] == [f"{inbox}/IT_2026-10.xlsx", "IT", "Inventory", 6, 5, 1]
    assert all(read == accepted + rejected for *_, read, accepted, rejected in by_sheet)


def test_every_sheet_prints_landscape_one_page_wide_with_headers(book: Any) -> None:
    frozen = {"Summary": "A17", "Budget": "A5", "Payroll": "A5", "Payroll Detail": "A5",
              "Inventory": "A5", "Schedule": "A9", "Submissions": "A5", "Exceptions": "A5",
              "Sources": None}
    repeated = {"Summary": "$16:$16", "Budget": "$4:$4", "Payroll": "$4:$4",
                "Payroll Detail": "$4:$4", "Inventory": "$4:$4", "Schedule": "$8:$8",
                "Submissions": "$4:$4", "Exceptions": "$4:$4", "Sources": None}
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # fitToWidth left out of the file means 1 (the schema's default); 0 means "any height".
        assert sheet.page_setup.fitToWidth in (None, 1), sheet.title
        assert sheet.page_setup.fitToHeight == 0, sheet.title
        assert sheet.freeze_panes == frozen[sheet.title], sheet.title
        assert sheet.print_title_rows == repeated[sheet.title], sheet.title
    assert len(book["Summary"]._charts) == 2
    assert book.properties.created == GENERATED
    assert book.properties.title == "Northwind Trading: organisation report 2026-10"


def test_the_same_report_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_report(make_report(), tmp_path / "a" / "REPORT.xlsx", now=NOW).path
    second = write_report(make_report(), tmp_path / "b" / "REPORT.xlsx",
                          now=datetime(2027, 1, 1)).path
    assert first.read_bytes() == second.read_bytes()


def test_a_report_with_nothing_in_it(tmp_path: Path) -> None:
    empty = make_report()
    for name in ("summary", "budget_by_category", "budget_by_month", "payroll",
                 "inventory_by_category", "reorder", "calendar", "conflicts", "exceptions"):
        setattr(empty, name, pd.DataFrame())
    empty.totals = {"Budget": None, "Variance %": None, "Headcount": 0}
    empty.submissions, empty.sources, empty.payroll_suppressed = [], [], 0
    path = write_report(empty, tmp_path / "REPORT.xlsx", now=NOW).path
    rows = cells(path, "Summary")
    assert rows[6][0] == "Not received: none."
    assert rows[8][0] == "Received late: none."
    assert rows[12][0] == "No department workbook was included in this report."
    assert rows[13][:8] == ["Total", "", "", "", "", "", "", 0]
    assert cells(path, "Exceptions")[4][0] == "No problems were found."


def test_tables_with_inferred_dtypes_give_the_same_file(tmp_path: Path) -> None:
    # The consolidation may hand over int64, str, float64 (NaN for None) and
    # datetime64 columns instead of object columns: the file must not change.
    inferred = make_report(detail=True)
    for name in ("summary", "budget_by_category", "budget_by_month", "payroll", "payroll_detail",
                 "inventory_by_category", "reorder", "calendar", "conflicts", "exceptions"):
        frame = getattr(inferred, name)
        setattr(inferred, name, pd.DataFrame(frame.to_dict("list")))
    assert str(inferred.payroll["Headcount"].dtype) == "float64"
    assert str(inferred.calendar["Start"].dtype).startswith("datetime64")
    first = write_report(inferred, tmp_path / "a" / "REPORT.xlsx", now=NOW).path
    second = write_report(make_report(detail=True), tmp_path / "b" / "REPORT.xlsx", now=NOW).path
    assert first.read_bytes() == second.read_bytes()


def test_charts_stay_on_page_one_when_the_table_is_long(tmp_path: Path) -> None:
    report = make_report()
    fin = list(data.SUMMARY_ROWS[0])
    rows = [(f"D{n:02}", f"Department {n}", "USD", *fin[3:]) for n in range(1, 31)]
    report.summary = pd.DataFrame(rows, columns=report.summary.columns, dtype=object)
    per_department: dict[str, Decimal | int] = {
        "Budget": D("120000.00"), "Actual": D("118250.75"), "Variance": D("-1749.25"),
        "Headcount": 4, "Gross Pay": D("28450.50"), "Net Pay": D("22100.25"),
        "Stock Value": D("5300.00"), "Items To Reorder": 1, "Events": 3, "Booking Conflicts": 1,
    }
    report.totals = {name: value * 30 for name, value in per_department.items()}
    report.totals["Variance %"] = D("-1749.25") / D("120000.00")
    path = write_report(report, tmp_path / "REPORT.xlsx", now=NOW).path
    sheet = openpyxl.load_workbook(path)["Summary"]
    # The charts come right under the headline; the table follows them.
    assert [chart.anchor._from.row for chart in sheet._charts] == [6, 6]
    rows_read = cells(path, "Summary")
    header = next(n for n, row in enumerate(rows_read) if row[3] == "Budget (USD)")
    assert header == 32
    assert rows_read[header + 31][:4] == ["Total", "", "", 3_600_000.0]
    assert sheet.freeze_panes is None  # a 33-row frozen block would leave nothing to scroll


# ---------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sheet", "text"), [("Schedule", INJECTED_TITLE),
                                             ("Exceptions", INJECTED_VALUE),
                                             ("Inventory", "-Cables Ltd")])
def test_department_text_that_looks_like_a_formula_is_inert(book: Any, sheet: str, text: str) -> None:
    found = [cell for row in book[sheet].iter_rows() for cell in row if cell.value == text]
    assert len(found) == 1, f"{text!r} not found exactly once on {sheet}"
    cell = found[0]
    assert cell.data_type == "s"  # a string cell, not "f"
    assert cell.quotePrefix  # Excel shows it as typed and keeps it text on editing


def test_every_risky_start_is_neutralised(tmp_path: Path) -> None:
    report = make_report()
    values = [f"{start}SUM(A1:A9)" for start in RISKY_STARTS] + ["@cmd", " =1+1", "=1+1"]
    report.exceptions = pd.DataFrame(
        [("FIN", "FIN.xlsx", "Budget", f"A{n}", "Notes", value, "text", value, Severity.WARNING)
         for n, value in enumerate(values, start=2)],
        columns=list(EXCEPTION_COLUMNS), dtype=object,
    )
    path = write_report(report, tmp_path / "REPORT.xlsx", now=NOW).path
    read_back = [row[5] for row in cells(path, "Exceptions")[4:4 + len(values)]]
    assert read_back == values  # unchanged, control characters included
    sheet = openpyxl.load_workbook(path)["Exceptions"]
    for row in range(5, 5 + len(values)):
        for letter in "FH":  # Value and Message
            assert sheet[f"{letter}{row}"].data_type == "s"
            assert sheet[f"{letter}{row}"].quotePrefix, f"{letter}{row}"
    assert not sheet["B5"].quotePrefix  # ordinary text is left alone


def test_is_risky() -> None:
    assert all(is_risky(start + "x") for start in RISKY_STARTS)
    assert is_risky("  =1+1")
    assert not is_risky("Budget review") and not is_risky("1,200.50") and not is_risky("")


# ---------------------------------------------------------------------------
# Putting the report in place
# ---------------------------------------------------------------------------


def _previous(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "REPORT.xlsx"
    write_report(make_report(organisation="Previous Ltd"), path, now=NOW)
    return path, path.read_bytes()


def test_failure_while_writing_leaves_the_previous_report(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path, before = _previous(tmp_path)

    def broken(*_: object) -> None:
        raise OSError("disk full")

    # Summary, Budget and Payroll are written; Inventory fails.
    monkeypatch.setattr(inventory_sheet, "write_inventory_sheet", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(make_report(), path, now=datetime(2026, 11, 24, 9, 0))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["REPORT.xlsx"]


def test_failure_after_the_temporary_file_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, before = _previous(tmp_path)
    seen: list[Path] = []

    def interrupted(written: Path, *_: object) -> None:
        seen.append(written)
        assert written.is_file() and written.parent == tmp_path and written.name.startswith(".")
        raise KeyboardInterrupt  # the person closed the window mid-run

    monkeypatch.setattr(report_writer, "verify_report", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(make_report(), path, now=datetime(2026, 11, 24, 9, 0))
    assert seen and not seen[0].exists()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["REPORT.xlsx"]


def test_a_failure_with_no_previous_report_leaves_no_file(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(inventory_sheet, "write_inventory_sheet", broken)
    with pytest.raises(RuntimeError, match="boom"):
        write_report(make_report(), tmp_path / "REPORT.xlsx", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_each_new_report_archives_the_previous_one(tmp_path: Path) -> None:
    path, first = _previous(tmp_path)
    second = write_report(make_report(), path, now=datetime(2026, 11, 24, 9, 5, 7))
    archived = tmp_path / "archive" / "REPORT 2026-11-24 090507.xlsx"
    assert second == WrittenReport(path, archived, "")
    assert archived.read_bytes() == first
    assert path.read_bytes() != first
    assert cells(path, "Summary")[0][0] == "Northwind Trading: organisation report for 2026-10"

    # Every copy is kept, even two in the same second.
    latest = path.read_bytes()
    third = write_report(make_report(organisation="Third"), path, now=datetime(2026, 11, 24, 9, 5, 7))
    assert third.archived == tmp_path / "archive" / "REPORT 2026-11-24 090507 (2).xlsx"
    assert third.archived.read_bytes() == latest
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [
        "REPORT 2026-11-24 090507 (2).xlsx", "REPORT 2026-11-24 090507.xlsx",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["REPORT.xlsx", "archive"]


def test_a_report_open_in_excel_gets_the_new_one_beside_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path, before = _previous(tmp_path)
    real_replace = os.replace

    def locked(source: Any, target: Any) -> None:
        if Path(target) == path:  # what Windows does while Excel has the file open
            raise PermissionError(13, "The process cannot access the file", str(path))
        real_replace(source, target)

    # files.py calls os.replace for the archive copy too; only the final rename is refused.
    monkeypatch.setattr(os, "replace", locked)
    written = write_report(make_report(), path, now=datetime(2026, 11, 23, 14, 15, 42))
    beside = tmp_path / "REPORT 2026-11-23 1415.xlsx"
    assert written == WrittenReport(
        beside, None,
        "REPORT.xlsx was open in another program; the new report was written beside it as "
        "REPORT 2026-11-23 1415.xlsx",
    )
    assert path.read_bytes() == before
    assert cells(beside, "Summary")[TOTAL_ROW - 1][3] == 269500.5
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "REPORT 2026-11-23 1415.xlsx", "REPORT.xlsx", "archive",
    ]
    assert list((tmp_path / "archive").iterdir()) == []  # the old report never moved


# ---------------------------------------------------------------------------
# Invariants: refused before anything is written
# ---------------------------------------------------------------------------


def test_rows_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    report = make_report()
    hr = report.sources[1]
    hr.sheets[1] = SheetCount("Payroll", read=4, accepted=2, rejected=1)
    with pytest.raises(ReportInvariantError) as caught:
        write_report(report, tmp_path / "REPORT.xlsx", now=NOW)
    assert str(caught.value) == (
        f"{data.INBOX}/HR_2026-10.xlsx, sheet Payroll: 4 rows read but 2 accepted + 1 rejected; "
        "rows would be lost or counted twice, so the report was not written"
    )
    assert isinstance(caught.value, BackofficeError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("column", "value"), [("Budget", Decimal("269500.51")),
                                               ("Headcount", 8),
                                               ("Gross Pay", None),
                                               ("Variance %", Decimal("-0.0180"))])
def test_totals_that_a_recalculation_would_change_are_refused(
    tmp_path: Path, column: str, value: Decimal | int | None
) -> None:
    report = make_report()
    report.totals[column] = value
    with pytest.raises(ReportInvariantError, match=f"the Total of {column} "):
        write_report(report, tmp_path / "REPORT.xlsx", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_text_in_a_money_column_is_refused(tmp_path: Path) -> None:
    report = make_report()
    report.budget_by_category.loc[0, "Budget"] = "90,000.00"
    with pytest.raises(ReportInvariantError,
                       match=r"report.budget_by_category, row 1, column 'Budget': expected a money"):
        write_report(report, tmp_path / "REPORT.xlsx", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_does_not_read_back_as_written_is_refused(report_path: Path) -> None:
    # The check run on the temporary file before it replaces anything.
    expected: list[Plain] = ["Total", "", "", 269500.5, 264681.1, -4819.4, -0.017883, 9, 60550.5, 47671.45,
                53510.35, 3, 6, 2]
    sheets = CalamineWorkbook.from_path(str(report_path)).sheet_names
    verify_report(report_path, sheets, TOTAL_ROW - 1, expected)  # as written: accepted
    with pytest.raises(ReportInvariantError, match=r"Total row .* \(column 4\)"):
        verify_report(report_path, sheets, TOTAL_ROW - 1, [*expected[:3], 269500.51, *expected[4:]])
    with pytest.raises(ReportInvariantError, match="has sheets"):
        verify_report(report_path, SHEETS, TOTAL_ROW - 1, expected)
    with pytest.raises(ReportInvariantError, match="could not be read back"):
        verify_report(report_path.with_name("missing.xlsx"), sheets, TOTAL_ROW - 1, expected)


# ---------------------------------------------------------------------------
# LibreOffice: recalculation and what page 1 looks like
# ---------------------------------------------------------------------------


class Rendered:
    def __init__(self, snapshot: Snapshot, png: Path) -> None:
        self.snapshot = snapshot
        self.png = png


@pytest.fixture(scope="module")
def rendered(report_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """One LibreOffice run: recalculate a copy without stored results, read the Total row, print."""
    require_libreoffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    bare = strip_cached_results(report_path, folder / "REPORT-uncalculated.xlsx")
    with LibreOfficeSession() as session:
        snapshot = session.process(bare, read={"Summary": [f"A{TOTAL_ROW}:N{TOTAL_ROW}"]},
                                   pdf=folder / "REPORT.pdf")
    assert snapshot.pdf is not None
    yield Rendered(snapshot, pdf_page_png(snapshot.pdf, 1, folder / "summary-page1.png", dpi=50))


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_total_row_to_the_cent(rendered: Rendered) -> None:
    total = rendered.snapshot.grid("Summary", f"A{TOTAL_ROW}:N{TOTAL_ROW}")[0]
    assert total[0].text == "Total"
    for cell, key in zip(total[3:], list(TOTALS), strict=True):
        assert cell.is_formula and cell.result == "VALUE", cell.address
        assert cell.value is not None
        expected = TOTALS[key]
        assert expected is not None
        places = Decimal("0.000001") if key == "Variance %" else CENT
        assert Decimal(repr(cell.value)).quantize(places) == Decimal(expected).quantize(places), key


@pytest.mark.libreoffice
def test_page_one_shows_the_table_and_both_charts(rendered: Rendered) -> None:
    page = read_png(rendered.png)
    assert page.width > page.height  # landscape
    assert page.ink() > len(page.pixels) // 50  # not blank
    # Bar colours used only by the charts: Actual (orange) and Gross Pay (green).
    assert page.count((0xED, 0x7D, 0x31), tolerance=30) > 300
    assert page.count((0x54, 0x82, 0x35), tolerance=30) > 300
