"""Long tables written fast: the rows XlsxWriter would write, rendered in one pass.

A report of a whole organisation can hold a quarter of a million calendar
events. XlsxWriter keeps every cell as an object and writes it through
several generic calls (about 5 microseconds a cell, 12 s for the calendar at
one million input rows: more than reading and validating all the workbooks).
This module renders the usual cells of a long table (plain text, finite
numbers, date-times) straight to the ``<c>`` XML that XlsxWriter itself
would write: the same shared-string table, the same formats (XF indexes),
the same number text (``%.16G``) and the same date serials; a blank is an
empty cell with the column's format. Only a row's first cell names its place
(``r``); the others follow it. Any other cell makes its row go through
XlsxWriter's own path, so every rule of :mod:`addin.report.layout` still
applies to it.

:class:`BulkWorksheet` is an XlsxWriter ``Worksheet`` (through
``add_worksheet(worksheet_class=...)``) that accepts such pre-rendered rows
and writes them in their place among the rows XlsxWriter writes itself. It
relies on private parts of XlsxWriter 3 (hence the version bound in
pyproject.toml): ``_write_rows`` over ``dim_rowmin``..``dim_rowmax``,
``_write_row`` and ``row_info``, ``_check_dimensions``, the shared-string
table, ``Format._get_xf_index``, and the table record ``add_table`` keeps
(``range``, ``a_range``, ``autofilter``). tests/test_report_bulk.py compares
the result with XlsxWriter's own cell by cell, in three readers.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter.workbook
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.utility import xl_col_to_name, xl_range, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

#: Renders one column of a long table: its values, the first at worksheet row
#: ``first_row`` (0-based), each to its cell's XML, or to None for a cell that
#: is not usual ("write this row through XlsxWriter").
ColumnRenderer = Callable[[Sequence[object], int], list[str | None]]

_EXCEL_EPOCH = datetime(1899, 12, 31)
#: From this day on, Excel's serial is days since the epoch plus one (Excel
#: counts 29 February 1900, which never was). Earlier date-times take
#: XlsxWriter's own path, which handles that corner.
_AFTER_LEAP_BUG = datetime(1900, 3, 1)
_SECONDS_A_DAY = 60 * 60 * 24


def excel_serial(moment: datetime) -> float:
    """Excel's serial number of a naive date-time from 1 March 1900 on, as XlsxWriter computes it."""
    delta = moment - _EXCEL_EPOCH
    return delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / _SECONDS_A_DAY + 1


#: zlib level for the report's parts. XlsxWriter uses zlib's default (6); at 2
#: the calendar of a million input rows compresses in a third of the time
#: (0.7 -> 0.2 s, measured) for a file a quarter larger (6.1 -> 7.8 MB).
ZIP_LEVEL = 2
_ZIP_SWAP = threading.Lock()


class _LevelledZipFile(zipfile.ZipFile):
    """``ZipFile`` as XlsxWriter opens it, at :data:`ZIP_LEVEL`."""

    def __init__(self, file: Any, mode: Literal["w"], compression: int,
                 allowZip64: bool) -> None:  # XlsxWriter passes it by this name
        super().__init__(file, mode, compression, allowZip64, compresslevel=ZIP_LEVEL)


class BulkWorkbook(xlsxwriter.workbook.Workbook):  # type: ignore[misc]  # no type hints
    """An XlsxWriter workbook that compresses its parts at :data:`ZIP_LEVEL`.

    XlsxWriter has no option for the level: its ``_store_workbook`` opens the
    zip file itself, by the module's name ``ZipFile``, which is pointed at a
    subclass for the duration (under a lock, so two reports stored at once
    cannot leave it pointing there).
    """

    def _store_workbook(self) -> None:
        with _ZIP_SWAP:
            xlsxwriter.workbook.ZipFile = _LevelledZipFile
            try:
                super()._store_workbook()
            finally:
                xlsxwriter.workbook.ZipFile = zipfile.ZipFile


class BulkWorksheet(Worksheet):  # type: ignore[misc]  # XlsxWriter ships no type hints
    """A worksheet that also writes rows rendered by :func:`text_column` and its siblings."""

    # XlsxWriter's extent of the written cells (0-based rows), which _write_rows walks.
    dim_rowmin: int
    dim_rowmax: int

    def __init__(self) -> None:
        super().__init__()
        # Worksheet row (0-based) -> the XML of its cells.
        self.bulk_rows: dict[int, str] = {}

    def add_bulk_rows(self, rows: dict[int, str], first_col: int, last_col: int) -> bool:
        """Take rendered rows (row -> its cells' XML); False when one is beyond Excel's limits."""
        if rows:
            low, high = min(rows), max(rows)
            if self._check_dimensions(low, first_col) or self._check_dimensions(high, last_col):
                return False
            self.bulk_rows.update(rows)
        return True

    def add_long_table(self, first_row: int, first_col: int, last_row: int, last_col: int,
                       options: dict[str, Any]) -> int:
        """``add_table`` for a table of bulk rows (header row, no totals row, no formulas).

        XlsxWriter's own add_table checks every cell of the range against earlier
        tables and merged cells, one dictionary entry per cell (two million for a
        long calendar, 1.8 s). Here the range is checked as a rectangle, XlsxWriter
        builds the table over its header and first data row, and the table's
        range is then set to the whole of it.
        """
        if self._check_dimensions(last_row, last_col, True, True):
            return -1
        for row, col in [*self.table_cells, *self.merged_cells]:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                area = xl_range(first_row, first_col, last_row, last_col)
                raise OverlappingRange(f"Table range {area} overlaps an earlier table or merged "
                                       f"range at {xl_rowcol_to_cell(row, col)}")
        code: int = super().add_table(first_row, first_col, min(first_row + 1, last_row), last_col,
                                      options)
        if code == 0:
            table = self.tables[-1]
            table["range"] = table["a_range"] = xl_range(first_row, first_col, last_row, last_col)
            if "autofilter" in table:
                table["autofilter"] = table["a_range"]
        return code

    def shared_string(self, text: str) -> int:
        """The index of ``text`` in the workbook's shared strings, as write_string() takes it."""
        index: int = self.str_table._get_shared_string_index(text)
        return index

    def count_shared_uses(self, repeats: int) -> None:
        """Count ``repeats`` more uses of shared strings already indexed (the table's total count)."""
        self.str_table.count += repeats

    def _write_rows(self) -> None:
        if not self.bulk_rows:
            super()._write_rows()
            return
        first, last = self.dim_rowmin, self.dim_rowmax
        bulk = self.bulk_rows
        try:
            row = first
            while row <= last:
                end = row
                if row not in bulk:  # XlsxWriter's own rows, up to the next bulk row
                    while end < last and end + 1 not in bulk:
                        end += 1
                    self.dim_rowmin, self.dim_rowmax = row, end
                    super()._write_rows()
                else:
                    while end < last and end + 1 in bulk:
                        end += 1
                    self._write_bulk_run(row, end)
                row = end + 1
        finally:
            self.dim_rowmin, self.dim_rowmax = first, last

    def _write_bulk_run(self, first: int, last: int) -> None:
        """Bulk rows ``first`` to ``last``, each written once and then freed as the
        sheet's XML grows; a row with a height or format set takes XlsxWriter's tag."""
        bulk = self.bulk_rows
        styled = sorted(row for row in self.row_info if first <= row <= last)
        start = first
        for row in [*styled, last + 1]:
            for top in range(start, row, BULK_WRITE_ROWS):
                rows = range(top, min(top + BULK_WRITE_ROWS, row))
                self.fh.write("".join([f'<row r="{n + 1}">{cells}</row>'
                                       for n, cells in zip(rows, map(bulk.pop, rows), strict=True)]))
            if row <= last:
                cells = bulk.pop(row)
                self._write_row(row, None, self.row_info[row])
                self.fh.write(cells)
                self._xml_end_tag("row")
            start = row + 1


#: Bulk rows written to the sheet's XML in one call.
BULK_WRITE_ROWS = 1000


def _opening(col: int, first: bool) -> str:
    """How a cell's tag opens. Only a row's first cell names its place (``r``, optional
    in the file format); readers place the cells after it in the next columns, and
    bulk rows have no gaps. A quarter less XML to build, and to compress."""
    return f'<c r="{xl_col_to_name(col)}{{row}}"' if first else "<c"


def text_column(sheet: BulkWorksheet, col: int, fmt: Any, usable: Callable[[str], bool],
                first: bool, blank_ok: bool) -> ColumnRenderer:
    """Renders plain strings (``usable`` says which) as shared-string cells."""
    opening, xf = _opening(col, first), fmt._get_xf_index()
    blank = _blank(opening, xf, blank_ok)

    def render(values: Sequence[object], first_row: int) -> list[str | None]:
        # Each distinct value is judged, and a text put in the shared strings, once
        # (in order of first use, so the same report gives the same file); repeats
        # (codes, types, rooms) only count as another use. Looked up in C.
        cells: dict[object, str | None] = {}
        uses = 0
        distinct, values = _distinct(values, str)
        for raw in distinct:
            if type(raw) is str and usable(raw):
                cells[raw] = f'{opening} s="{xf}" t="s"><v>{sheet.shared_string(raw)}</v></c>'
                uses += 1
            else:  # blank, or declined: something else, or text to write cell by cell
                cells[raw] = blank if raw is None else None
        out = list(map(cells.__getitem__, values))
        if uses:  # every cell neither declined nor blank is a use of a shared string
            used = len(out) - out.count(None) - (out.count(blank) if blank is not None else 0)
            sheet.count_shared_uses(used - uses)
        return _placed(out, opening, first_row) if first else out

    return render


class _Declined:
    """What :func:`_distinct` puts in place of a value of another type."""


_DECLINED = _Declined()


def _distinct(
    values: Sequence[object], kind: type | None = None
) -> tuple[dict[object, None], Sequence[object]]:
    """Each distinct value once, in order of first appearance, and the values to look
    them up by: ``values`` themselves or, where one cannot be a dictionary key (a list,
    a signalling NaN), ``values`` with each value neither None nor of type ``kind``
    (which the renderer declines whatever it is) replaced by one stand-in. Equal values
    of different types, such as 1 and 1.0, are one: callers treat them alike or keep
    them apart."""
    try:
        return dict.fromkeys(values), values
    except TypeError:
        if kind is None:
            raise
    keyable = [value if value is None or type(value) is kind else _DECLINED for value in values]
    return dict.fromkeys(keyable), keyable


def number_column(col: int, fmt: Any, whole_only: bool, first: bool,
                  blank_ok: bool) -> ColumnRenderer:
    """Renders finite ints, floats and Decimals as number cells (whole numbers only if asked)."""
    opening, xf = _opening(col, first), fmt._get_xf_index()
    blank = _blank(opening, xf, blank_ok)

    def cell(raw: object) -> str | None:
        kind = type(raw)
        if kind is float or kind is int or (kind is Decimal and raw.is_finite()):  # type: ignore[attr-defined]
            value = float(raw) or 0.0  # type: ignore[arg-type]  # Excel has no -0
            if value - value == 0 and (not whole_only or value.is_integer()):  # finite
                return f'{opening} s="{xf}"><v>{value:.16G}</v></c>'
        return blank if raw is None else None

    def render(values: Sequence[object], first_row: int) -> list[str | None]:
        if bool in set(map(type, values)):  # True would be one key with 1: cell by cell
            out = list(map(cell, values))
        else:  # each distinct amount rendered once (counts, quantities and rates repeat)
            try:
                cells = {raw: cell(raw) for raw in _distinct(values)[0]}
            except TypeError:  # a value that cannot be a key (a signalling NaN)
                cells = None
            out = list(map(cell, values)) if cells is None else list(map(cells.__getitem__, values))
        return _placed(out, opening, first_row) if first else out

    return render


def datetime_column(col: int, fmt: Any, first: bool, blank_ok: bool) -> ColumnRenderer:
    """Renders naive date-times from 1 March 1900 on as date serial numbers."""
    opening, xf = _opening(col, first), fmt._get_xf_index()
    blank = _blank(opening, xf, blank_ok)

    def cell(raw: object) -> str | None:
        if type(raw) is not datetime or raw.tzinfo is not None or raw < _AFTER_LEAP_BUG:
            return blank if raw is None else None
        return f'{opening} s="{xf}"><v>{excel_serial(raw):.16G}</v></c>'

    def render(values: Sequence[object], first_row: int) -> list[str | None]:
        # Each distinct moment rendered once: calendars repeat their hour slots.
        distinct, values = _distinct(values, datetime)
        cells = {raw: cell(raw) for raw in distinct}
        out = list(map(cells.__getitem__, values))
        return _placed(out, opening, first_row) if first else out

    return render


def _blank(opening: str, xf: int, blank_ok: bool) -> str | None:
    """A missing value: an empty cell with the column's format, or None (declined) when
    the column shows something in its place."""
    return f'{opening} s="{xf}"/>' if blank_ok else None


def _placed(cells: list[str | None], opening: str, first_row: int) -> list[str | None]:
    """The first column's cells with their row filled in to the reference."""
    return [None if cell is None else cell.replace("{row}", str(row), 1)
            for row, cell in enumerate(cells, first_row + 1)]
