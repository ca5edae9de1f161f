"""From raw cells to typed values, column by column, with a problem per bad cell.

Works a column at a time (one coercer chosen per column, then a tight loop),
so per-row Python work stays small. The result is a column of typed values per
column key; a cell with a problem is reported here and holds :data:`BAD` in its
column, so no later rule ever sees it (see :mod:`addin.validation.rows`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter, methodcaller
from typing import Any, cast

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


class _Bad:
    """The value of a cell that did not coerce (reported already)."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


@dataclass(slots=True)
class CoercedColumns:
    """Typed values per column key (in data-row order), plus the cells that did not coerce."""

    columns: dict[str, list[Any]]
    rows: int
    issues: list[Issue] = field(default_factory=list)
    # (row position in the columns, column key) of every cell with an error.
    bad_cells: set[tuple[int, str]] = field(default_factory=set)


def coerce_columns(table: SheetTable, file: str) -> CoercedColumns:
    """Coerce every input column of ``table``'s data rows.

    Each column goes through a fast path that converts the usual cells (numbers
    in a money column, text in a text column, blanks in an optional column) a
    whole column at a time; anything else (text numbers, errors, odd types)
    takes the full rules of :func:`coerce_cell`, which also report it.
    """
    grid = table.grid
    count = len(table.rows)
    columns: dict[str, list[Any]] = {}
    raws_of: dict[str, list[RawValue]] = {}
    issues: list[Issue] = []
    bad: set[tuple[int, str]] = set()
    cell_rows = [cells for _, cells in table.rows]
    # Columns every row reaches (all of them, from calamine) are cut out in C.
    reached = min(map(len, cell_rows), default=0)
    for column in table.kind.columns:
        col = table.columns.get(column.key)
        if col is None:
            columns[column.key] = [column.blank_default] * count
            continue
        raws = raws_of[column.key] = list(map(itemgetter(col), cell_rows)) if col < reached \
            else [cells[col] if col < len(cells) else None for cells in cell_rows]
        slow = coercer_for(column, grid.epoch)
        values, slow_positions = _fast_column(column, slow, raws)
        for position in slow_positions:
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
                    outcome = BAD
                else:
                    outcome = outcome.value
            values[position] = None if outcome is OMIT else outcome
        columns[column.key] = values
    result = CoercedColumns(columns, count, issues, bad)
    _check_identifiers(table, file, result, raws_of)
    return result


_SLOW: Any = object()  # "take the full rules": a text number, an error, ...
# Floats below this are below cells.MAX_NUMBER once exact: the largest float under
# 10^15 has a shortest form under it too.
_LARGEST = float(cells.MAX_NUMBER)
_ZERO = Decimal(0)


def _fast_column(column: Column, coerce: Coercer, raws: list[RawValue]) -> tuple[list[Any], list[int]]:
    """Typed values of a column's cells, and the positions that need the full rules.

    Cells are converted a Python type at a time, mostly at C speed (``map`` over
    builtins, no Python call per cell). A cell with something to report is left
    as ``_SLOW`` for :func:`coerce_cell`.
    """
    kinds = set(map(type, raws))
    if len(kinds) == 1:  # the usual column: one type throughout
        values, any_slow = _convert(column, coerce, kinds.pop(), raws)
        return values, [p for p, v in enumerate(values) if v is _SLOW] if any_slow else []
    types = list(map(type, raws))
    values = [_SLOW] * len(raws)
    slow: list[int] = []
    for kind in kinds:
        positions = [p for p, t in enumerate(types) if t is kind]
        converted, any_slow = _convert(column, coerce, kind, [raws[p] for p in positions])
        for position, value in zip(positions, converted, strict=True):
            values[position] = value
        if any_slow:
            slow += [p for p, v in zip(positions, converted, strict=True) if v is _SLOW]
    slow.sort()  # issues in row order
    return values, slow


def _convert(column: Column, coerce: Coercer, kind: type, raws: list[Any]) -> tuple[list[Any], bool]:
    """Cells of Python type ``kind`` converted in bulk, where that type allows."""
    if kind is str:
        return (_texts if column.type is ColumnType.TEXT else _by_rules)(column, coerce, raws)
    if kind is type(None):
        return _by_rules(column, coerce, raws)
    if kind is float and column.type in (ColumnType.MONEY, ColumnType.NUMBER):
        if all(map(math.isfinite, raws)) and max(map(abs, raws), default=0.0) < _LARGEST:
            return _decimals(raws), False
        # NaN or infinity (a grid from a live workbook can hold them), or a number too
        # large to keep to the cent: the rules say so at the cell.
        usual = [math.isfinite(raw) and abs(raw) < _LARGEST for raw in raws]
        values = _decimals([raw if ok else 0.0 for raw, ok in zip(raws, usual, strict=True)])
        return [v if ok else _SLOW for ok, v in zip(usual, values, strict=True)], True
    if kind is float and column.type is ColumnType.INTEGER:
        return _whole_numbers(raws)
    if (kind is date and column.type in (ColumnType.DATE, ColumnType.DATETIME)) \
            or (kind is datetime and column.type is ColumnType.DATETIME):
        return list(raws), False
    return [_SLOW] * len(raws), True


def _outcome(column: Column, coerce: Coercer, raw: RawValue) -> Any:
    """What :func:`coerce_cell` makes of ``raw``, or ``_SLOW`` if it has something to report."""
    outcome = coerce_cell(column, coerce, raw)
    if isinstance(outcome, Problem):
        return _SLOW
    return None if outcome is OMIT else outcome


def _by_rules(column: Column, coerce: Coercer, raws: list[Any]) -> tuple[list[Any], bool]:
    """Blanks, or text in a choice, month, number or date column: the full rules,
    once per distinct value (such a column holds few: a choice, a month, blank)."""
    outcomes = {raw: _outcome(column, coerce, raw) for raw in set(raws)}
    return list(map(outcomes.__getitem__, raws)), _SLOW in outcomes.values()


def _texts(column: Column, coerce: Coercer, raws: list[str]) -> tuple[list[Any], bool]:
    stripped = list(map(str.strip, raws))
    if all(stripped):
        return stripped, False
    blank = _outcome(column, coerce, "")  # every blank of a column comes out alike
    return [text or blank for text in stripped], blank is _SLOW


def _decimals(numbers: list[float]) -> list[Decimal]:
    """:func:`addin.cells.decimal_from_float` of every number, mostly in C."""
    distinct = set(numbers)  # 0.0 and -0.0 are one entry, and both become 0
    if len(distinct) * 2 <= len(numbers):  # repeated amounts: each converted once
        unique = list(distinct)
        memo = dict(zip(unique, _decimals(unique), strict=True))
        return list(map(memo.__getitem__, numbers))
    texts = list(map(repr, numbers))  # the costly part, about 0.3 us a number
    values = list(map(Decimal, texts))
    # Noise below 1e-9 shows as a long or exponent form: those take the one-cell
    # function; zeros (including -0.0) become a plain 0, as there.
    if max(map(len, texts), default=0) > 15 or "e" in "".join(texts):
        values = [cells.decimal_from_float(number) if len(text) > 15 or "e" in text else value
                  for number, text, value in zip(numbers, texts, values, strict=True)]
    if not all(values):
        values = [value or _ZERO for value in values]
    return values


def _whole_numbers(numbers: list[float]) -> tuple[list[Any], bool]:
    values: list[Any] = _decimals(numbers)
    whole = list(map(float.is_integer, numbers))  # False for NaN and infinities too
    if all(whole):
        return values, False
    return [value if ok else _SLOW for value, ok in zip(values, whole, strict=True)], True


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


def _check_identifiers(
    table: SheetTable, file: str, result: CoercedColumns, raws_of: dict[str, list[RawValue]]
) -> None:
    """Warn about codes typed as numbers where the column's codes have leading zeros."""
    grid = table.grid
    for column in table.kind.columns:
        col = table.columns.get(column.key)
        if col is None or not column.identifier:
            continue
        padded = _zero_padded_lengths(raws_of[column.key])
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
    # Filtered in C: most codes do not start with a zero.
    texts = cast(Sequence[str], values) if set(map(type, values)) == {str} \
        else [value for value in values if isinstance(value, str)]
    leading: Iterator[str] = filter(methodcaller("startswith", "0"), map(str.strip, texts))
    return [len(text) for text in leading if text.isdigit()]


__all__ = ["BAD", "CoercedColumns", "coerce_columns", "coercer_for", "describe"]
