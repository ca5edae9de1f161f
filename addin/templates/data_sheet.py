"""One data sheet (Budget, Payroll, Inventory, Schedule) as a styled Excel Table.

Layout: a title in row 1, a hint in row 2, the table's header in row 3 (the
reader finds the header row by its names, so rows above it are allowed). The
table is named ``kind.table_name`` and holds the input columns in Column order,
then the computed columns as live formulas, then a totals row when the kind
has money amounts to sum. The table is sized to the rows given plus spare
rows (at least :data:`~addin.templates.context.MIN_DATA_ROWS`): Excel cannot
grow a table on a protected sheet, so the room must be there from the start,
and every spare cell already carries its format, lock and data validation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from addin.columns import Column, ColumnType, ComputedColumn
from addin.kinds.base import SheetKind
from addin.templates.attention import apply_attention
from addin.templates.context import (
    MIN_DATA_ROWS,
    SPARE_ROWS,
    TABLE_HEADER_ROW,
    TemplateContext,
    table_columns,
)
from addin.templates.formulas import CachedValue, formula_text, formulas_for, is_summed, number
from addin.templates.references import TableRefs
from addin.templates.styles import MONTH_FORMAT, Styles, number_format
from addin.templates.validation import apply_validations

TABLE_STYLE: Final = "Table Style Light 9"
TOTAL_LABEL: Final = "Total"

RowValues = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class TableShape:
    """Where the table sits: 0-based header row, data rows and totals row (or None)."""

    header_row: int
    first_row: int
    last_row: int
    total_row: int | None

    @classmethod
    def for_rows(cls, given: int, totals: bool) -> TableShape:
        first = TABLE_HEADER_ROW + 1
        last = first + max(MIN_DATA_ROWS, given + SPARE_ROWS) - 1
        return cls(TABLE_HEADER_ROW, first, last, last + 1 if totals else None)


def has_totals(kind: SheetKind) -> bool:
    """A kind gets a totals row when it has money amounts to sum."""
    return any(is_summed(c.type, c.key) for c in table_columns(kind))


def check_rows(kind: SheetKind, rows: Sequence[RowValues]) -> None:
    """Refuse rows with keys that are not input columns of ``kind`` (a typo loses data)."""
    known = set(kind.by_key)
    for index, row in enumerate(rows):
        unknown = sorted(set(row) - known)
        if unknown:
            raise ValueError(f"{kind.name} row {index + 1}: unknown column key(s) "
                             f"{', '.join(unknown)}; known: {', '.join(kind.by_key)}")


def write_data_sheet(sheet: Any, styles: Styles, kind: SheetKind, rows: Sequence[RowValues],
                     ctx: TemplateContext, protection: Mapping[str, bool]) -> TableShape:
    """Write ``kind``'s sheet: title, table, rows, validation, formats and protection."""
    shape = TableShape.for_rows(len(rows), has_totals(kind))
    cached = _cached_values(kind, rows, ctx)
    # XlsxWriter warns and returns a negative code instead of raising: make it an error.
    if sheet.add_table(shape.header_row, 0, shape.total_row or shape.last_row,
                       len(kind.columns) + len(kind.computed) - 1,
                       _table_options(kind, styles, shape, ctx)):
        raise ValueError(f"XlsxWriter refused the {kind.table_name} table (see its warning)")
    _write_title(sheet, styles, kind, ctx)
    _write_inputs(sheet, styles, kind, rows, shape, ctx)
    _write_computed(sheet, styles, kind, cached, shape, ctx)
    if shape.total_row is not None:
        _write_totals(sheet, styles, kind, rows, cached, shape, ctx)
    apply_validations(sheet, kind, shape.first_row, shape.last_row, ctx)
    apply_attention(sheet, kind, shape.first_row, shape.last_row, styles)
    _layout(sheet, kind, shape)
    sheet.protect("", dict(protection))
    return shape


def _computed_format(kind: SheetKind, column: ComputedColumn, ctx: TemplateContext) -> str:
    found = formulas_for(kind)
    assert found is not None
    return found.columns[column.key].num_format or number_format(column.type, ctx.currency)


def _table_options(kind: SheetKind, styles: Styles, shape: TableShape,
                   ctx: TemplateContext) -> dict[str, Any]:
    refs = TableRefs(kind.table_name)
    columns: list[dict[str, Any]] = []
    for column in kind.columns:
        columns.append({"header": ctx.header(kind, column.header), "header_format": styles.header(),
                        "format": styles.cell(number_format(column.type, ctx.currency),
                                              computed=False)})
    for computed in kind.computed:
        columns.append({"header": ctx.header(kind, computed.header),
                        "header_format": styles.header(),
                        "format": styles.cell(_computed_format(kind, computed, ctx), computed=True),
                        "formula": formula_text(kind, computed.key, ctx)})
    if shape.total_row is not None:
        for spec, any_column in zip(columns, table_columns(kind), strict=True):
            if is_summed(any_column.type, any_column.key):
                spec["total_function"] = refs.subtotal_sum(spec["header"])
        columns[0]["total_string"] = ctx.header(kind, TOTAL_LABEL)
    return {"name": kind.table_name, "style": TABLE_STYLE, "columns": columns,
            "total_row": shape.total_row is not None}


def _write_title(sheet: Any, styles: Styles, kind: SheetKind, ctx: TemplateContext) -> None:
    sheet.write_string(0, 0, f"{kind.name} — {ctx.department_code} — {ctx.period}", styles.title())
    hint = f"{kind.description} Fill in the white columns; the grey columns are computed."
    sheet.write_string(1, 0, hint.strip(), styles.hint())


def write_value(sheet: Any, row: int, col: int, value: object, cell_format: Any) -> None:
    """Write ``value`` as its Python type says; text always as text, never as a formula."""
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, col, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, cell_format)
    else:
        raise TypeError(f"cannot write a {type(value).__name__} to a cell: {value!r}")


def _input_format(styles: Styles, column: Column, value: object, ctx: TemplateContext) -> Any:
    if column.type is ColumnType.MONTH and isinstance(value, date):
        return styles.cell(MONTH_FORMAT, computed=False)  # a date in the month, shown as one
    return styles.cell(number_format(column.type, ctx.currency), computed=False)


def _write_inputs(sheet: Any, styles: Styles, kind: SheetKind, rows: Sequence[RowValues],
                  shape: TableShape, ctx: TemplateContext) -> None:
    for offset in range(shape.last_row - shape.first_row + 1):
        row = rows[offset] if offset < len(rows) else {}
        for col, column in enumerate(kind.columns):
            value = row.get(column.key)
            write_value(sheet, shape.first_row + offset, col, value,
                        _input_format(styles, column, value, ctx))


def _cached_values(kind: SheetKind, rows: Sequence[RowValues],
                   ctx: TemplateContext) -> list[dict[str, CachedValue]]:
    found = formulas_for(kind)
    return [] if found is None else [found.values(kind, row, ctx) for row in rows]


def _shown(value: CachedValue) -> float | str:
    """A cached formula result as XlsxWriter takes it: a number, a text, or "" for nothing."""
    if value is None:
        return ""
    return value if isinstance(value, str) else float(value)


def _write_computed(sheet: Any, styles: Styles, kind: SheetKind,
                    cached: Sequence[Mapping[str, CachedValue]], shape: TableShape,
                    ctx: TemplateContext) -> None:
    """Rewrite each formula cell with its cached result (XlsxWriter's default is 0)."""
    for index, column in enumerate(kind.computed):
        col = len(kind.columns) + index
        text = formula_text(kind, column.key, ctx)
        cell_format = styles.cell(_computed_format(kind, column, ctx), computed=True)
        for offset in range(shape.last_row - shape.first_row + 1):
            value = cached[offset].get(column.key) if offset < len(cached) else None
            sheet.write_formula(shape.first_row + offset, col, text, cell_format, _shown(value))


def _write_totals(sheet: Any, styles: Styles, kind: SheetKind, rows: Sequence[RowValues],
                  cached: Sequence[Mapping[str, CachedValue]], shape: TableShape,
                  ctx: TemplateContext) -> None:
    """Totals cells, locked and bold, with their sums as cached results."""
    assert shape.total_row is not None
    refs = TableRefs(kind.table_name)
    sheet.write_string(shape.total_row, 0, ctx.header(kind, TOTAL_LABEL), styles.total("General"))
    for col, column in enumerate(table_columns(kind)):
        if not is_summed(column.type, column.key):
            continue
        if isinstance(column, Column):
            amounts = [number(kind, row, column.key) for row in rows]
        else:
            amounts = [_as_decimal(values.get(column.key)) for values in cached]
        total = sum((a for a in amounts if a is not None), Decimal(0))
        formula = "=" + refs.subtotal_sum(ctx.header(kind, column.header))
        sheet.write_formula(shape.total_row, col, formula,
                            styles.total(number_format(column.type, ctx.currency)), float(total))


def _as_decimal(value: CachedValue) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _layout(sheet: Any, kind: SheetKind, shape: TableShape) -> None:
    for col, column in enumerate(table_columns(kind)):
        sheet.set_column(col, col, column.width)
    sheet.set_row(shape.header_row, 30)
    sheet.freeze_panes(shape.first_row, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(shape.header_row)
