"""Writing cells, tables and page setup: the part every report sheet shares.

A :class:`SheetWriter` writes every value through one path that keeps the
report's promises: text is always a string cell (a quote prefix marks text
that looks like a formula), numbers are always number cells with the column's
format, a blank is a blank, and a value of the wrong type or a row beyond
Excel's limit raises rather than being shown as something else or dropped.
It also measures what it writes so that column widths fit the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from addin.consolidation.model import ConsolidatedReport
from addin.report import bulk
from addin.report import styles as st
from addin.report.bulk import BulkWorksheet
from addin.report.cells import (
    NUMERIC_KINDS,
    Column,
    Kind,
    Plain,
    display_width,
    inert_text,
    is_risky,
    plain,
)
from addin.report.errors import ReportInvariantError
from addin.report.styles import NUMBER_FORMATS, Styles

DATA: dict[str, Any] = {"valign": "top"}
# Tables longer than this have their usual rows rendered in bulk
# (addin/report/bulk.py), and their column widths measured on the first
# MEASURED_ROWS rows.
FAST_FROM_ROWS = 2_000
MEASURED_ROWS = 2_000
BULK_SLICE = 16_384  # rows of a long table rendered together
#: How a rendered cell that uses a shared string says so.
_SHARED = ' t="s">'
MIN_WIDTH = 6
PADDING = 2  # characters added to the widest content of a column
LINE_HEIGHT = 15  # points per line of Calibri 11
MAX_LINES = 27  # Excel's tallest row is 409 points
FILTER_BUTTON = 3  # characters an autofilter arrow covers in a header cell
TABLE_STYLE = "Table Style Light 1"


@dataclass(frozen=True)
class Placement:
    """Where a table went: its header row and data rows (0-based; no rows when first > last)."""

    header_row: int
    first_row: int
    last_row: int  # the last row the table uses (the "none" note when it has no rows)

    @property
    def has_rows(self) -> bool:
        return self.first_row <= self.last_row

    @property
    def next_row(self) -> int:
        """The first row free for whatever follows, one blank row below the table."""
        return self.last_row + 2


@dataclass
class ReportBook:
    """The workbook being written, with what every sheet needs to know about the report."""

    workbook: Any
    report: ConsolidatedReport
    styles: Styles = field(init=False)

    def __post_init__(self) -> None:
        self.styles = Styles(self.workbook)

    @property
    def currency(self) -> str:
        return self.report.reporting_currency

    def sheet(self, name: str) -> SheetWriter:
        return SheetWriter(self, name)


class SheetWriter:
    """One worksheet of the report."""

    def __init__(self, book: ReportBook, name: str) -> None:
        self.book = book
        self.name = name
        self.ws: Any = book.workbook.add_worksheet(name, worksheet_class=BulkWorksheet)
        self.widths: dict[int, int] = {}
        self.lines: dict[int, int] = {}  # rows holding wrapped text: how many lines they need

    # -- cells ---------------------------------------------------------------

    def measure(self, col: int, chars: int) -> None:
        self.widths[col] = max(self.widths.get(col, MIN_WIDTH), chars)

    def pixels(self, first: int, last: int) -> int:
        """About how wide columns ``first`` to ``last`` will be on screen (Calibri 11: 7 px a character)."""
        return sum(int((self.widths.get(col, 8.43 - PADDING) + PADDING) * 7 + 5)
                   for col in range(first, last + 1))

    def _fmt(self, props: dict[str, Any]) -> Any:
        return self.book.styles.get(props)

    def _check(self, code: int, row: int, col: int) -> None:
        # XlsxWriter reports a cell it could not place by a return code, not an
        # exception; a report that silently drops a row is not acceptable.
        if code == -1:
            raise ReportInvariantError(
                f"{self.name} sheet: row {row + 1}, column {col + 1} is beyond Excel's limits "
                "(1,048,576 rows, 16,384 columns); the report was not written"
            )
        if code < 0:
            raise ReportInvariantError(
                f"{self.name} sheet: the cell at row {row + 1}, column {col + 1} could not be written"
            )

    def text(self, row: int, col: int, text: str, props: dict[str, Any] | None = None, *,
             measure: bool = True, max_width: int = 45) -> None:
        """Write ``text`` as a string cell that no spreadsheet will run as a formula."""
        value = inert_text(text)
        fmt = {**DATA, **(props or {})}
        if is_risky(value):
            # Shown as typed, like a cell typed with a leading apostrophe.
            fmt["quote_prefix"] = True
        width = display_width(value, Kind.TEXT)
        # Only measured (table) cells wrap: a heading or note may run across
        # the empty cells to its right, which wrapping would stop.
        if measure and (width > max_width or "\n" in value):
            fmt["text_wrap"] = True
            # Neither Excel nor LibreOffice reliably grows a row for wrapped
            # text in a file they open, so the height is set at finish().
            needed = sum(max(1, -(-len(line) // max_width)) for line in value.splitlines())
            self.lines[row] = max(self.lines.get(row, 1), needed)
        self._check(self.ws.write_string(row, col, value, self._fmt(fmt)), row, col)
        if measure:
            self.measure(col, min(width, max_width))

    def value(self, row: int, col: int, raw: object, kind: Kind, props: dict[str, Any] | None = None,
              *, where: str, none_text: str | None = None, max_width: int = 45,
              measure: bool = True) -> None:
        """Write ``raw`` as the cell type its ``kind`` calls for; ``where`` names it in errors."""
        value = plain(raw, where)
        extra = props or {}
        if value is None:
            if none_text is not None:
                self.text(row, col, none_text, {**st.SUPPRESSED, **extra}, measure=measure)
            return
        if isinstance(value, str):
            if kind in NUMERIC_KINDS or kind in (Kind.DATE, Kind.DATETIME):
                raise ReportInvariantError(f"{where}: expected a {kind.value}, found text")
            self.text(row, col, value, extra, measure=measure, max_width=max_width)
            return
        if kind in NUMERIC_KINDS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ReportInvariantError(f"{where}: expected a {kind.value}, found a {type(raw).__name__}")
        if isinstance(value, bool):
            code = self.ws.write_boolean(row, col, value, self._fmt({**DATA, **extra}))
        elif isinstance(value, int | float):
            if kind in (Kind.DATE, Kind.DATETIME, Kind.MONTH):
                raise ReportInvariantError(f"{where}: expected a {kind.value}, found a number")
            shown: Kind = kind if kind in NUMERIC_KINDS else Kind.NUMBER
            if shown is Kind.INTEGER and not float(value).is_integer():
                shown = Kind.NUMBER  # never round a count that is not whole
            fmt = {**DATA, "num_format": NUMBER_FORMATS[shown], **extra}
            code = self.ws.write_number(row, col, value, self._fmt(fmt))
        else:
            if kind in NUMERIC_KINDS:
                raise ReportInvariantError(f"{where}: expected a {kind.value}, found a date")
            stamp, shown = _date_cell(value, kind)
            fmt = {**DATA, "num_format": NUMBER_FORMATS[shown], **extra}
            code = self.ws.write_datetime(row, col, stamp, self._fmt(fmt))
        self._check(code, row, col)
        if measure:
            self.measure(col, display_width(value, kind))

    def formula(self, row: int, col: int, formula: str, cached: Plain, kind: Kind,
                props: dict[str, Any] | None = None) -> None:
        """A formula with its result already stored, so every reader shows it without recalculating."""
        fmt = {**DATA, **(props or {})}
        if kind in NUMBER_FORMATS:
            fmt["num_format"] = NUMBER_FORMATS[kind]
        stored = "" if cached is None else cached
        self._check(self.ws.write_formula(row, col, formula, self._fmt(fmt), stored), row, col)
        self.measure(col, display_width(cached, kind))

    # -- blocks --------------------------------------------------------------

    def title(self, row: int, text: str, props: dict[str, Any] | None = None) -> None:
        """A heading in column A; not measured, so it does not widen column A."""
        self.text(row, 0, text, props or st.TITLE, measure=False, max_width=10_000)

    def note(self, row: int, text: str, col: int = 0) -> None:
        self.text(row, col, text, st.NOTE, measure=False, max_width=10_000)

    def header_row(self, row: int, left: int, columns: Sequence[Column]) -> None:
        for i, column in enumerate(columns):
            self.text(row, left + i, column.header, st.HEADER, measure=False)
            self.measure(left + i, len(column.header) + FILTER_BUTTON)

    def table(self, top: int, left: int, columns: Sequence[Column], rows: Sequence[Sequence[object]],
              *, name: str, what: str, empty_text: str,
              row_props: Sequence[dict[str, Any]] | None = None) -> Placement:
        """An Excel table (banded, with autofilter) of ``rows`` under a header row at ``top``.

        ``what`` names the data in error messages ("report.summary"). With no rows
        the header is written with ``empty_text`` below it (Excel tables need a row).
        ``row_props`` adds formatting to every cell of a row (e.g. a colour).
        """
        if not rows:
            self.header_row(top, left, columns)
            self.note(top + 1, empty_text, left)
            return Placement(top, top + 2, top + 1)
        last = top + len(rows)
        header_fmt = self._fmt(st.HEADER)
        options = {
            "name": name,
            "style": TABLE_STYLE,
            "columns": [{"header": c.header, "header_format": header_fmt} for c in columns],
        }
        long = row_props is None and len(rows) > FAST_FROM_ROWS
        add = self.ws.add_long_table if long else self.ws.add_table
        self._check(add(top, left, last, left + len(columns) - 1, options), last, left + len(columns) - 1)
        for i, column in enumerate(columns):
            self.measure(left + i, len(column.header) + FILTER_BUTTON)
        if long:
            self._long_table(top, left, columns, rows, what)
            return Placement(top, top + 1, last)
        for offset, row in enumerate(rows):
            if len(row) != len(columns):
                raise ReportInvariantError(f"{what}: row {offset + 1} has {len(row)} values, "
                                           f"expected {len(columns)}")
            props = row_props[offset] if row_props is not None else None
            for i, (column, raw) in enumerate(zip(columns, row, strict=True)):
                self.value(top + 1 + offset, left + i, raw, column.kind, props,
                           where=f"{what}, row {offset + 1}, column {column.key!r}",
                           none_text=column.none_text, max_width=column.max_width)
        return Placement(top, top + 1, last)

    def _long_table(self, top: int, left: int, columns: Sequence[Column],
                    rows: Sequence[Sequence[object]], what: str) -> None:
        """The rows of a long table, the usual ones rendered in bulk (:mod:`addin.report.bulk`).

        A row whose every cell is usual (plain text, a finite number in a
        numeric column, a date-time in a date-time column, a blank where the
        column shows nothing in its place) is rendered straight
        to XML with its column's format, a column at a time; any other row is
        written cell by cell through :meth:`value`, so the rules and checks are
        the same. Widths come from the first :data:`MEASURED_ROWS` rows.
        """
        if set(map(len, rows)) - {len(columns)}:  # checked in C; the row found if one is off
            offset, row = next((o, r) for o, r in enumerate(rows) if len(r) != len(columns))
            raise ReportInvariantError(f"{what}: row {offset + 1} has {len(row)} values, "
                                       f"expected {len(columns)}")
        first = top + 1
        renderers = [self._renderer(left + i, column, first=i == 0) for i, column in enumerate(columns)]
        usual: dict[int, str] = {}
        # In slices, so that only one slice's cells are held apart from their rows.
        for start in range(0, len(rows), BULK_SLICE):
            part = rows[start:start + BULK_SLICE]
            values = list(zip(*part, strict=True))
            rendered = [render(values[i], first + start) for i, render in enumerate(renderers)]
            for offset, cells in enumerate(zip(*rendered, strict=True), start):
                if None not in cells:
                    usual[first + offset] = "".join(cells)
                    continue
                # Written cell by cell below, which counts its own uses of shared strings.
                self.ws.count_shared_uses(-sum(1 for cell in cells if cell and _SHARED in cell))
                for i, (column, raw) in enumerate(zip(columns, rows[offset], strict=True)):
                    self.value(first + offset, left + i, raw, column.kind, None,
                               where=f"{what}, row {offset + 1}, column {column.key!r}",
                               none_text=column.none_text, max_width=column.max_width,
                               measure=offset < MEASURED_ROWS)
        if not self.ws.add_bulk_rows(usual, left, left + len(columns) - 1):
            self._check(-1, max(usual), left + len(columns) - 1)
        for offset, row in enumerate(rows[:MEASURED_ROWS]):
            if first + offset in usual:
                for i, (raw, column) in enumerate(zip(row, columns, strict=True)):
                    self.measure(left + i, display_width(plain(raw, what), column.kind))

    def _renderer(self, col: int, column: Column, first: bool) -> bulk.ColumnRenderer:
        """How the usual cells of ``column`` are rendered; the renderer declines any other."""
        kind, limit = column.kind, column.max_width
        # A blank stays blank (written as an empty cell with the column's format,
        # as Excel keeps a formatted empty cell) unless the column says something
        # in its place, such as "suppressed".
        blank_ok = column.none_text is None
        if kind in NUMERIC_KINDS:
            fmt = self._fmt({**DATA, "num_format": NUMBER_FORMATS[kind]})
            return bulk.number_column(col, fmt, kind is Kind.INTEGER, first, blank_ok)
        if kind is Kind.DATETIME:
            fmt = self._fmt({**DATA, "num_format": NUMBER_FORMATS[kind]})
            return bulk.datetime_column(col, fmt, first, blank_ok)

        def usable(text: str) -> bool:
            return len(text) <= limit and "\n" not in text and not is_risky(text)

        return bulk.text_column(self.ws, col, self._fmt(dict(DATA)), usable, first, blank_ok)

    # -- page ----------------------------------------------------------------

    def finish(self, *, repeat_row: int | None, freeze_row: int | None,
               confidential: bool = False, fit_height: int = 0) -> None:
        """Column widths, frozen header, and a landscape print one page wide with a header row."""
        for col, chars in sorted(self.widths.items()):
            self.ws.set_column(col, col, chars + PADDING)
        for row, lines in sorted(self.lines.items()):
            self.ws.set_row(row, LINE_HEIGHT * min(lines, MAX_LINES))
        if freeze_row is not None:
            self.ws.freeze_panes(freeze_row, 0)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, fit_height)
        self.ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
        if repeat_row is not None:
            self.ws.repeat_rows(repeat_row)
        report = self.book.report
        where = _hf(f"{report.organisation[:80]} — {report.period}")
        made = f"Generated {report.generated_at:%Y-%m-%d %H:%M}"
        if confidential:
            self.ws.set_header(f"&L{where}&C&\"-,Bold\"CONFIDENTIAL — {_hf(self.name)}&RCONFIDENTIAL")
            self.ws.set_footer(f"&LConfidential: personal data. {made}&RPage &P of &N")
            self.ws.set_tab_color("#C00000")
        else:
            self.ws.set_header(f"&L{where}&C{_hf(self.name)}")
            self.ws.set_footer(f"&L{made}&RPage &P of &N")


def _hf(text: str) -> str:
    """Text for a page header or footer, where ``&`` starts a control code."""
    return text.replace("&", "&&")


def _date_cell(value: date, kind: Kind) -> tuple[datetime, Kind]:
    """The datetime to write and the kind whose format shows it without hiding anything."""
    if isinstance(value, datetime):
        if kind is Kind.MONTH:
            return value, Kind.MONTH
        if kind is Kind.DATETIME or value.time() != time():
            return value, Kind.DATETIME
        return value, Kind.DATE
    return datetime.combine(value, time()), Kind.MONTH if kind is Kind.MONTH else Kind.DATE


def frame_rows(frame: object, names: Sequence[str], what: str) -> list[tuple[object, ...]]:
    """The rows of a model DataFrame, restricted to ``names`` in that order.

    Only the declared columns are written: any other column is left out on
    purpose (an extra column in a payroll table could carry personal data).
    A declared column that is missing while there are rows is an error.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ReportInvariantError(f"{what} is not a table (DataFrame)")
    if len(frame) == 0:
        return []
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ReportInvariantError(f"{what} has no column {', '.join(map(repr, missing))}")
    return list(frame.loc[:, list(names)].itertuples(index=False, name=None))
