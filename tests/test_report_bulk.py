"""Long report tables rendered in bulk read back exactly as XlsxWriter's own cells.

Each long table is written twice: through the bulk path (addin/report/bulk.py)
and, with the threshold raised, cell by cell through XlsxWriter. The two files
must show the same thing in every cell: value, cell type, number format,
quote prefix, wrapping and row height (read with openpyxl and python-calamine,
two independent readers).
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
import xlsxwriter.workbook
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from xlsxwriter.exceptions import FileCreateError, OverlappingRange
from xlsxwriter.utility import _datetime_to_excel_datetime

from addin.consolidation.model import CALENDAR_COLUMNS, EXCEPTION_COLUMNS
from addin.report import bulk as bulk_module
from addin.report import layout, write_report
from addin.report.bulk import BulkWorkbook, BulkWorksheet, excel_serial
from tests.report_support import make_report
from tests.support.libreoffice import LibreOfficeSession, require_libreoffice

NOW = datetime(2026, 11, 23, 14, 15, 0)
EVENTS = 2_600  # above layout.FAST_FROM_ROWS, so the calendar takes the bulk path
ODD_ROWS = {
    # row position -> (column, value): cells the bulk renderer declines, or blanks
    7: ("Title", '=HYPERLINK("http://x","y")'),  # risky: quote prefix
    8: ("Location", None),  # blank: an empty cell with the column's format
    13: ("Start", None),  # blank in the first column, which names the row's place
    14: ("Attendees", float("nan")),  # pandas' missing number: blank too
    9: ("Title", "A very long event title that certainly needs more than one line to show"),
    10: ("Owner", "Line one\nline two"),
    11: ("Attendees", Decimal("2.5")),  # not whole in an integer column: shown as a number
    12: ("Start", datetime(2026, 10, 1, 9, 0, tzinfo=UTC)),  # time zone dropped, wall time kept
    2_599: ("Title", "+cmd|' /C calc'!A0"),
}


def long_calendar() -> pd.DataFrame:
    start = datetime(2026, 10, 1, 8)
    rows: list[list[Any]] = []
    for n in range(EVENTS):
        begin = start + timedelta(minutes=37 * n, microseconds=n)
        rows.append([begin, begin + timedelta(minutes=45), f"D{n % 7:02}", f"EV-{n:05}",
                     f"Meeting {n % 13}", "Meeting", f"Room {n % 5}", f"Owner {n % 11}",
                     [3, 3.0, Decimal("12")][n % 3]])
    for position, (column, value) in ODD_ROWS.items():
        rows[position][CALENDAR_COLUMNS.index(column)] = value
    return pd.DataFrame(rows, columns=list(CALENDAR_COLUMNS), dtype=object)


def long_exceptions() -> pd.DataFrame:
    rows = [("FIN", "/inbox/fin.xlsx", "Budget", f"F{n + 2}", "Actual", f"-{n}", "minimum",
             f"Actual is -{n}; it must be 0 or more", "error") for n in range(2_100)]
    return pd.DataFrame(rows, columns=list(EXCEPTION_COLUMNS), dtype=object)


def write_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    report = make_report()
    report.calendar = long_calendar()
    report.exceptions = long_exceptions()
    monkeypatch.setattr(layout, "BULK_SLICE", 1_000)  # three slices, odd rows in the first and last
    bulk = write_report(report, tmp_path / "bulk" / "REPORT.xlsx", now=NOW).path
    monkeypatch.setattr(layout, "FAST_FROM_ROWS", 10**9)
    cell_by_cell = write_report(report, tmp_path / "cells" / "REPORT.xlsx", now=NOW).path
    return bulk, cell_by_cell


def shown(path: Path, sheet: str) -> tuple[list[tuple[Any, ...]], dict[int, float], list[Any]]:
    """Every cell (value, type, number format, quote prefix, alignment), row heights and tables."""
    ws = openpyxl.load_workbook(path)[sheet]
    found = [
        (cell.coordinate, cell.value, cell.data_type, cell.number_format,
         cell.quotePrefix, cell.alignment.wrap_text, cell.alignment.vertical)
        for row in ws.iter_rows() for cell in row if cell.value is not None
    ]
    heights = {n: dim.height for n, dim in ws.row_dimensions.items() if dim.height}
    tables = [(t.name, t.ref, t.autoFilter.ref if t.autoFilter else None, t.tableStyleInfo.name,
               [c.name for c in t.tableColumns]) for t in ws.tables.values()]
    return found, heights, tables


@pytest.mark.parametrize("sheet", ["Schedule", "Exceptions"])
def test_bulk_rows_read_back_as_xlsxwriter_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet: str
) -> None:
    bulk, cell_by_cell = write_both(tmp_path, monkeypatch)
    assert shown(bulk, sheet) == shown(cell_by_cell, sheet)
    fast = CalamineWorkbook.from_path(str(bulk)).get_sheet_by_name(sheet).to_python()
    slow = CalamineWorkbook.from_path(str(cell_by_cell)).get_sheet_by_name(sheet).to_python()
    assert fast == slow


def test_shared_strings_are_counted_as_xlsxwriter_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every use of a shared string counts once, including the rows a bulk renderer
    # declined (such as an exception whose Value is "-5"), written cell by cell.
    bulk, cell_by_cell = write_both(tmp_path, monkeypatch)
    heads = []
    for path in (bulk, cell_by_cell):
        text = zipfile.ZipFile(path).read("xl/sharedStrings.xml")
        heads.append(text[text.index(b"<sst"):text.index(b">", text.index(b"<sst")) + 1])
    assert heads[0] == heads[1]
    assert b' count="' in heads[0]


def test_a_number_column_declines_true_though_it_equals_1(tmp_path: Path) -> None:
    # Renderers work once per distinct value, and True, 1 and 1.0 are one dictionary key.
    workbook = BulkWorkbook(str(tmp_path / "x.xlsx"))
    fmt = workbook.add_format({"num_format": "0"})
    render = bulk_module.number_column(0, fmt, True, False, True)
    one, blank = render([1], 0)[0], render([None], 0)[0]
    assert render([1, True, 1.0, Decimal(1), None], 0) == [one, None, one, one, blank]
    assert render([True, 1], 0) == [None, one]
    workbook.close()


def test_renderers_decline_values_that_cannot_be_dictionary_keys(tmp_path: Path) -> None:
    workbook = BulkWorkbook(str(tmp_path / "x.xlsx"))
    sheet = workbook.add_worksheet(worksheet_class=BulkWorksheet)
    fmt = workbook.add_format({"num_format": "0"})
    texts = bulk_module.text_column(sheet, 0, fmt, lambda text: True, False, True)
    text_cell = texts(["a"], 0)[0]
    assert texts(["a", ["x"], None, "a"], 0) == [text_cell, None, texts([None], 0)[0], text_cell]
    moments = bulk_module.datetime_column(0, fmt, False, True)
    moment_cell = moments([NOW], 0)[0]
    assert moments([NOW, Decimal("sNaN"), {"a": 1}], 0) == [moment_cell, None, None]
    numbers = bulk_module.number_column(0, fmt, False, False, True)
    assert numbers([Decimal("sNaN"), 2], 0) == [None, numbers([2], 0)[0]]
    workbook.close()


def test_a_negative_zero_is_written_as_zero_whatever_comes_first(tmp_path: Path) -> None:
    # Excel has no negative zero; each distinct amount is rendered once, and -0.0 is one
    # dictionary key with 0.
    workbook = BulkWorkbook(str(tmp_path / "x.xlsx"))
    render = bulk_module.number_column(0, workbook.add_format(), False, False, True)
    for values in ([0.0, -0.0, Decimal("-0.00")], [Decimal("-0.00"), 0, -0.0]):
        assert set(render(values, 0)) == {render([0], 0)[0]}
        assert str(render([0], 0)[0]).endswith('><v>0</v></c>')
    workbook.close()


def test_bulk_calendar_holds_every_event_with_its_odd_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk, _ = write_both(tmp_path, monkeypatch)
    ws = openpyxl.load_workbook(bulk)["Schedule"]
    header = next(row[0].row for row in ws.iter_rows() if row[0].value == "Start"
                  and row[3].value == "Event ID")
    first = header + 1
    assert ws.cell(first, 4).value == "EV-00000"
    assert ws.cell(first + EVENTS - 1, 4).value == f"EV-{EVENTS - 1:05}"
    assert ws.cell(first + EVENTS, 4).value is None
    risky = ws.cell(first + 7, 5)
    assert (risky.value, risky.data_type, risky.quotePrefix) == (
        '=HYPERLINK("http://x","y")', "s", True)
    assert ws.cell(first + 12, 1).value == datetime(2026, 10, 1, 9, 0)
    assert ws.cell(first + 11, 9).value == 2.5
    assert ws.cell(first + 1, 1).value == datetime(2026, 10, 1, 8, 37)  # openpyxl reads to the ms
    table = ws.tables["tblCalendar"]
    assert table.ref == f"A{header}:I{header + EVENTS}"


@given(st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_date_serials_are_xlsxwriters_own(moment: datetime) -> None:
    assert excel_serial(moment) == _datetime_to_excel_datetime(moment, False, False)


def test_a_long_table_over_an_earlier_table_is_refused(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(tmp_path / "t.xlsx")
    sheet = workbook.add_worksheet("S", worksheet_class=BulkWorksheet)
    sheet.add_table(0, 0, 4, 2, {"name": "tblFirst"})
    with pytest.raises(OverlappingRange, match=r"B4:D11 overlaps an earlier table .* at B4"):
        sheet.add_long_table(3, 1, 10, 3, {"name": "tblSecond"})
    assert sheet.add_long_table(6, 0, 10, 3, {"name": "tblThird"}) == 0
    assert [t["range"] for t in sheet.tables] == ["A1:C5", "A7:D11"]
    workbook.close()


def deflated_size(data: bytes, level: int) -> int:
    """The size of ``data`` deflated as a zip member is, at zlib ``level``."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(compressor.compress(data) + compressor.flush())


def test_report_parts_are_compressed_at_the_bulk_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk, _ = write_both(tmp_path, monkeypatch)
    with zipfile.ZipFile(bulk) as archive:
        member = archive.getinfo("xl/worksheets/sheet6.xml")  # the Schedule
        data = archive.read(member)
    assert member.compress_type == zipfile.ZIP_DEFLATED
    assert member.compress_size == deflated_size(data, bulk_module.ZIP_LEVEL)
    assert member.compress_size != deflated_size(data, 6)  # XlsxWriter's own level
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # put back for everyone else


def test_the_zip_level_is_put_back_when_storing_fails(tmp_path: Path) -> None:
    workbook = BulkWorkbook(str(tmp_path / "missing-folder" / "t.xlsx"))
    workbook.add_worksheet("S").write(0, 0, 1)
    with pytest.raises(FileCreateError):
        workbook.close()
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


@pytest.mark.libreoffice
def test_libreoffice_reads_bulk_rows_as_xlsxwriters_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bulk cells after a row's first name no place of their own (the optional r
    # attribute): a third reader must put them in the same columns.
    require_libreoffice()
    bulk, cell_by_cell = write_both(tmp_path, monkeypatch)
    area = {"Schedule": [f"A1:I{EVENTS + 20}"], "Exceptions": ["A1:I2120"]}
    with LibreOfficeSession() as session:
        fast, slow = (session.read_cells(path, area) for path in (bulk, cell_by_cell))
    for sheet, (address,) in area.items():
        shown_fast = [[(c.python_value, c.text) for c in row] for row in fast.grid(sheet, address)]
        shown_slow = [[(c.python_value, c.text) for c in row] for row in slow.grid(sheet, address)]
        assert shown_fast == shown_slow, sheet
        assert sum(1 for row in shown_fast if row[3][0] is not None) > 2_000, sheet
