"""Reading a workbook file into grids: python-calamine for the values,
:mod:`addin.reading.package` for what calamine cannot see.

A sheet is read (and its XML scanned) only when its grid is asked for.

Never writes to the file, and never re-saves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook

from addin.cells import EPOCH_1900, EPOCH_1904, NO_RESULT, RawValue
from addin.columns import normalise_header
from addin.errors import NotAWorkbook
from addin.reading.grid import Grid
from addin.reading.package import PackageInfo, SheetExtras, inspect_package, scan_sheet
from addin.reading.source import WorkbookSource, open_source
from addin.safety import ensure_safe_xml
from addin.settings import OrgConfig, ReadLimits


@dataclass
class WorkbookFile:
    """An opened workbook: its sheet names and a grid for each sheet on demand."""

    source: WorkbookSource
    package: PackageInfo
    limits: ReadLimits
    _calamine: CalamineWorkbook
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _closed: bool = field(default=False, repr=False)

    @property
    def path(self) -> Path:
        return self.source.path

    def close(self) -> None:
        """Let go of the file (a look reads from it as needed; see :func:`open_workbook`).
        Closing twice does nothing (python-calamine's own close raises then)."""
        if not self._closed:
            self._closed = True
            self._calamine.close()

    def __enter__(self) -> WorkbookFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def whole(self) -> bool:
        """Whether the file was read whole, once (see :func:`open_workbook`)."""
        return self.source.whole

    @property
    def sheet_names(self) -> list[str]:
        return list(self.package.sheets)

    def find_sheet(self, wanted: str) -> str | None:
        """The workbook's own name for sheet ``wanted`` (case and spaces ignored)."""
        key = normalise_header(wanted)
        for name in self.package.sheets:
            if normalise_header(name) == key:
                return name
        return None

    def grid(self, name: str) -> Grid:
        # Scanned first: a sheet too large to read is refused before calamine unpacks it.
        extras = scan_sheet(self.source, self.limits, self.package.sheets[name])
        try:
            sheet = self._calamine.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except CalamineError:
            raise NotAWorkbook(self.path, f"the sheet {name} is damaged and cannot be read; ask for "
                               "the workbook to be saved again") from None
        except (OverflowError, ValueError):  # python-calamine converting a cell
            raise NotAWorkbook(self.path, f"the sheet {name} holds a value that cannot be read "
                               "(such as a date or time out of range); ask for the workbook to "
                               "be checked and saved again") from None
        rows = cast(list[list[RawValue]], values)
        _patch_blind_spots(rows, extras)
        return Grid(
            sheet=name,
            rows=rows,
            epoch=EPOCH_1904 if self.package.date1904 else EPOCH_1900,
            totals_rows=frozenset(
                row for table in extras.tables for row in table.totals_row_indexes
            ),
            merged=[(r1, c1, r2, c2) for (r1, c1), (r2, c2) in merged],
        )


def _patch_blind_spots(rows: list[list[RawValue]], extras: SheetExtras) -> None:
    """Put error values and missing formula results where calamine shows blanks."""
    for (row, col), error in extras.errors.items():
        _put(rows, row, col, error)
    for row, col in extras.formulas_without_result:
        _put(rows, row, col, NO_RESULT)


def _put(rows: list[list[RawValue]], row: int, col: int, value: RawValue) -> None:
    while len(rows) <= row:
        rows.append([])
    cells = rows[row]
    if len(cells) <= col:
        cells.extend([None] * (col + 1 - len(cells)))
    cells[col] = value


def open_workbook(path: Path, config: OrgConfig, *, whole: bool = True) -> WorkbookFile:
    """Check, unlock and open ``path``; raises :class:`addin.errors.WorkbookError`.

    ``whole`` (the default) reads the file once, so that every sheet comes from
    the same save; ``whole=False`` is for a look at one small sheet, and reads
    only the parts of the file it needs (see :func:`~addin.reading.source.open_source`).
    """
    ensure_safe_xml()
    source = open_source(path, config.limits, config.password_for(path), whole=whole)
    package = inspect_package(source)
    try:
        if source.whole:
            book = CalamineWorkbook.from_filelike(source.open_binary())
        else:
            book = CalamineWorkbook.from_path(str(source.content))
    except (CalamineError, OSError, ValueError):
        raise NotAWorkbook(path, "the workbook is damaged and cannot be read; ask for it to be "
                           "saved again") from None
    return WorkbookFile(source, package, config.limits, book, list(source.notes),
                        list(source.warnings))
