"""A generator of realistic department workbooks for tests, clean or with defects.

Workbooks are written with plain XlsxWriter calls, independently of the
project's template writer, so that the reader is tested against files it did
not make. Rows are dicts keyed by the contract's English headers; values are
written as their Python type says (``str`` as text, numbers as numbers, dates as
date cells), and a few markers write what a clerk's workbook can contain:

* :class:`Formula` -- a formula with a saved result (which may be an Excel error);
* :class:`NoResult` -- a formula saved without its result;
* :class:`Serial` -- a plain number in a date column (an Excel serial date).

Run ``python -m tests.generator OUT_DIR`` to write a small sample set, clean
and faulty, as ``make demo`` does.
"""

from __future__ import annotations

import random
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

SHEETS = ("Budget", "Payroll", "Inventory", "Schedule")

HEADERS: dict[str, tuple[str, ...]] = {
    "Budget": ("Period", "Account Code", "Account Name", "Category", "Budget", "Actual", "Notes"),
    "Payroll": (
        "Employee ID", "Full Name", "Position", "Employment Type", "Base Salary",
        "Allowances", "Overtime Hours", "Deductions", "Bank Account",
    ),
    "Inventory": (
        "SKU", "Item Name", "Category", "Unit", "Location", "Quantity On Hand", "Unit Cost",
        "Reorder Level", "Reorder Quantity", "Supplier", "Last Counted",
    ),
    "Schedule": ("Event ID", "Title", "Type", "Start", "End", "Location", "Owner", "Attendees"),
}

INFO_KEYS = (
    "Department Code", "Department Name", "Period", "Currency", "Prepared By", "Template Version",
)


@dataclass(frozen=True)
class Formula:
    """A formula cell with a saved result (a number, text, or an error like ``#REF!``)."""

    text: str
    result: object = 0


@dataclass(frozen=True)
class NoResult:
    """A formula cell saved without its computed result."""

    text: str


@dataclass(frozen=True)
class Serial:
    """A plain number cell (an Excel serial date when in a date column)."""

    number: float


@dataclass
class Layout:
    """Where things go on each data sheet."""

    title_rows: int = 0  # title rows (and a blank row) above the header
    shuffle_seed: int | None = None  # shuffle column order with this seed
    table: bool = False  # write the data as an Excel Table
    table_totals: bool = False  # ... with a totals row
    total_label_row: bool = False  # a hand-made "Total" row after the data


@dataclass
class Department:
    """Everything one generated workbook holds."""

    code: str = "FIN"
    name: str = "Finance"
    period: str = "2026-10"
    currency: str = "USD"
    prepared_by: str = "Linh Tran"
    template_version: object = 1
    rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    layout: Layout = field(default_factory=Layout)
    info: dict[str, object] = field(default_factory=dict)  # overrides; None drops a key
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    drop_columns: dict[str, list[str]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)  # rename sheets
    omit_sheets: tuple[str, ...] = ()
    extra_sheets: tuple[str, ...] = ()
    merge: dict[str, str] = field(default_factory=dict)  # sheet -> "B5:B7"
    hidden_rows: dict[str, list[int]] = field(default_factory=dict)  # 0-based data row positions
    date1904: bool = False

    def info_values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "Department Code": self.code,
            "Department Name": self.name,
            "Period": self.period,
            "Currency": self.currency,
            "Prepared By": self.prepared_by,
            "Template Version": self.template_version,
        }
        values.update(self.info)
        return {key: value for key, value in values.items() if value is not None}


# --- Writing -----------------------------------------------------------------------------


def write_workbook(path: Path, dept: Department) -> Path:
    """Write ``dept`` to ``path`` (.xlsx) and return the path."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "date_1904": dept.date1904}
    book = xlsxwriter.Workbook(str(path), options)
    formats = _Formats(book)
    no_results: list[tuple[str, str]] = []
    _write_info(book, dept, formats)
    for sheet in SHEETS:
        if sheet in dept.omit_sheets:
            continue
        no_results += _write_data_sheet(book, dept, sheet, formats)
    for extra in dept.extra_sheets:
        book.add_worksheet(extra).write_string(0, 0, "Working notes")
    book.close()
    if no_results:
        _strip_saved_results(path, no_results)
    return path


class _Formats:
    def __init__(self, book: Any) -> None:
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.merged = book.add_format({"valign": "top"})


def _write_info(book: Any, dept: Department, formats: _Formats) -> None:
    sheet = book.add_worksheet(dept.sheet_names.get("Info", "Info"))
    sheet.write_string(0, 0, f"{dept.name} - department workbook", formats.title)
    for row, (key, value) in enumerate(dept.info_values().items(), start=2):
        sheet.write_string(row, 0, key)
        _write_value(sheet, row, 1, value, formats)


def _columns(dept: Department, sheet: str) -> list[str]:
    columns = [h for h in HEADERS[sheet] if h not in dept.drop_columns.get(sheet, [])]
    columns += dept.extra_columns.get(sheet, [])
    if dept.layout.shuffle_seed is not None:
        random.Random(dept.layout.shuffle_seed).shuffle(columns)
    return columns


def _write_data_sheet(
    book: Any, dept: Department, kind: str, formats: _Formats
) -> list[tuple[str, str]]:
    name = dept.sheet_names.get(kind, kind)
    sheet = book.add_worksheet(name)
    columns = _columns(dept, kind)
    rows = dept.rows.get(kind, [])
    header = 0
    if dept.layout.title_rows:
        sheet.write_string(0, 0, f"{dept.name} - {kind} {dept.period}", formats.title)
        for extra in range(1, dept.layout.title_rows):
            sheet.write_string(extra, 0, f"Prepared by {dept.prepared_by}")
        header = dept.layout.title_rows + 1  # a blank row between title and header
    no_results: list[tuple[str, str]] = []
    if dept.layout.table:
        _add_table(sheet, header, columns, len(rows), dept.layout.table_totals, kind)
    else:
        for col, title in enumerate(columns):
            sheet.write_string(header, col, title)
    for offset, row in enumerate(rows, start=1):
        for col, title in enumerate(columns):
            marker = _write_value(sheet, header + offset, col, row.get(title), formats)
            if isinstance(marker, NoResult):
                no_results.append((name, marker.text))
    last = header + len(rows) + (1 if dept.layout.table and dept.layout.table_totals else 0)
    if dept.layout.total_label_row:
        sheet.write_string(last + 1, 0, "Total")
        sheet.write_formula(last + 1, len(columns) - 1, "=1+1", None, 2)
    for position in dept.hidden_rows.get(kind, []):
        sheet.set_row(header + 1 + position, None, None, {"hidden": True})
    if kind in dept.merge:
        first, _, last_ref = dept.merge[kind].partition(":")
        value = _merged_value(rows, columns, first, header)
        # As in Excel, merging keeps only the first cell's value: the format makes
        # XlsxWriter write the other cells as blanks over the data written before.
        sheet.merge_range(f"{first}:{last_ref}", value, formats.merged)
    return no_results


def _merged_value(rows: Sequence[Mapping[str, object]], columns: list[str], ref: str,
                  header: int) -> str:
    col = ord(ref[0]) - 65
    row = int(ref[1:]) - 1 - header - 1
    return str(rows[row].get(columns[col], ""))


def _add_table(sheet: Any, header: int, columns: list[str], count: int, totals: bool,
               kind: str) -> None:
    specs: list[dict[str, object]] = [{"header": title} for title in columns]
    if totals:
        specs[0]["total_string"] = "Total"
        for spec in specs[1:]:
            if spec["header"] in ("Budget", "Base Salary", "Quantity On Hand"):
                spec["total_function"] = "sum"
    last = header + max(count, 1) + (1 if totals else 0)
    sheet.add_table(header, 0, last, len(columns) - 1,
                    {"name": f"tbl{kind}", "columns": specs, "total_row": totals})


def _write_value(sheet: Any, row: int, col: int, value: object, formats: _Formats) -> object:
    if value is None:
        return None
    if isinstance(value, Formula):
        sheet.write_formula(row, col, value.text, None, value.result)
    elif isinstance(value, NoResult):
        sheet.write_formula(row, col, value.text, None, "")
        return value
    elif isinstance(value, Serial):
        sheet.write_number(row, col, value.number)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, formats.datetime)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.date)
    else:
        raise TypeError(f"cannot write {value!r}")
    return None


def _strip_saved_results(path: Path, formulas: list[tuple[str, str]]) -> None:
    """Remove the saved result of the given formulas, as a workbook never recalculated has."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name in list(parts):
        if not name.startswith("xl/worksheets/sheet"):
            continue
        xml = parts[name]
        for _, text in formulas:
            formula = re.escape(text.lstrip("=").encode())
            xml = re.sub(rb"(<f>" + formula + rb"</f>)<v>[^<]*</v>", rb"\1", xml)
            xml = re.sub(rb'(<c r="[A-Z]+\d+"[^>]*?) t="str"(>)(?=<f>' + formula + rb"</f></c>)",
                         rb"\1\2", xml)
        parts[name] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


# --- Realistic rows ---------------------------------------------------------------------

ACCOUNTS = (
    ("6100", "Salaries and wages", "Personnel"),
    ("6110", "Employee benefits", "Personnel"),
    ("6200", "Office supplies", "Operations"),
    ("6210", "Printing and postage", "Operations"),
    ("6300", "Domestic travel", "Travel"),
    ("6310", "International travel", "Travel"),
    ("6400", "Staff training", "Training"),
    ("6500", "Software subscriptions", "IT"),
    ("6510", "Hardware maintenance", "IT"),
    ("6600", "Rent and utilities", "Facilities"),
    ("6700", "Advertising", "Marketing"),
    ("1500", "Office equipment", "Capital"),
    ("6900", "Bank charges", "Other"),
)

FIRST_NAMES = ("Linh", "Minh", "An", "Wei", "Jing", "Sarah", "David", "Maria", "Tuan", "Hoa",
               "Chen", "Emily", "James", "Thu", "Ngoc", "Li", "Omar", "Priya")
LAST_NAMES = ("Tran", "Nguyen", "Le", "Pham", "Zhang", "Wang", "Smith", "Garcia", "Hoang",
              "Liu", "Johnson", "Vo", "Chen", "Patel")
POSITIONS = ("Accountant", "Payroll Officer", "HR Generalist", "Office Manager", "Buyer",
             "IT Support Analyst", "Facilities Coordinator", "Legal Counsel", "Clerk")
ITEMS = (
    ("Copy paper A4", "Stationery", "box"), ("Toner cartridge", "Printing", "pcs"),
    ("Hand sanitiser", "Hygiene", "bottle"), ("Laptop charger", "IT", "pcs"),
    ("Coffee beans", "Pantry", "kg"), ("Safety gloves", "Safety", "pair"),
    ("Light bulb LED", "Maintenance", "pcs"), ("Whiteboard marker", "Stationery", "pcs"),
)
ROOMS = ("Room 101", "Room 102", "Boardroom", "Training Room", "Van 1")


def budget_rows(period: str = "2026-10", count: int = 8, seed: int = 1) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for code, name, category in ACCOUNTS[:count]:
        budget = Decimal(rng.randrange(500_00, 50_000_00)) / 100
        actual = (budget * Decimal(rng.randrange(70, 130)) / 100).quantize(Decimal("0.01"))
        rows.append({"Period": period, "Account Code": code, "Account Name": name,
                     "Category": category, "Budget": budget, "Actual": actual, "Notes": ""})
    return rows


def payroll_rows(count: int = 6, seed: int = 2, id_prefix: str = "E") -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for index in range(count):
        rows.append({
            "Employee ID": f"{id_prefix}{1001 + index}",
            "Full Name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "Position": rng.choice(POSITIONS),
            "Employment Type": rng.choice(("Full-time", "Full-time", "Part-time", "Contractor")),
            "Base Salary": Decimal(rng.randrange(2_000, 9_000) * 10),
            "Allowances": Decimal(rng.randrange(0, 500)),
            "Overtime Hours": rng.randrange(0, 20),
            "Deductions": Decimal(rng.randrange(0, 300)),
            "Bank Account": f"{rng.randrange(10**11, 10**12)}",
        })
    return rows


def inventory_rows(count: int = 6, seed: int = 3) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for index in range(count):
        item, category, unit = ITEMS[index % len(ITEMS)]
        rows.append({
            "SKU": f"SKU-{2001 + index}", "Item Name": item, "Category": category, "Unit": unit,
            "Location": "Main store", "Quantity On Hand": rng.randrange(0, 200),
            "Unit Cost": Decimal(rng.randrange(50, 20_000)) / 100,
            "Reorder Level": 20, "Reorder Quantity": 100,
            "Supplier": "Acme Supplies", "Last Counted": date(2026, 10, 28),
        })
    return rows


def schedule_rows(count: int = 5, seed: int = 4) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for index in range(count):
        start = datetime(2026, 10, 1 + index * 3 % 30, 9 + rng.randrange(0, 6))
        rows.append({
            "Event ID": f"EV-{index + 1:03d}", "Title": f"Team meeting {index + 1}",
            "Type": "Meeting", "Start": start, "End": start + timedelta(hours=1),
            "Location": ROOMS[index % len(ROOMS)], "Owner": "Linh Tran", "Attendees": 6,
        })
    return rows


def clean_department(**overrides: Any) -> Department:
    """A valid department with a few rows on every sheet."""
    dept = Department(**overrides)
    defaults = {"Budget": budget_rows(dept.period), "Payroll": payroll_rows(),
                "Inventory": inventory_rows(), "Schedule": schedule_rows()}
    for sheet, rows in defaults.items():
        dept.rows.setdefault(sheet, rows)
    return dept


def sample_set(folder: Path) -> list[Path]:
    """A few clean and faulty workbooks, as ``make demo`` validates them."""
    folder.mkdir(parents=True, exist_ok=True)
    clean = clean_department(layout=Layout(title_rows=2, table=True, table_totals=True))
    faulty = clean_department(code="HR", name="Human Resources", layout=Layout(shuffle_seed=7))
    faulty.rows["Budget"][2]["Actual"] = Decimal("-300")
    faulty.rows["Payroll"][1]["Overtime Hours"] = 250
    faulty.rows["Payroll"][3]["Allowances"] = Formula("=1/0", "#DIV/0!")
    faulty.rows["Schedule"][0]["End"] = datetime(2026, 9, 30, 8)
    faulty.rows["Inventory"][2]["Unit Cost"] = "12,50 EUR"
    return [
        write_workbook(folder / "FIN_2026-10.xlsx", clean),
        write_workbook(folder / "HR_2026-10.xlsx", faulty),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output")
    for written in sample_set(target):
        print(f"wrote {written}")
