"""Validating one whole workbook against the contract.

Reads the Info sheet, then each data sheet of :data:`addin.kinds.DATA_KINDS`,
and returns everything the callers need (the CLI, the consolidation, the
macros): the Info values, the accepted rows of each sheet (a column at a time,
with their row numbers), and every issue.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from addin.columns import normalise_header
from addin.issues import Issue, IssueLog, Severity
from addin.kinds import DATA_KINDS, INFO_SHEET, RowContext
from addin.kinds.info import InfoModel
from addin.reading.grid import Grid
from addin.reading.table import HeaderNotFound, locate_table
from addin.reading.workbook import WorkbookFile, open_workbook
from addin.settings import OrgConfig
from addin.validation.info import validate_info
from addin.validation.rows import SheetResult, validate_table


@dataclass(slots=True)
class WorkbookResult:
    """A workbook, validated: what was accepted, and every problem found."""

    path: Path
    info: InfoModel | None
    sheets: dict[str, SheetResult] = field(default_factory=dict)
    issues: IssueLog = field(default_factory=IssueLog)
    notes: list[str] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)
    # False when only the Info sheet was read (see validate_workbook's ``wanted``):
    # ``sheets`` is then empty and ``issues`` are the Info sheet's.
    read_in_full: bool = True

    @property
    def ok(self) -> bool:
        return not self.issues.errors


def validate_workbook(
    path: Path, config: OrgConfig, today: date | None = None,
    wanted: Callable[[InfoModel], bool] | None = None,
) -> WorkbookResult:
    """Open and validate the workbook at ``path``.

    With ``wanted``, a workbook whose Info sheet is valid but not wanted (the
    consolidation's other periods) is left at its Info sheet: its data sheets
    are not even unpacked (``read_in_full`` is False).

    Raises :class:`addin.errors.WorkbookError` when the file cannot be read at all.
    """
    if wanted is not None:
        # A look at the Info sheet alone, reading only the parts it needs.
        with open_workbook(path, config, whole=False) as look:
            unwanted = _if_unwanted(look, wanted)
            if unwanted is not None:
                return unwanted
            if look.whole:  # a workbook with a password was decrypted whole already
                return _validate_book(look, config, today)
    # Closed whatever happens: an error kept for a retry (see read_when_stable)
    # must not keep the file open, least of all while garbage collection is paused.
    with open_workbook(path, config) as book:
        return _validate_book(book, config, today)


def _validate_book(book: WorkbookFile, config: OrgConfig, today: date | None) -> WorkbookResult:
    grids = {name: book.grid(name) for name in _wanted_sheets(book)}
    return validate_grids(book.path, grids, config, today, book.sheet_names, book.notes,
                          book.warnings)


def _if_unwanted(look: WorkbookFile, wanted: Callable[[InfoModel], bool]) -> WorkbookResult | None:
    """The workbook as far as its Info sheet when that sheet is valid but not
    ``wanted``; else None (it is to be read whole)."""
    name = look.find_sheet(INFO_SHEET)
    if name is None:
        return None
    info = validate_info(look.grid(name), str(look.path))
    if info.info is None or wanted(info.info):
        return None
    result = WorkbookResult(look.path, info.info, notes=list(look.notes), read_in_full=False)
    result.issues.extend(info.issues)
    result.extra_sheets = _extra_sheets(look.sheet_names)
    return result


def read_info(path: Path, config: OrgConfig) -> InfoModel | None:
    """The workbook's Info sheet, validated, and nothing else of it; None when it has
    no Info sheet or the sheet has errors.

    Raises :class:`addin.errors.WorkbookError` when the file cannot be read at all.
    """
    with open_workbook(path, config, whole=False) as book:
        name = book.find_sheet(INFO_SHEET)
        return validate_info(book.grid(name), str(path)).info if name is not None else None


def _wanted_sheets(book: WorkbookFile) -> list[str]:
    wanted = [book.find_sheet(name) for name in (INFO_SHEET, *DATA_KINDS)]
    return [name for name in wanted if name is not None]


def _extra_sheets(names: list[str]) -> list[str]:
    """Sheets that are not part of the contract (listed in the report's Sources)."""
    known = {normalise_header(name) for name in (INFO_SHEET, *DATA_KINDS)}
    return [n for n in names if normalise_header(n) not in known]


def validate_grids(
    path: Path,
    grids: dict[str, Grid],
    config: OrgConfig,
    today: date | None = None,
    sheet_names: list[str] | None = None,
    notes: list[str] | None = None,
    warnings: list[str] | None = None,
) -> WorkbookResult:
    """Validate sheets given as grids (from a file, or a live workbook via xlwings)."""
    file = str(path)
    names = sheet_names if sheet_names is not None else list(grids)
    result = WorkbookResult(path, None, notes=list(notes or []))
    result.issues.extend(
        Issue(file, "", "", "", "", "open-in-excel", warning, Severity.WARNING)
        for warning in warnings or []
    )
    by_key = {normalise_header(name): name for name in grids}
    period = currency = None
    info_name = by_key.get(normalise_header(INFO_SHEET))
    if info_name is None:
        result.issues.add(_missing_sheet(file, INFO_SHEET, names))
    else:
        info = validate_info(grids[info_name], file)
        result.info = info.info
        result.issues.extend(info.issues)
        period = info.values.get("period")
        # As the consolidation converts from it (ISO codes in capitals), when valid.
        currency = info.info.currency if info.info else info.values.get("currency")
    context = RowContext(period, currency, config.payroll, today or date.today())
    for kind in DATA_KINDS.values():
        name = by_key.get(normalise_header(kind.name))
        if name is None:
            result.issues.add(_missing_sheet(file, kind.name, names))
            result.sheets[kind.name] = SheetResult(kind, kind.name, present=False)
            continue
        located = locate_table(grids[name], kind, file)
        if isinstance(located, HeaderNotFound):
            result.issues.extend(located.issues)
            result.sheets[kind.name] = SheetResult(kind, name, present=False)
            continue
        sheet = validate_table(located, file, context)
        result.sheets[kind.name] = sheet
        result.issues.extend(sheet.issues)
    result.extra_sheets = _extra_sheets(names)
    return result


def _missing_sheet(file: str, wanted: str, names: list[str]) -> Issue:
    found = ", ".join(names) if names else "none"
    close = difflib.get_close_matches(wanted.casefold(), [n.casefold() for n in names], n=1)
    hint = ""
    if close:
        original = next(n for n in names if n.casefold() == close[0])
        hint = f" Was {wanted} renamed to {original}? Rename it back."
    return Issue(
        file, wanted, "", "", "", "missing-sheet",
        f"The sheet {wanted} is missing (sheets found: {found}).{hint}",
    )
