"""Finding a data sheet's header row and cutting its data rows.

The contract: the header row is the first row whose cells contain every
required column name of the sheet; title rows above it are allowed, columns
may come in any order, blank rows are skipped wherever they are. Header names
match without regard to case, repeated or surrounding spaces, in English or
in any language of :mod:`addin.locales`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Final, cast

from addin import locales
from addin.cells import ExcelError, RawValue, is_blank
from addin.columns import normalise_header
from addin.issues import Issue, Severity, shown_value
from addin.kinds.base import SheetKind
from addin.reading.grid import Grid

HEADER_SEARCH_ROWS: Final = 50
"""How many rows from the top are searched for the header row."""


@dataclass(slots=True)
class SheetTable:
    """A data sheet located in its grid.

    ``columns`` maps column keys to grid column indexes; ``rows`` are the data
    rows as (grid row index, cells). ``issues`` are the contract-level
    findings (unknown columns, skipped totals rows, merged cells).
    """

    kind: SheetKind
    grid: Grid
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, Sequence[RawValue]]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HeaderNotFound:
    """No usable header row: the issues say why."""

    issues: list[Issue]


def locate_table(grid: Grid, kind: SheetKind, file: str) -> SheetTable | HeaderNotFound:
    """Find the header row of ``kind`` in ``grid`` and collect its data rows."""
    lookup = locales.header_lookup(kind)
    searched = min(len(grid.rows), HEADER_SEARCH_ROWS)
    best_row, best_found = -1, dict[str, int]()
    for row in range(searched):
        found = _match_headers(grid.rows[row], lookup)
        if all(column.key in found for column in kind.required_columns):
            return _table(grid, kind, file, row, found, lookup)
        if len(found) > len(best_found):
            best_row, best_found = row, found
    return HeaderNotFound(_no_header(grid, kind, file, searched, best_row, best_found))


def _match_headers(cells: Sequence[RawValue], lookup: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, value in enumerate(cells):
        key = lookup.get(normalise_header(value))
        if key is not None and key not in found:
            found[key] = col
    return found


def _no_header(
    grid: Grid, kind: SheetKind, file: str, searched: int, best_row: int, found: dict[str, int]
) -> list[Issue]:
    required = kind.required_columns
    # A row with most of the required headers is the header row with columns missing.
    if best_row >= 0 and len(found) * 2 >= len(required):
        return [
            Issue(
                file, grid.sheet, f"{best_row + grid.origin[0] + 1}:{best_row + grid.origin[0] + 1}",
                column.header, "", "missing-column",
                f"The required column {column.header} is missing from the header row "
                f"(row {best_row + grid.origin[0] + 1}); add it, spelled as in the template",
            )
            for column in required
            if column.key not in found
        ]
    last = grid.ref(max(searched - 1, 0), max(grid.width - 1, 0)) if grid.rows else "A1"
    area = f"{grid.ref(0, 0)}:{last}"
    names = ", ".join(column.header for column in required)
    return [
        Issue(
            file, grid.sheet, "", "", "", "header-not-found",
            f"No header row found in {grid.sheet}!{area}: looked for a row with the columns "
            f"{names}",
        )
    ]


def _table(
    grid: Grid, kind: SheetKind, file: str, header: int, found: dict[str, int],
    lookup: dict[str, str],
) -> SheetTable:
    table = SheetTable(kind, grid, header, found)
    table.issues.extend(_unknown_columns(grid, kind, file, header, lookup))
    data_cols = sorted(found.values())
    first_col, top = data_cols[0], grid.origin[0]
    below = grid.rows[header + 1:]
    plain = _plain_flags([cells[first_col] if first_col < len(cells) else None for cells in below])
    numbers = range(header + 1, len(grid.rows))
    if all(plain) and not grid.totals_rows:  # the usual sheet: every row is data
        table.rows = list(zip(numbers, below, strict=True))
        table.issues.extend(_merged_cells(grid, file, header))
        return table
    for row, cells, plainly in zip(numbers, below, plain, strict=True):
        if plainly:
            if top + row not in grid.totals_rows:
                table.rows.append((row, cells))
            continue
        if _is_blank_row(cells, data_cols):
            continue
        if grid.origin[0] + row in grid.totals_rows:
            continue
        if _is_total_label_row(cells, data_cols):
            table.issues.append(
                Issue(
                    file, grid.sheet, grid.ref(row, 0), "", "", "totals-row-skipped",
                    f"Row {grid.origin[0] + row + 1} is a totals row; it is not counted as data",
                    Severity.WARNING,
                )
            )
            continue
        table.rows.append((row, cells))
    table.issues.extend(_merged_cells(grid, file, header))
    return table


def _plain_flags(firsts: list[RawValue]) -> list[bool]:
    """:func:`_plainly_data` of each row's first input cell. Text is judged by its
    first few characters alone, so a column of codes ("SKU-0001", ...) is judged
    once per distinct start rather than once per row."""
    if set(map(type, firsts)) == {str}:
        starts: list[str] = list(map(itemgetter(slice(0, _PREFIX)), cast(list[str], firsts)))
        verdicts = {start: _plainly_data(start) for start in set(starts)}
        return list(map(verdicts.__getitem__, starts))
    return list(map(_plainly_data, firsts))


def _plainly_data(first: RawValue) -> bool:
    """Whether a row whose first input cell holds ``first`` is neither blank nor a
    totals row labelled Total, without the full checks below.

    Most rows are: their first cell holds a number, a date, or text that does not
    start as a Total label can. For text that does not start with a space, the
    normalised start of the text is the start of the normalised text.
    """
    if type(first) is str:
        head = first[:1]
        if not head or head.isspace():
            return False
        return head.casefold()[:1] not in _TOTAL_INITIALS \
            or normalise_header(first[:_PREFIX]) not in _TOTAL_PREFIXES
    return first is not None and not isinstance(first, str)


def _is_blank_row(cells: Sequence[RawValue], data_cols: list[int]) -> bool:
    """No input cell of the row holds anything (spaces count as nothing)."""
    return all(is_blank(_at(cells, col)) for col in data_cols)


def _at(cells: Sequence[RawValue], col: int) -> RawValue:
    return cells[col] if col < len(cells) else None


TOTAL_LABELS: Final = frozenset(
    {"total", "totals", "grand total", "subtotal", "sub-total", "sum",
     "tổng", "tổng cộng", "cộng", "合计", "总计", "小计"}
)
_TOTAL_INITIALS: Final = frozenset(label[0] for label in TOTAL_LABELS)
_PREFIX: Final = 4
_TOTAL_PREFIXES: Final = frozenset(
    label[:length] for label in TOTAL_LABELS for length in range(1, _PREFIX + 1)
)


def _is_total_label_row(cells: Sequence[RawValue], data_cols: list[int]) -> bool:
    """A row labelled Total in its first filled cell is a totals row, not data."""
    for col in data_cols:
        value = _at(cells, col)
        if not is_blank(value):
            return isinstance(value, str) and normalise_header(value) in TOTAL_LABELS
    return False


def _unknown_columns(
    grid: Grid, kind: SheetKind, file: str, header: int, lookup: dict[str, str]
) -> Iterator[Issue]:
    computed = locales.computed_headers(kind)
    for col, value in enumerate(grid.rows[header]):
        name = normalise_header(value)
        if not name or name in lookup or name in computed:
            continue
        shown = shown_value(value) if not isinstance(value, ExcelError) else value.code
        yield Issue(
            file, grid.sheet, grid.ref(header, col), shown, shown, "unknown-column",
            f"Column {shown} is not part of the {kind.name} sheet; it is left out of the "
            "consolidation",
            Severity.WARNING,
        )


def _merged_cells(grid: Grid, file: str, header: int) -> Iterator[Issue]:
    top = header + grid.origin[0]
    for first_row, first_col, last_row, last_col in grid.merged:
        if last_row <= top:
            continue
        area = f"{grid.ref(first_row - grid.origin[0], first_col - grid.origin[1])}:" \
            f"{grid.ref(last_row - grid.origin[0], last_col - grid.origin[1])}"
        yield Issue(
            file, grid.sheet, area.split(":", maxsplit=1)[0], "", "", "merged-cells",
            f"Cells {area} are merged; only the first cell holds a value, so the other rows "
            "read as blank. Unmerge them and fill in every row",
            Severity.WARNING,
        )
