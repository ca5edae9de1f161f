"""Budget: budget against actual, by account and month.

One row is one account in one month. Variance = Actual - Budget;
Variance % = Variance / Budget, blank when Budget is 0. (Period, Account Code)
is unique within the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from addin.columns import Column, ColumnType, ComputedColumn
from addin.kinds.base import Broken, Columns, RowContext, RowModel, RowRule, SheetKind

CATEGORIES = (
    "Personnel",
    "Operations",
    "Travel",
    "Training",
    "IT",
    "Facilities",
    "Marketing",
    "Capital",
    "Other",
)

ZERO = Decimal(0)

COLUMNS = (
    Column("period", "Period", ColumnType.MONTH, help="The month, written YYYY-MM.", width=10),
    Column(
        "account_code", "Account Code", ColumnType.TEXT, identifier=True,
        help="The ledger account code; keep leading zeros.", width=14,
    ),
    Column("account_name", "Account Name", ColumnType.TEXT, help="The account's name.", width=28),
    Column(
        "category", "Category", ColumnType.CHOICE, choices=CATEGORIES,
        help="Pick the spending category from the list.", width=13,
    ),
    Column(
        "budget", "Budget", ColumnType.MONEY, minimum=ZERO,
        help="The approved budget for the month.", width=15,
    ),
    Column(
        "actual", "Actual", ColumnType.MONEY, required=False, minimum=ZERO,
        help="Actual spending; leave blank while the month is not closed.", width=15,
    ),
    Column("notes", "Notes", ColumnType.TEXT, required=False, help="Optional remarks.", width=30),
)

COMPUTED = (
    ComputedColumn("variance", "Variance", ColumnType.MONEY, "Actual minus Budget.", width=15),
    ComputedColumn(
        "variance_pct", "Variance %", ColumnType.NUMBER, "Variance as a share of Budget.", width=11
    ),
)

NonNegative = Annotated[Decimal, Field(ge=0)]


class BudgetRow(RowModel):
    period: str
    account_code: str
    account_name: str
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    budget: NonNegative
    actual: NonNegative | None = None
    notes: str | None = None

    @property
    def variance(self) -> Decimal | None:
        return variance(self.actual, self.budget)

    @property
    def variance_pct(self) -> Decimal | None:
        return variance_pct(self.actual, self.budget)


def variance(actual: Decimal | None, budget: Decimal) -> Decimal | None:
    """Actual - Budget; blank while Actual is blank."""
    return None if actual is None else actual - budget


def variance_pct(actual: Decimal | None, budget: Decimal) -> Decimal | None:
    """Variance / Budget; blank when Budget is 0 or Actual is blank."""
    if actual is None or budget == 0:
        return None
    return (actual - budget) / budget


def _period_in_workbook_year(rows: Columns, context: RowContext) -> Iterator[Broken]:
    """A Budget row's month is a month of the workbook's year (a multi-month plan
    is fine, last year's actuals pasted in are not)."""
    if not context.period:
        return
    year = context.period[:4]
    reason = f"must be a month of {year}, the year of this workbook"
    for position, period in enumerate(rows["period"]):
        if period[:4] != year:
            yield position, reason


RULES = (RowRule("period-outside-year", "period", ("period",), _period_in_workbook_year),)


KIND = SheetKind(
    name="Budget",
    columns=COLUMNS,
    model=BudgetRow,
    computed=COMPUTED,
    unique_keys=(("period", "account_code"),),
    description="Budget against actual by account and month.",
    rules=RULES,
)
