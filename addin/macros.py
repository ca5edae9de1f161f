"""The button macros: Validate, Submit, Consolidate now, Clear marks.

Each macro is a function of an ``xw.Book`` (importable, and what the tests
call), exposed twice more:

* as an ``@xw.script`` (``validate_script``, ...) for xlwings Server and
  xlwings Lite, which inject the calling workbook;
* as a zero-argument entry point (``run_validate``, ...) for desktop Excel's
  VBA buttons: ``RunPython "import addin.macros as m; m.run_validate()"``
  (see ``macros/backoffice.bas``), which calls the macro with ``xw.Book.caller()``.

Every macro reads the live workbook through xlwings, unsaved edits included;
nothing is read from the file on disk. Problems a person can fix end in an
alert that says what to do; nothing ends in a traceback dialog.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pandas as pd
import xlwings as xw

from addin.errors import BackofficeError
from addin.excel import figures as org_figures
from addin.excel.book import (
    LiveBook,
    find_sheet,
    is_remote,
    sheet_grid,
    validate_book,
)
from addin.excel.config import current_config, organisation_folder
from addin.excel.marks import (
    VALIDATION_SHEET,
    ForeignSheet,
    apply_marks,
    counts_text,
    marks_for,
    remove_marks,
    safe_text,
    validation_sheet,
    write_validation_sheet,
)
from addin.excel.submission import SheetValues, SubmittedFiles, submit_files
from addin.kinds import INFO_SHEET
from addin.settings import OrgConfig
from addin.validation.info import validate_info
from addin.validation.workbook import WorkbookResult

logger = logging.getLogger(__name__)

ORG_SUMMARY_SHEET: Final = "Org Summary"
ORG_SUMMARY_TITLE: Final = "backoffice organisation summary"
OWN_SHEETS: Final = (VALIDATION_SHEET, ORG_SUMMARY_SHEET)
"""Sheets the macros write; never validated, never submitted."""

TITLE: Final = "backoffice"


class MacroStop(Exception):
    """The macro stops here; ``message`` is shown to the person in an alert."""

    def __init__(self, message: str, critical: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.critical = critical


def alert(book: xw.Book, message: str, *, critical: bool = False) -> None:
    book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if critical else "info")


@contextlib.contextmanager
def _quiet(book: xw.Book) -> Iterator[None]:
    """Desktop Excel repaints after every cell change: suspend that while marking."""
    if is_remote(book):
        yield  # Office.js applies the actions in one batch anyway
        return
    app = book.app
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = True


def _today() -> date:
    return date.today()


@dataclass(frozen=True, slots=True)
class Checked:
    """A validation of the live workbook: the result, what was read, cells left unmarked."""

    result: WorkbookResult
    live: LiveBook
    unmarked: int


def _validate(book: xw.Book, config: OrgConfig) -> Checked:
    """Clear old marks, validate the live workbook, mark it and list the problems."""
    try:
        sheet = validation_sheet(book)
    except ForeignSheet as exc:
        raise MacroStop(str(exc)) from None
    with _quiet(book):
        remove_marks(book, sheet)
        result, live = validate_book(book, config, _today(), ignore=OWN_SHEETS)
        issues = list(result.issues)
        marks = marks_for(issues, live.sheet_names)
        done = apply_marks(book, marks)
        write_validation_sheet(book, sheet, issues, done)
    return Checked(result, live, len(marks) - len(done))


def _summary(checked: Checked) -> str:
    errors = len(checked.result.issues.errors)
    warnings = len(checked.result.issues.warnings)
    if not errors and not warnings:
        return "No problems found."
    text = f"{counts_text(errors, warnings)}; see the {VALIDATION_SHEET} sheet."
    if checked.unmarked:
        text += (f" {checked.unmarked} cell(s) could not be coloured: is the sheet protected "
                 "against formatting?")
    return text


def validate(book: xw.Book) -> WorkbookResult:
    """Mark every problem in the workbook and list them on the Validation sheet."""
    checked = _validate(book, current_config())
    alert(book, _summary(checked), critical=bool(checked.result.issues.errors))
    return checked.result


def clear_marks(book: xw.Book) -> int:
    """Remove the validation marks and the Validation sheet; returns how many cells were cleared."""
    try:
        sheet = validation_sheet(book)
    except ForeignSheet as exc:
        raise MacroStop(str(exc)) from None
    with _quiet(book):
        cleared = remove_marks(book, sheet)
        if sheet is not None:
            sheet.delete()
    return cleared


# --- Submit -------------------------------------------------------------------------------------


def _who() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (a service account, a container)
        return "unknown"


def _submitted_sheets(live: LiveBook) -> list[SheetValues]:
    """The contract's sheets exactly as validated, in workbook order; nothing else leaves."""
    return [SheetValues(grid.sheet, grid.rows) for grid in live.sheets_in_order()]


def submit(book: xw.Book, *, now: datetime | None = None) -> SubmittedFiles | None:
    """Validate; if there are no errors, put a copy into the inbox with a receipt.

    Returns where the files went, or ``None`` when the workbook was refused.
    """
    config = current_config()
    checked = _validate(book, config)
    result, live = checked.result, checked.live
    errors = result.issues.errors
    if errors or result.info is None:
        count = counts_text(len(errors), len(result.issues.warnings))
        alert(book, f"Not submitted: {count}. Correct the errors (see the {VALIDATION_SHEET} sheet) "
                    "and press Submit again.", critical=True)
        return None
    inbox = organisation_folder(config, "inbox")
    info = result.info
    files = submit_files(
        inbox, info.department_code, info.period, _submitted_sheets(live),
        submitted_by=_who(), template_version=info.template_version, now=now,
    )
    warnings = len(result.issues.warnings)
    noted = f" ({warnings} warning{'' if warnings == 1 else 's'} on the {VALIDATION_SHEET} sheet)" \
        if warnings else ""
    kept = " The previous submission was kept as a version." if files.previous_version else ""
    alert(book, f"Submitted {info.department_code} {info.period} as {files.workbook}{noted}.{kept} "
                f"SHA-256 {files.receipt.sha256[:12]}...")
    return files


# --- Consolidate now ------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A report figure as Excel stores it: Decimal to float, pandas' missing values to blank."""
    if value is None or value is pd.NaT or isinstance(value, type(pd.NA)):
        return None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, bool | int | str | datetime | date):
        return value
    return str(value)


def _workbook_period(book: xw.Book) -> str | None:
    """The calling workbook's Period (Info sheet), if it has a valid one."""
    sheet = find_sheet(book, INFO_SHEET)
    if sheet is None:
        return None
    period = validate_info(sheet_grid(sheet), book.name).values.get("period")
    return period if isinstance(period, str) else None


def report_path(reports: Path, period: str | None, today: date) -> Path:
    """Where the button writes the report: ``<reports>/<period>/consolidated-<date>.xlsx``,
    the scheduler's default layout (``latest`` when the workbook names no period)."""
    return reports / (period or "latest") / f"consolidated-{today.isoformat()}.xlsx"


def _org_summary_sheet(book: xw.Book) -> xw.Sheet:
    sheet = find_sheet(book, ORG_SUMMARY_SHEET)
    if sheet is None:
        return book.sheets.add(ORG_SUMMARY_SHEET, after=book.sheets[len(book.sheets) - 1])
    first = sheet.range("A1").value
    if first not in (None, "") and not (isinstance(first, str) and first.startswith(ORG_SUMMARY_TITLE)):
        raise MacroStop(f"This workbook already has a sheet called {sheet.name} that backoffice did not "
                        "write; rename it so that the organisation summary can be shown")
    sheet.clear()
    return sheet


def consolidate_now(book: xw.Book) -> Any:
    """Consolidate the inbox and show the headline figures on the Org Summary sheet.

    Returns the consolidation run (:class:`addin.consolidation.ConsolidationRun`).
    """
    try:
        from addin.consolidation import consolidate  # noqa: PLC0415 - optional until it exists
    except ImportError:
        raise MacroStop("The consolidation is not available in this installation of backoffice") from None
    config = current_config()
    inbox = organisation_folder(config, "inbox")
    reports = organisation_folder(config, "reports")
    period = _workbook_period(book)
    out = report_path(reports, period, _today())
    out.parent.mkdir(parents=True, exist_ok=True)
    run = consolidate(inbox, out, config=config, period=period)
    report = run.report
    with contextlib.suppress(OSError):
        # The history BO_ORG reads; a read-only reports share must not fail the button.
        org_figures.record_run(org_figures.figures_from_report(report, run.report_path), reports)
    with _quiet(book):
        sheet = _org_summary_sheet(book)
        sheet.range("A1").value = _summary_table(report, run)
    alert(book, f"Consolidated {report.period}: {run.rows_accepted} rows accepted, "
                f"{run.rows_rejected} rejected. Report: {run.report_path}")
    return run


def _summary_table(report: Any, run: Any) -> list[list[object]]:
    columns = list(report.summary.columns)
    width = max(len(columns), 2)
    generated = report.generated_at
    rows: list[list[object]] = [
        [f"{ORG_SUMMARY_TITLE}: {report.organisation}, {report.period}"],
        ["Report", str(run.report_path)],
        ["Generated", generated.strftime("%Y-%m-%d %H:%M") if hasattr(generated, "strftime") else generated],
        ["Reporting currency", report.reporting_currency],
        ["Rows read", run.rows_read],
        ["Rows accepted", run.rows_accepted],
        ["Rows rejected", run.rows_rejected],
    ]
    if getattr(run, "note", ""):
        rows.append(["Note", str(run.note)])
    rows.append([None])
    rows.append(list(columns))
    for record in report.summary.itertuples(index=False):
        rows.append([_cell(value) for value in record])
    total = [_cell(report.totals.get(column)) for column in columns]
    if columns:
        total[0] = "Total"
    rows.append(total)
    return [[safe_text(v) for v in row] + [None] * (width - len(row)) for row in rows]


# --- Entry points -------------------------------------------------------------------------------

Macro = Callable[[xw.Book], object]


def run_macro(macro: Macro, book: xw.Book) -> None:
    """Run ``macro`` on ``book``; whatever stops it ends in an alert, not a traceback."""
    try:
        macro(book)
    except MacroStop as stop:
        alert(book, stop.message, critical=stop.critical)
    except BackofficeError as exc:  # configuration, inbox or reports folder
        alert(book, str(exc), critical=True)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        alert(book, f"A file could not be read or written{where}: {exc.strerror or exc}. Try again; "
                    "if it keeps failing, ask IT to check the network folder.", critical=True)
    except Exception as exc:
        logger.exception("macro %s failed", getattr(macro, "__name__", macro))
        alert(book, f"Something went wrong ({type(exc).__name__}: {exc}); please report it with the "
                    "workbook.", critical=True)


def run_validate() -> None:
    """VBA entry point: ``RunPython "import addin.macros as m; m.run_validate()"``."""
    run_macro(validate, xw.Book.caller())


def run_submit() -> None:
    """VBA entry point: ``RunPython "import addin.macros as m; m.run_submit()"``."""
    run_macro(submit, xw.Book.caller())


def run_consolidate_now() -> None:
    """VBA entry point: ``RunPython "import addin.macros as m; m.run_consolidate_now()"``."""
    run_macro(consolidate_now, xw.Book.caller())


def run_clear_marks() -> None:
    """VBA entry point: ``RunPython "import addin.macros as m; m.run_clear_marks()"``."""
    run_macro(clear_marks, xw.Book.caller())


# --- xlwings Server / Lite ------------------------------------------------------------------------


@xw.script(name="Validate")
def validate_script(book: xw.Book) -> None:
    """Validate the workbook: mark every problem and list them on the Validation sheet."""
    run_macro(validate, book)


@xw.script(name="Submit")
def submit_script(book: xw.Book) -> None:
    """Validate, then submit a copy of the workbook to the organisation's inbox."""
    run_macro(submit, book)


@xw.script(name="Consolidate now")
def consolidate_now_script(book: xw.Book) -> None:
    """Consolidate the inbox and show the headline figures on the Org Summary sheet."""
    run_macro(consolidate_now, book)


@xw.script(name="Clear marks")
def clear_marks_script(book: xw.Book) -> None:
    """Remove the validation marks and the Validation sheet."""
    run_macro(clear_marks, book)


__all__ = [
    "ORG_SUMMARY_SHEET",
    "MacroStop",
    "clear_marks",
    "clear_marks_script",
    "consolidate_now",
    "consolidate_now_script",
    "run_clear_marks",
    "run_consolidate_now",
    "run_macro",
    "run_submit",
    "run_validate",
    "submit",
    "submit_script",
    "validate",
    "validate_script",
]
