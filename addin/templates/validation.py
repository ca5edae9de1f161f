"""Excel data validation for the input columns, from the same Column specs as the validator.

Every input column gets a data-validation rule over the table's data rows: a
drop-down list for choice columns, decimal or whole-number bounds from
``Column.minimum`` / ``maximum``, dates and date-times, months of the workbook's
year, and "filled in" for required text. Each has an input message (the
column's help and rule) and an error alert that states the rule in the words
the validator's messages use.

Three rules are not column attributes but row rules of the kinds' models;
they are listed in :data:`ROW_RULES` (see the report: a ``Column`` attribute
would let them come from the spec too). Excel lets blank cells pass every rule;
the validator reports a blank required cell.

Custom formulas use relative A1 references to the top-left cell of the range
(data validation accepts no structured references); Excel shifts them for
every cell of the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from addin.cells import column_letter
from addin.columns import Column, ColumnType
from addin.kinds.base import SheetKind
from addin.templates.context import TemplateContext

# Excel's limits on the texts of a data validation.
TITLE_LIMIT: Final = 32
MESSAGE_LIMIT: Final = 255

EARLIEST: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(9999, 12, 31)
LATEST: Final = datetime(9999, 12, 31, 23, 59)


class RowRule(Enum):
    """A row rule of a kind's model that data validation can check in the cell."""

    NOT_IN_FUTURE = "not in the future"
    AFTER_START = "after Start"
    IN_WORKBOOK_YEAR = "in the workbook's year"


ROW_RULES: Final[dict[tuple[str, str], RowRule]] = {
    ("Inventory", "last_counted"): RowRule.NOT_IN_FUTURE,  # InventoryRow._counted_in_the_past
    ("Schedule", "end"): RowRule.AFTER_START,  # ScheduleRow._end_after_start
    ("Budget", "period"): RowRule.IN_WORKBOOK_YEAR,  # BudgetRow._period_in_workbook_year
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a column's rule applies: 0-based column and first data row."""

    col: int
    first_row: int
    columns: dict[str, int]  # key -> 0-based column of every input column of the table

    def cell(self, key: str | None = None) -> str:
        """Relative A1 reference of the first data cell of ``key`` (default: this column)."""
        col = self.col if key is None else self.columns[key]
        return f"{column_letter(col)}{self.first_row + 1}"


def plain(value: Decimal) -> str:
    """200 rather than 2E+2 or 200.00."""
    return f"{value.normalize():f}"


def _bounds(column: Column, kind: str) -> tuple[dict[str, Any], str]:
    """Criteria and words for a number column's minimum / maximum."""
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return ({"criteria": "between", "minimum": float(low), "maximum": float(high)},
                f"{kind} from {plain(low)} to {plain(high)}")
    if low is not None:
        return {"criteria": ">=", "value": float(low)}, f"{kind}, {plain(low)} or more"
    if high is not None:
        return {"criteria": "<=", "value": float(high)}, f"{kind}, {plain(high)} or less"
    return {"criteria": "between", "minimum": -1e307, "maximum": 1e307}, kind


def _choice_list(column: Column) -> list[str]:
    """The drop-down's items; Excel keeps them as one comma-separated text of at most 255."""
    if any("," in choice for choice in column.choices) or len(",".join(column.choices)) > 255:
        raise ValueError(f"the choices of {column.header} do not fit an Excel drop-down list "
                         "(no commas, 255 characters in all); list them on a sheet instead")
    return list(column.choices)


def _month_formula(cell: str, year: int) -> str:
    # A date cell in the year, or the text YYYY-MM with a real month; FIND on
    # "|01|02|...|" matches exactly two characters, so "1 " or "1." never pass.
    months = "|" + "|".join(f"{m:02d}" for m in range(1, 13)) + "|"
    return (f'=IF(ISNUMBER({cell}),YEAR({cell})={year},AND(LEN({cell})=7,'
            f'LEFT({cell},5)="{year}-",ISNUMBER(FIND("|"&MID({cell},6,2)&"|","{months}"))))')


def after_start_test(end: str, start: str) -> str:
    """End after Start, a date alone meaning the whole day (so End runs to midnight after)."""
    return f"IF({end}=INT({end}),{end}+1,{end})>{start}"


def _criteria(column: Column, rule: RowRule | None, place: Place,
              ctx: TemplateContext) -> tuple[dict[str, Any], str]:
    """The XlsxWriter criteria of ``column`` and the rule in words ("a number, 0 or more")."""
    cell = place.cell()
    match column.type:
        case ColumnType.CHOICE:
            return {"validate": "list", "source": _choice_list(column)}, "one of: " + ", ".join(
                column.choices)
        case ColumnType.MONEY | ColumnType.NUMBER:
            criteria, words = _bounds(column, "a number")
            return {"validate": "decimal", **criteria}, words
        case ColumnType.INTEGER:
            criteria, words = _bounds(column, "a whole number")
            return {"validate": "integer", **criteria}, words
        case ColumnType.DATE if rule is RowRule.NOT_IN_FUTURE:
            return ({"validate": "date", "criteria": "<=", "value": "=TODAY()"},
                    "a date (yyyy-mm-dd), not in the future")
        case ColumnType.DATE:
            return ({"validate": "date", "criteria": "between", "minimum": EARLIEST,
                     "maximum": LATEST_DATE}, "a date (yyyy-mm-dd)")
        case ColumnType.DATETIME if rule is RowRule.AFTER_START:
            test = after_start_test(cell, place.cell("start"))
            return ({"validate": "custom", "value": f"=AND(ISNUMBER({cell}),{test})"},
                    "a date and time (yyyy-mm-dd hh:mm) after Start")
        case ColumnType.DATETIME:
            return ({"validate": "date", "criteria": "between", "minimum": EARLIEST,
                     "maximum": LATEST}, "a date and time (yyyy-mm-dd hh:mm)")
        case ColumnType.MONTH:
            return ({"validate": "custom", "value": _month_formula(cell, ctx.year)},
                    f"a month of {ctx.year}, written YYYY-MM (for example {ctx.period})")
        case ColumnType.TEXT if column.required:
            return ({"validate": "custom", "value": f"=LEN(TRIM({cell}))>0"}, "filled in")
        case ColumnType.TEXT:
            return {"validate": "any"}, ""
    raise AssertionError(f"no data validation for {column.type}")  # pragma: no cover


def input_message(column: Column) -> str:
    """Column.help and Column.rule_text(), as the cell's input message.

    Parts of the rule the help already says ("blank means 0") are not repeated.
    """
    rule = column.rule_text() or ("required" if column.required else "")
    said = column.help.casefold()
    parts = [part for part in rule.split("; ") if part and part.casefold() not in said]
    if not parts:
        return column.help[:MESSAGE_LIMIT]
    rule = "; ".join(parts)
    text = f"{column.help} {rule[0].upper()}{rule[1:]}.".strip()
    return text[:MESSAGE_LIMIT]


def data_validation(kind: SheetKind, column: Column, place: Place,
                    ctx: TemplateContext) -> dict[str, Any]:
    """XlsxWriter ``data_validation`` options for one input column."""
    header = ctx.header(kind, column.header)
    options, words = _criteria(column, ROW_RULES.get((kind.name, column.key)), place, ctx)
    options |= {
        "ignore_blank": True,
        "input_title": header[:TITLE_LIMIT],
        "input_message": input_message(column),
    }
    if words:
        options |= {
            "error_type": "stop",
            "error_title": f"Check {header}"[:TITLE_LIMIT],
            "error_message": f"{header} must be {words}."[:MESSAGE_LIMIT],
        }
    return options


def apply_validations(sheet: Any, kind: SheetKind, first_row: int, last_row: int,
                      ctx: TemplateContext) -> None:
    """A data-validation rule on every input column of ``kind``, over its data rows."""
    columns = {column.key: col for col, column in enumerate(kind.columns)}
    for col, column in enumerate(kind.columns):
        place = Place(col, first_row, columns)
        options = data_validation(kind, column, place, ctx)
        if sheet.data_validation(first_row, col, last_row, col, options):
            raise ValueError(f"XlsxWriter refused the data validation of {kind.name} "
                             f"{column.header} (see its warning)")
