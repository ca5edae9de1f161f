"""From raw cells to typed values, column by column, with a problem per bad cell.

Works a column at a time (one coercer chosen per column, then a tight loop),
so per-row Python work stays small. A row's dict holds only the cells that
coerced cleanly; a cell with a problem is left out of its dict and reported
here, so the row model never sees it (see :mod:`addin.validation.rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from addin import cells
from addin.cells import AcceptedWithWarning, CellProblem, RawValue, is_blank
from addin.columns import Column, ColumnType
from addin.issues import Issue, Severity, shown_value
from addin.reading.table import SheetTable

Coercer = Callable[[RawValue], Any]


def coercer_for(column: Column, epoch: datetime) -> Coercer:
    """The function that turns a raw cell of ``column`` into its typed value."""
    match column.type:
        case ColumnType.TEXT:
            return cells.coerce_text
        case ColumnType.MONEY | ColumnType.NUMBER:
            return cells.coerce_decimal
        case ColumnType.INTEGER:
            return cells.coerce_integer
        case ColumnType.MONTH:
            return lambda raw: cells.coerce_month(raw, epoch)
        case ColumnType.DATE:
            return lambda raw: cells.coerce_date(raw, epoch)
        case ColumnType.DATETIME:
            return lambda raw: cells.coerce_datetime(raw, epoch)
        case ColumnType.CHOICE:
            choices = column.choices
            return lambda raw: cells.coerce_choice(raw, choices)
    raise AssertionError(f"no coercer for {column.type}")  # pragma: no cover


def describe(header: str, raw: RawValue, reason: str) -> str:
    """A clerk-readable sentence: ``Actual is -300; it must be 0 or more``."""
    if isinstance(raw, cells.ExcelError) or raw is cells.NO_RESULT:
        return f"{header} {reason}"
    if is_blank(raw):
        return f"{header} is blank; it {reason}"
    return f"{header} is {shown_value(raw)}; it {reason}"


@dataclass(slots=True)
class CoercedRows:
    """Typed values per data row, plus the cells that did not coerce."""

    values: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)
    # (row position in ``values``, column key) of every cell with an error.
    bad_cells: set[tuple[int, str]] = field(default_factory=set)


def coerce_rows(table: SheetTable, file: str) -> CoercedRows:
    """Coerce every input column of ``table``'s data rows.

    Each column goes through a fast path that handles the usual cell (a number
    in a money column, text in a text column) inline; anything else (blanks,
    text numbers, errors, odd types) takes the full rules of :func:`coerce_cell`.
    """
    grid = table.grid
    count = len(table.rows)
    keys: list[str] = []
    columns: list[list[Any]] = []
    issues: list[Issue] = []
    bad: set[tuple[int, str]] = set()
    for column in table.kind.columns:
        col = table.columns.get(column.key)
        keys.append(column.key)
        if col is None:
            columns.append([column.blank_default] * count)
            continue
        raws = [cells[col] if col < len(cells) else None for _, cells in table.rows]
        fast = _fast_path(column, grid.epoch)
        values = [fast(raw) for raw in raws]
        slow = coercer_for(column, grid.epoch)
        for position, value in enumerate(values):
            if value is not _SLOW:
                continue
            raw = raws[position]
            outcome = coerce_cell(column, slow, raw)
            if isinstance(outcome, Problem):
                row = table.rows[position][0]
                issues.append(
                    Issue(
                        file, grid.sheet, grid.ref(row, col), column.header, shown_value(raw),
                        outcome.rule, describe(column.header, raw, outcome.reason),
                        outcome.severity, grid.origin[0] + row + 1,
                    )
                )
                if outcome.severity is Severity.ERROR:
                    bad.add((position, column.key))
                outcome = outcome.value
            values[position] = None if outcome is OMIT else outcome
        columns.append(values)
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)] \
        if columns else [{} for _ in range(count)]
    for position, key in bad:
        del rows[position][key]  # the model never sees a cell that did not coerce
    result = CoercedRows(rows, issues, bad)
    _check_identifiers(table, file, result)
    return result


_SLOW: Any = object()  # "take the full rules": a blank, a text number, an error, ...


def _fast_path(column: Column, epoch: datetime) -> Coercer:
    """A cheap conversion of the usual cell of ``column``, or ``_SLOW``."""
    match column.type:
        case ColumnType.TEXT:
            return lambda raw: s if type(raw) is str and (s := raw.strip()) else _SLOW
        case ColumnType.MONEY | ColumnType.NUMBER:
            return lambda raw: cells.decimal_from_float(raw) if type(raw) is float else _SLOW
        case ColumnType.CHOICE:
            lookup = {choice.casefold(): choice for choice in column.choices}
            return lambda raw: lookup.get(raw.strip().casefold(), _SLOW) \
                if type(raw) is str else _SLOW
        case ColumnType.DATE:
            return lambda raw: raw if type(raw) is date else _SLOW
        case ColumnType.DATETIME:
            return lambda raw: raw if type(raw) is datetime or type(raw) is date else _SLOW
    return lambda raw: _SLOW


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    reason: str
    severity: Severity = Severity.ERROR
    value: Any = None


OMIT = object()


def coerce_cell(column: Column, coerce: Coercer, raw: RawValue) -> Any:
    try:
        cells.check_not_broken(raw)
        if is_blank(raw):
            if column.required:
                return Problem("required", "must be filled in")
            return OMIT if column.blank_default is None else column.blank_default
        return coerce(raw)
    except CellProblem as problem:
        return Problem(problem.rule, problem.reason)
    except AcceptedWithWarning as accepted:
        return Problem(accepted.rule, accepted.reason, Severity.WARNING, accepted.value)


def _check_identifiers(table: SheetTable, file: str, result: CoercedRows) -> None:
    """Warn about codes typed as numbers where the column's codes have leading zeros."""
    grid = table.grid
    for column in table.kind.columns:
        col = table.columns.get(column.key)
        if col is None or not column.identifier:
            continue
        padded = _zero_padded_lengths([cells_[col] if col < len(cells_) else None
                                       for _, cells_ in table.rows])
        if not padded:
            continue
        width = max(padded)
        for row, row_cells in table.rows:
            raw = row_cells[col] if col < len(row_cells) else None
            if isinstance(raw, float | int) and not isinstance(raw, bool):
                digits = shown_value(raw)
                if digits.isdigit() and len(digits) < width:
                    result.issues.append(
                        Issue(
                            file, grid.sheet, grid.ref(row, col), column.header, digits,
                            "leading-zeros-lost",
                            f"{column.header} {digits} was typed as a number; other codes in "
                            f"this column have {width} digits with leading zeros (such as "
                            f"{digits.zfill(width)}), so its zeros were probably lost. Format "
                            "the column as Text and type the code again",
                            Severity.WARNING, grid.origin[0] + row + 1,
                        )
                    )


def _zero_padded_lengths(values: Sequence[RawValue]) -> list[int]:
    return [
        len(value.strip())
        for value in values
        if isinstance(value, str) and value.strip().isdigit() and value.strip().startswith("0")
    ]


__all__ = ["CoercedRows", "coerce_rows", "coercer_for", "describe"]
