"""Validating a sheet's rows in bulk and turning every failure into an issue.

All rows of a sheet go through the kind's pydantic model in one call (a
``TypeAdapter`` over the list), then the cross-row rules (uniqueness keys) run
over the clean rows. :func:`issues_from_validation_error` is the one place
where a pydantic error location becomes a cell reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from addin.cells import RawValue, column_letter
from addin.issues import Issue, Severity, shown_value
from addin.kinds.base import RowContext, RowModel, SheetKind
from addin.reading.table import SheetTable
from addin.validation.coerce import coerce_rows, describe


@dataclass(slots=True)
class SheetResult:
    """One data sheet, read and validated.

    ``records`` holds (worksheet row number, record) for every accepted row.
    ``rows_read`` = accepted + rejected, always.
    """

    kind: SheetKind
    sheet: str
    rows_read: int = 0
    records: list[tuple[int, RowModel]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    present: bool = True
    # Column key -> worksheet column letters, to name a record's cells later.
    letters: dict[str, str] = field(default_factory=dict)

    def cell(self, key: str, row: int) -> str:
        """A1 reference of column ``key`` in worksheet row ``row`` (1-based)."""
        return f"{self.letters.get(key, '')}{row}"

    @property
    def rejected(self) -> int:
        return self.rows_read - len(self.records)


def validate_table(table: SheetTable, file: str, context: RowContext) -> SheetResult:
    """Coerce, validate and check every data row of ``table``."""
    kind, grid = table.kind, table.grid
    result = SheetResult(kind, grid.sheet, rows_read=len(table.rows), issues=list(table.issues))
    result.letters = {key: column_letter(col + grid.origin[1]) for key, col in table.columns.items()}
    coerced = coerce_rows(table, file)
    result.issues.extend(coerced.issues)
    bad_rows = {position for position, _ in coerced.bad_cells}
    models: list[Any] = [None] * len(coerced.values)
    failed: list[int] = []
    # In chunks: a list with any error returns no models at all, so one bad row
    # costs a second pass over its chunk, not over the whole sheet.
    for start in range(0, len(coerced.values), CHUNK_ROWS):
        chunk = coerced.values[start:start + CHUNK_ROWS]
        try:
            models[start:start + len(chunk)] = kind.adapter.validate_python(chunk, context=context)
        except ValidationError as exc:
            failed.append(start)
            for issue, position in issues_from_validation_error(
                exc, table, file, coerced.bad_cells, offset=start
            ):
                result.issues.append(issue)
                bad_rows.add(position)
    bad_rows |= _check_unique_keys(table, file, coerced.values, bad_rows, result.issues)
    for start in failed:
        clean = [p for p in range(start, min(start + CHUNK_ROWS, len(models))) if p not in bad_rows]
        again = kind.adapter.validate_python([coerced.values[p] for p in clean], context=context)
        for position, model in zip(clean, again, strict=True):
            models[position] = model
    keep = [True] * len(models)
    for position in bad_rows:
        keep[position] = False
    top = grid.origin[0] + 1
    result.records = [
        (top + row, model) for (row, _), model, kept in zip(table.rows, models, keep, strict=True)
        if kept
    ]
    return result


# Small, because a chunk with one bad row is validated twice: at 512 rows a
# sheet with five bad rows in 5,000 went through pydantic half again. A call
# per 32 rows costs little next to the rows themselves.
CHUNK_ROWS = 32


def issues_from_validation_error(
    exc: ValidationError, table: SheetTable, file: str, bad_cells: set[tuple[int, str]],
    offset: int = 0,
) -> list[tuple[Issue, int]]:
    """Each pydantic error as an issue at its cell, with the row position it concerns.

    Errors for cells that already failed coercion (reported as "missing" here,
    since they were left out) are dropped: the coercion issue says it better.
    """
    found: list[tuple[Issue, int]] = []
    for error in exc.errors(include_url=False, include_input=False):
        position = offset + int(error["loc"][0])
        key = _column_of(error)
        if key is None or (position, key) in bad_cells:
            continue
        found.append((_issue_at(table, file, position, key, error), position))
    return found


def _column_of(error: ErrorDetails) -> str | None:
    if len(error["loc"]) > 1:
        return str(error["loc"][1])
    ctx = error.get("ctx") or {}
    column = ctx.get("column")
    return str(column) if column else None


def _issue_at(table: SheetTable, file: str, position: int, key: str, error: ErrorDetails) -> Issue:
    kind, grid = table.kind, table.grid
    column = kind.column(key)
    row = table.rows[position][0]
    col = table.columns.get(key)
    raw: RawValue = None
    if col is not None:
        row_cells = table.rows[position][1]
        raw = row_cells[col] if col < len(row_cells) else None
    cell = grid.ref(row, col) if col is not None else ""
    rule, reason = plain_reason(error)
    return Issue(
        file, grid.sheet, cell, column.header, shown_value(raw), rule,
        describe(column.header, raw, reason), Severity.ERROR, grid.origin[0] + row + 1,
    )


_RULES = {
    "greater_than_equal": "minimum",
    "greater_than": "minimum",
    "less_than_equal": "maximum",
    "less_than": "maximum",
    "string_pattern_mismatch": "pattern",
    "literal_error": "not-in-list",
    "missing": "required",
    "string_too_short": "required",
}


def plain_reason(error: ErrorDetails) -> tuple[str, str]:
    """(rule name, reason) for a pydantic error, in words for a finance clerk."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if "reason" in ctx:
        return kind, str(ctx["reason"])
    rule = _RULES.get(kind, kind)
    if kind == "greater_than_equal":
        return rule, f"must be {_number(ctx['ge'])} or more"
    if kind == "greater_than":
        return rule, f"must be more than {_number(ctx['gt'])}"
    if kind == "less_than_equal":
        return rule, f"must be {_number(ctx['le'])} or less"
    if kind == "less_than":
        return rule, f"must be less than {_number(ctx['lt'])}"
    if kind in ("missing", "string_too_short"):
        return rule, "must be filled in"
    if kind == "literal_error":
        return rule, f"must be one of: {ctx.get('expected', '')}"
    return rule, str(error["msg"]).removeprefix("Value error, ")


def _number(value: object) -> str:
    return shown_value(value) if not isinstance(value, Decimal) else f"{value:f}"


def _duplicate_groups(
    values: list[dict[str, Any]], key_columns: tuple[str, ...]
) -> dict[tuple[Any, ...], list[int]]:
    """Positions of the rows sharing each key that occurs more than once."""
    getter = itemgetter(*key_columns)
    try:  # the usual sheet, every key cell filled and every key once, decided in C
        if len(set(map(getter, values))) == len(values):
            return {}
    except KeyError:  # a key cell that did not coerce: look row by row
        pass
    first: dict[Any, int] = {}
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, row_values in enumerate(values):
        try:
            key = getter(row_values)
        except KeyError:
            continue  # a key cell that did not coerce: already an error
        earlier = first.setdefault(key, position)
        if earlier != position:
            whole = key if len(key_columns) > 1 else (key,)
            groups.setdefault(whole, [earlier]).append(position)
    return groups


def _check_unique_keys(
    table: SheetTable, file: str, values: list[dict[str, Any]], bad_rows: set[int],
    issues: list[Issue],
) -> set[int]:
    """Every row of a group sharing a uniqueness key is an error: none is trusted."""
    duplicated: set[int] = set()
    kind, grid = table.kind, table.grid
    for key_columns in kind.unique_keys:
        groups = _duplicate_groups(values, key_columns)
        headers = " and ".join(kind.column(k).header for k in key_columns)
        # Point at the code that identifies the row (Account Code, not Period).
        first_key = next((k for k in key_columns if kind.column(k).identifier), key_columns[0])
        col = table.columns[first_key]
        for key, positions in groups.items():
            rows = [grid.origin[0] + table.rows[p][0] + 1 for p in positions]
            shown = " / ".join(shown_value(part) for part in key)
            for position, row in zip(positions, rows, strict=True):
                others = ", ".join(str(r) for r in rows if r != row)
                issues.append(
                    Issue(
                        file, grid.sheet, grid.ref(table.rows[position][0], col),
                        kind.column(first_key).header, shown, "duplicate-key",
                        f"{headers} {shown} appears more than once (also in row {others}); "
                        "each must be unique, so none of these rows is counted",
                        Severity.ERROR, row,
                    )
                )
                duplicated.add(position)
    return duplicated
