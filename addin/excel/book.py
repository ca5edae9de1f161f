"""A live workbook, read through xlwings into grids, and validated.

The macros validate what the person sees, unsaved edits included, so the
workbook is never read from disk: each contract sheet's used range is read
through xlwings (one bulk read per sheet, whatever the engine: COM on
Windows, AppleScript on macOS, the JSON payload of xlwings Server and Lite)
and handed to :func:`addin.validation.workbook.validate_grids` as a
:class:`~addin.reading.grid.Grid`, exactly like a file read with python-calamine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin.cells import RawValue
from addin.columns import normalise_header
from addin.excel.arguments import grid_value
from addin.kinds import DATA_KINDS, INFO_SHEET
from addin.reading.grid import Grid
from addin.settings import OrgConfig
from addin.validation.workbook import WorkbookResult, validate_grids

if TYPE_CHECKING:  # xlwings is imported by the macros; here it only types the arguments
    import xlwings as xw

CONTRACT_SHEETS = (INFO_SHEET, *DATA_KINDS)


def is_remote(book: xw.Book) -> bool:
    """Whether ``book`` is an xlwings Server / Lite payload rather than a desktop Excel workbook."""
    return isinstance(getattr(book.impl, "api", None), dict)


def find_sheet(book: xw.Book, wanted: str) -> xw.Sheet | None:
    """The workbook's sheet called ``wanted``, matched without regard to case or spaces."""
    key = normalise_header(wanted)
    for sheet in book.sheets:
        if normalise_header(sheet.name) == key:
            return sheet
    return None


def sheet_rows(sheet: xw.Sheet) -> list[list[RawValue]]:
    """The sheet's cells from A1 to the last used cell, as reader values."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1:
        value = sheet.range("A1").options(err_to_str=True).value
        return [[grid_value(value)]] if value not in (None, "") else []
    values: Any = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    return [[grid_value(cell) for cell in row] for row in values]


def totals_rows(sheet: xw.Sheet) -> frozenset[int]:
    """0-based rows that are an Excel Table's totals row: never data."""
    found: set[int] = set()
    # Not every engine knows tables (Office Scripts payloads, old Excel for Mac);
    # without them a totals row is still caught by its "Total" label.
    with contextlib.suppress(Exception):
        for table in sheet.tables:
            if table.show_totals and table.totals_row_range is not None:
                found.add(table.totals_row_range.row - 1)
    return frozenset(found)


def sheet_grid(sheet: xw.Sheet) -> Grid:
    return Grid(sheet=sheet.name, rows=sheet_rows(sheet), totals_rows=totals_rows(sheet))


@dataclass(slots=True)
class LiveBook:
    """What was read from the workbook: its sheet names and the contract sheets' grids."""

    name: str
    sheet_names: list[str]
    grids: dict[str, Grid] = field(default_factory=dict)

    def sheets_in_order(self) -> Iterator[Grid]:
        for name in self.sheet_names:
            if name in self.grids:
                yield self.grids[name]


def read_book(book: xw.Book) -> LiveBook:
    """Grids of the contract's sheets (Info and every data kind) found in ``book``."""
    names = [sheet.name for sheet in book.sheets]
    live = LiveBook(book.name, names)
    for wanted in CONTRACT_SHEETS:
        sheet = find_sheet(book, wanted)
        if sheet is not None and sheet.name not in live.grids:
            live.grids[sheet.name] = sheet_grid(sheet)
    return live


def validate_book(
    book: xw.Book, config: OrgConfig, today: date | None = None, ignore: tuple[str, ...] = ()
) -> tuple[WorkbookResult, LiveBook]:
    """Validate the live workbook; ``ignore`` names sheets the macros write themselves."""
    live = read_book(book)
    skipped = {normalise_header(name) for name in ignore}
    names = [name for name in live.sheet_names if normalise_header(name) not in skipped]
    result = validate_grids(Path(live.name), live.grids, config, today, names)
    return result, live
