"""Validation marks in a live workbook: cell fills, cell notes, and the Validation sheet.

The Validation sheet is both the clerk's list of problems and the record of
what was marked: each row names the sheet and cell, and its *Marked* column
says whether the cell got a fill, a fill and a note, or nothing. Clearing the
marks reads that record back, so only cells this code marked are touched,
and a note someone wrote by hand is never deleted (a cell that already has
a note gets a fill only).

Everything goes through xlwings' object model, so the same calls work on
desktop Excel and, as JSON actions, in xlwings Server and Lite.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from addin.cells import parse_a1
from addin.excel.book import find_sheet, is_remote, sheet_rows
from addin.issues import Issue, Severity

if TYPE_CHECKING:  # xlwings is imported by the macros; here it only types the arguments
    import xlwings as xw

VALIDATION_SHEET: Final = "Validation"
TITLE_PREFIX: Final = "backoffice validation"
ERROR_FILL: Final = "#FFC7CE"  # the templates' red attention colour
WARNING_FILL: Final = "#FFEB9C"  # and their amber one
HEADER_FILL: Final = "#D9D9D9"
NOTE_PREFIX: Final = "backoffice:"

HEADERS: Final = ("Severity", "Sheet", "Cell", "Column", "Value", "Message", "Rule", "Go to", "Marked")
HEADER_ROW: Final = 3  # 1-based: a title, a blank row, then the headers
WIDTHS: Final = (9, 14, 9, 18, 18, 80, 24, 14, 12)  # in characters
POINTS_PER_CHARACTER: Final = 6  # about, in Calibri 11

MARKED_FILL: Final = "fill"
MARKED_NOTE: Final = "fill + note"

_CELL: Final = re.compile(r"^[A-Z]{1,3}\d+$")
_ROW: Final = re.compile(r"^(\d+):\d+$")


class ForeignSheet(Exception):
    """A sheet the macros would overwrite exists and was not written by them."""


@dataclass(slots=True)
class Mark:
    """One cell to mark: the worst severity found there and every message about it."""

    sheet: str
    cell: str
    severity: Severity
    messages: list[str] = field(default_factory=list)

    @property
    def fill(self) -> str:
        return ERROR_FILL if self.severity is Severity.ERROR else WARNING_FILL

    @property
    def note(self) -> str:
        lines = [NOTE_PREFIX, *self.messages]
        return "\n".join(lines)


def marks_for(issues: Iterable[Issue], sheet_names: Sequence[str]) -> list[Mark]:
    """One mark per single cell with issues, on sheets that exist; errors outrank warnings."""
    existing = set(sheet_names)
    marks: dict[tuple[str, str], Mark] = {}
    for issue in issues:
        if issue.sheet not in existing or not _CELL.match(issue.cell):
            continue
        mark = marks.setdefault((issue.sheet, issue.cell), Mark(issue.sheet, issue.cell, issue.severity))
        if issue.severity is Severity.ERROR:
            mark.severity = Severity.ERROR
        label = "Error" if issue.severity is Severity.ERROR else "Warning"
        mark.messages.append(f"{label}: {issue.message}")
    return list(marks.values())


def _notes_supported(book: xw.Book) -> bool:
    """Office Scripts payloads (and Excel without ExcelApi 1.18) have no notes."""
    if not is_remote(book):
        return True
    api = book.impl.api
    return bool(api.get("client") == "Office.js") and all(
        sheet.get("notes_supported") is not False and "notes" in sheet
        for sheet in api.get("sheets", [])
    )


def apply_marks(book: xw.Book, marks: Sequence[Mark]) -> dict[tuple[str, str], str]:
    """Fill each marked cell and add its note; returns what was done, by (sheet, cell).

    A cell Excel refuses to format (a protected sheet that does not allow
    formatting) is left out of the result rather than stopping the macro.
    """
    done: dict[tuple[str, str], str] = {}
    notes = _notes_supported(book)
    for mark in marks:
        cell = book.sheets[mark.sheet].range(mark.cell)
        try:
            cell.color = mark.fill
            done[(mark.sheet, mark.cell)] = MARKED_FILL
            if notes and cell.note is None:
                cell.add_note(mark.note)
                done[(mark.sheet, mark.cell)] = MARKED_NOTE
        except Exception:  # noqa: S112 - desktop Excel refuses formats on a protected sheet
            # The problem is still listed on the Validation sheet; the caller says how
            # many cells could not be marked.
            continue
    return done


def _is_ours(sheet: xw.Sheet) -> bool:
    first = sheet.range("A1").value
    if isinstance(first, str) and first.startswith(TITLE_PREFIX):
        return True
    # An empty sheet of that name (made by hand, or emptied) may be reused.
    return first in (None, "") and sheet.used_range.last_cell.row == 1


def validation_sheet(book: xw.Book) -> xw.Sheet | None:
    """The Validation sheet, if there is one; :class:`ForeignSheet` if someone else's."""
    sheet = find_sheet(book, VALIDATION_SHEET)
    if sheet is not None and not _is_ours(sheet):
        raise ForeignSheet(
            f"This workbook already has a sheet called {sheet.name} that backoffice did not "
            "write; rename it so that the validation results can be listed"
        )
    return sheet


def recorded_marks(sheet: xw.Sheet) -> list[tuple[str, str, str]]:
    """(sheet, cell, what was marked) for every marked row of a Validation sheet."""
    rows = sheet_rows(sheet)
    header = next(
        (i for i, row in enumerate(rows[:10]) if "Marked" in row and "Cell" in row and "Sheet" in row),
        None,
    )
    if header is None:
        return []
    columns = {name: rows[header].index(name) for name in ("Sheet", "Cell", "Marked")}
    found: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows[header + 1:]:
        values = [row[columns[n]] if columns[n] < len(row) else None for n in ("Sheet", "Cell", "Marked")]
        sheet_name, cell, marked = (str(v) if v is not None else "" for v in values)
        if marked in (MARKED_FILL, MARKED_NOTE) and _CELL.match(cell) and (sheet_name, cell) not in seen:
            seen.add((sheet_name, cell))
            found.append((sheet_name, cell, marked))
    return found


def remove_marks(book: xw.Book, sheet: xw.Sheet | None) -> int:
    """Undo the marks recorded on the Validation sheet ``sheet``; returns how many cells."""
    if sheet is None:
        return 0
    cleared = 0
    for sheet_name, cell_ref, marked in recorded_marks(sheet):
        target = find_sheet(book, sheet_name)
        if target is None:
            continue
        cell = target.range(cell_ref)
        cell.color = None
        if marked == MARKED_NOTE:
            note = cell.note
            if note is not None:
                note.delete()
        cleared += 1
    return cleared


def safe_text(value: object) -> object:
    """Text written as a value is never read as a formula: a leading = + - @ gets an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def link_formula(sheet_names: Sequence[str], issue: Issue) -> str:
    """``=HYPERLINK("#'Budget'!F12","Budget!F12")``, or "" when there is nothing to go to.

    A HYPERLINK formula to an in-workbook address (``#Sheet!A1``) is followed
    the same way by desktop Excel on Windows and macOS and by Excel on the web,
    whereas the ``addHyperlink`` action of Office.js only takes web addresses.
    """
    if issue.sheet not in sheet_names:
        return ""
    target = issue.cell if _CELL.match(issue.cell) else "A1"
    row_match = _ROW.match(issue.cell)
    if row_match:
        target = f"A{row_match.group(1)}"
    shown = f"{issue.sheet}!{issue.cell}" if issue.cell else issue.sheet
    address = f"#{_quoted_sheet(issue.sheet)}!{target}"
    return f'=HYPERLINK("{_escape(address)}","{_escape(shown)}")'


def _escape(text: str) -> str:
    return text.replace('"', '""')


def _order(issue: Issue) -> tuple[int, str, int, int]:
    """Errors first, then by sheet, row and column."""
    row, col = parse_a1(issue.cell) if _CELL.match(issue.cell) else (-1, -1)
    return (0 if issue.severity is Severity.ERROR else 1, issue.sheet, row, col)


def counts_text(errors: int, warnings: int) -> str:
    """``3 errors, 1 warning``."""
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def write_validation_sheet(
    book: xw.Book,
    sheet: xw.Sheet | None,
    issues: Sequence[Issue],
    done: dict[tuple[str, str], str],
    *,
    when: datetime | None = None,
) -> xw.Sheet:
    """Write (or rewrite) the Validation sheet listing ``issues``; returns it."""
    if sheet is None:
        sheet = book.sheets.add(VALIDATION_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear()
    names = [s.name for s in book.sheets]
    errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
    moment = (when or datetime.now()).strftime("%Y-%m-%d %H:%M")
    title = f"{TITLE_PREFIX} of {book.name}, {moment}: {counts_text(errors, len(issues) - errors)}"
    ordered = sorted(issues, key=_order)
    table: list[list[Any]] = [[title], [None], list(HEADERS)]
    for issue in ordered:
        table.append([safe_text(v) for v in (
            issue.severity.value, issue.sheet, issue.cell, issue.column, issue.value,
            issue.message, issue.rule, None, done.get((issue.sheet, issue.cell), ""),
        )])
    width = len(HEADERS)
    sheet.range("A1").value = [row + [None] * (width - len(row)) for row in table]
    sheet.range((HEADER_ROW, 1), (HEADER_ROW, width)).color = HEADER_FILL
    if ordered:
        link_col = HEADERS.index("Go to") + 1
        first = HEADER_ROW + 1
        links = [[link_formula(names, issue)] for issue in ordered]
        sheet.range((first, link_col), (first + len(links) - 1, link_col)).formula = links
    # Desktop Excel measures column widths in characters, Office.js in points.
    unit = POINTS_PER_CHARACTER if is_remote(book) else 1
    for col, size in enumerate(WIDTHS, start=1):
        # Column widths are cosmetic; an engine that cannot set them is no reason to fail.
        with contextlib.suppress(Exception):
            sheet.range((1, col)).column_width = size * unit
    return sheet
