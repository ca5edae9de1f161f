"""Validating a sheet's rows a column at a time, and turning every failure into an issue.

The cells come typed from :mod:`addin.validation.coerce`. Then, for the sheet
as a whole:

1. each column goes through its model field's type and constraints in one
   pydantic call (:attr:`addin.kinds.base.SheetKind.field_adapters`);
2. the kind's computed columns are worked out for the rows whose inputs to
   them passed (``SheetKind.derive``), and each row rule runs over the rows
   whose cells it reads passed (so a row shows all its problems at once);
3. the uniqueness keys are checked over every row whose key cells coerced.

A row with any error is left out; the accepted rows are kept a column at a
time (:attr:`SheetResult.columns`), and row models are built only when a caller
asks for :attr:`SheetResult.records`. No Python work is done per clean row
beyond what the rules themselves need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import itemgetter
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from addin.cells import RawValue, column_letter
from addin.issues import Issue, Severity, shown_value
from addin.kinds.base import RowContext, RowModel, SheetKind
from addin.reading.table import SheetTable
from addin.validation.coerce import BAD, coerce_columns, describe


@dataclass(slots=True)
class SheetResult:
    """One data sheet, read and validated.

    The accepted rows are kept a column at a time: ``columns`` maps every input
    column key and every derived column key (Payroll's pay) to its values, and
    ``row_numbers`` holds each accepted row's worksheet row number.
    ``rows_read`` = accepted + rejected, always.
    """

    kind: SheetKind
    sheet: str
    rows_read: int = 0
    issues: list[Issue] = field(default_factory=list)
    present: bool = True
    # Column key -> worksheet column letters, to name a row's cells later.
    letters: dict[str, str] = field(default_factory=dict)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    row_numbers: list[int] = field(default_factory=list)
    # What the derived columns were worked out with (settings, currency).
    context: RowContext | None = None
    _records: list[tuple[int, RowModel]] | None = field(default=None, repr=False)

    def cells(self, key: str) -> list[str]:
        """The A1 reference of column ``key`` in every accepted row."""
        letters = self.letters.get(key, "")
        return [f"{letters}{row}" for row in self.row_numbers]

    @property
    def accepted(self) -> int:
        return len(self.row_numbers)

    @property
    def rejected(self) -> int:
        return self.rows_read - self.accepted

    def derived(self, context: RowContext) -> dict[str, list[Any]]:
        """The kind's derived columns of the accepted rows, worked out under ``context``'s
        payroll settings and currency: those of the validation when they were the same."""
        derive = self.kind.derive
        if derive is None or not self.columns:  # a kind without, or a sheet not read
            return {}
        if self.context is not None and self.context.payroll is context.payroll \
                and self.context.currency == context.currency:
            return {key: self.columns[key] for key in self.kind.derived_keys}
        return derive(self.columns, context)

    @property
    def records(self) -> list[tuple[int, RowModel]]:
        """(worksheet row number, row model) of every accepted row, built on first use."""
        if self._records is None:
            keys = list(self.kind.model.model_fields)
            construct = self.kind.model.model_construct
            rows = zip(*(self.columns[key] for key in keys), strict=True) if self.columns else ()
            self._records = [(number, construct(**dict(zip(keys, values, strict=True))))
                             for number, values in zip(self.row_numbers, rows, strict=True)]
        return self._records


def validate_table(table: SheetTable, file: str, context: RowContext) -> SheetResult:
    """Coerce, validate and check every data row of ``table``."""
    kind, grid = table.kind, table.grid
    result = SheetResult(kind, grid.sheet, rows_read=len(table.rows), issues=list(table.issues),
                         context=context)
    result.letters = {key: column_letter(col + grid.origin[1]) for key, col in table.columns.items()}
    coerced = coerce_columns(table, file)
    result.issues.extend(coerced.issues)
    # Per column, the cells that did not pass (coercion, or the field's own rules).
    failed: dict[str, set[int]] = {column.key: set() for column in kind.columns}
    for position, key in coerced.bad_cells:
        failed[key].add(position)
    columns: dict[str, list[Any]] = {}
    found: list[tuple[int, int, Issue]] = []  # (row position, column order, issue)
    for order, column in enumerate(kind.columns):
        columns[column.key], failures = _validate_column(
            kind, column.key, coerced.columns[column.key], set(failed[column.key]))
        for position, error in failures:
            rule, reason = plain_reason(error)
            found.append((position, order, _issue_at(table, file, position, column.key, rule,
                                                     reason)))
            failed[column.key].add(position)
    bad_rows = set().union(*failed.values())
    derived, derived_rows = _derive(kind, columns, failed, context, coerced.rows)
    broken = _check_rules(table, file, context, columns, failed, derived, derived_rows)
    found += broken
    bad_rows.update(position for position, _, _ in broken)
    # The cells' own and the rules' issues row by row, as a clerk reads the sheet (a
    # row's cells, then its rules); the coercion issues came first, column by column.
    result.issues.extend(issue for _, _, issue in sorted(found, key=itemgetter(0, 1)))
    bad_rows |= _check_unique_keys(table, file, columns, result.issues)
    accepted = _kept(bad_rows, coerced.rows)
    result.columns = _rows_at(columns, accepted)
    # The derived columns are of the rows whose inputs to them passed: keep those
    # that are accepted too.
    result.columns.update(_rows_at(derived, _among(derived_rows, accepted)))
    top = grid.origin[0] + 1
    numbers = [top + row for row, _ in table.rows]
    result.row_numbers = numbers if accepted is None else list(compress(numbers, accepted))
    return result


def _validate_column(
    kind: SheetKind, key: str, values: list[Any], skip: set[int]
) -> tuple[list[Any], list[tuple[int, ErrorDetails]]]:
    """A column's values as its model field validates them, and the failures by row
    position. Cells in ``skip`` (they did not coerce) are not validated; they and
    the failed cells keep their values."""
    validate = kind.field_adapters[key].validate_python
    failures: list[tuple[int, ErrorDetails]] = []
    while True:  # twice at most: a cell's validation does not depend on the others
        kept = [p for p in range(len(values)) if p not in skip] if skip else None
        try:
            validated = validate(values if kept is None else [values[p] for p in kept])
            break
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
        for error in errors:
            index = int(error["loc"][0])
            position = index if kept is None else kept[index]
            failures.append((position, error))
            skip = skip | {position}
    if kept is None:
        return validated, failures
    merged = list(values)
    for position, value in zip(kept, validated, strict=True):
        merged[position] = value
    return merged, failures


def _kept(bad_rows: set[int], count: int) -> list[bool] | None:
    """Which of ``count`` rows to keep, or None for all of them (the usual sheet:
    then no column is copied)."""
    if not bad_rows:
        return None
    keep = [True] * count
    for position in bad_rows:
        keep[position] = False
    return keep


def _rows_at(columns: dict[str, list[Any]], keep: list[bool] | None) -> dict[str, list[Any]]:
    if keep is None:
        return columns
    return {key: list(compress(values, keep)) for key, values in columns.items()}


def _among(first: list[bool] | None, second: list[bool] | None) -> list[bool] | None:
    """Of the rows ``first`` keeps, which ``second`` (a subset, over all rows) keeps."""
    if second is None or first is None:
        return second
    return list(compress(second, first))


def _derive(
    kind: SheetKind, columns: dict[str, list[Any]], failed: dict[str, set[int]],
    context: RowContext, count: int,
) -> tuple[dict[str, list[Any]], list[bool] | None]:
    """The kind's derived columns, worked out for the rows whose inputs to them all
    passed, and which rows those are."""
    if kind.derive is None:
        return {}, None
    rows = _kept(set().union(*(failed[key] for key in kind.derived_from)), count)
    inputs = _rows_at({key: columns[key] for key in kind.derived_from}, rows)
    return kind.derive(inputs, context), rows


def _check_rules(
    table: SheetTable, file: str, context: RowContext, columns: dict[str, list[Any]],
    failed: dict[str, set[int]], derived: dict[str, list[Any]], derived_rows: list[bool] | None,
) -> list[tuple[int, int, Issue]]:
    """An issue for every row that breaks a row rule, at the cell the rule names:
    (row position, order after the columns, issue).

    A rule runs over the rows whose cells it reads all passed their own rules; a
    rule that reads every input of the derived columns sees those too.
    """
    kind = table.kind
    found: list[tuple[int, int, Issue]] = []
    for order, rule in enumerate(kind.rules, start=len(kind.columns)):
        rows = _kept(set().union(*(failed[key] for key in rule.reads)), len(table.rows))
        given = _rows_at({key: columns[key] for key in rule.reads}, rows)
        if derived and set(kind.derived_from) <= set(rule.reads):
            given.update(_rows_at(derived, _among(derived_rows, rows)))
        if not next(iter(given.values()), ()):
            continue
        # The rule counts among its rows; the sheet's positions count all of them.
        positions = range(len(table.rows)) if rows is None \
            else list(compress(range(len(table.rows)), rows))
        for index, reason in rule.check(given, context):
            position = positions[index]
            found.append((position, order, _issue_at(table, file, position, rule.column,
                                                     rule.name, reason)))
    return found


def _issue_at(
    table: SheetTable, file: str, position: int, key: str, rule: str, reason: str
) -> Issue:
    """The issue of the cell of column ``key`` in data row ``position``."""
    kind, grid = table.kind, table.grid
    column = kind.column(key)
    row = table.rows[position][0]
    col = table.columns.get(key)
    raw: RawValue = None
    if col is not None:
        row_cells = table.rows[position][1]
        raw = row_cells[col] if col < len(row_cells) else None
    cell = grid.ref(row, col) if col is not None else ""
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
    columns: dict[str, list[Any]], key_columns: tuple[str, ...]
) -> dict[tuple[Any, ...], list[int]]:
    """Positions of the rows sharing each key that occurs more than once."""
    keys: list[Any] = columns[key_columns[0]] if len(key_columns) == 1 \
        else list(zip(*(columns[k] for k in key_columns), strict=True))
    if len(set(keys)) == len(keys):  # the usual sheet, every key once, decided in C
        return {}
    first: dict[Any, int] = {}
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(keys):
        whole = key if len(key_columns) > 1 else (key,)
        if BAD in whole:
            continue  # a key cell that did not coerce: already an error
        earlier = first.setdefault(key, position)
        if earlier != position:
            groups.setdefault(whole, [earlier]).append(position)
    return groups


def _check_unique_keys(
    table: SheetTable, file: str, columns: dict[str, list[Any]], issues: list[Issue]
) -> set[int]:
    """Every row of a group sharing a uniqueness key is an error: none is trusted."""
    duplicated: set[int] = set()
    kind, grid = table.kind, table.grid
    for key_columns in kind.unique_keys:
        groups = _duplicate_groups(columns, key_columns)
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
