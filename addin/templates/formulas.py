"""The computed columns of each sheet kind as live Excel formulas, with their values.

Each computed column (:class:`addin.columns.ComputedColumn`) of a kind gets a
:class:`ComputedSpec` here: the Excel formula that mirrors the Python
computation in the kind's module, and how the totals row treats it. The
Python values written as the formulas' cached results come from those same
functions (:func:`addin.kinds.payroll.compute_pay`, ...), so a viewer that does
not recalculate shows the numbers the validator computes.

Every formula starts with ``IF(<key input>="","",...)``: the table's spare rows
show nothing instead of zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from addin.columns import Column, ColumnType
from addin.kinds import budget, inventory, payroll
from addin.kinds.base import SheetKind
from addin.settings import PayrollSettings
from addin.templates.context import TemplateContext, table_columns
from addin.templates.references import TableRefs
from addin.templates.settings_sheet import OT_MULTIPLIER, STD_HOURS, TAX_LOWER, TAX_STEP
from addin.templates.styles import PERCENT_FORMAT

CachedValue = Decimal | str | None
"""A formula's cached result: a number, a text, or None for an empty result ("")."""

RowValues = Mapping[str, object]

NOT_SUMMED: Final = frozenset({"hourly_rate", "unit_cost"})
"""Money columns whose total means nothing (a sum of rates or of unit prices)."""

YES: Final = "Yes"
NO: Final = "No"


class Refs:
    """``refs["actual"]`` is ``tblBudget[[#This Row],[Actual]]`` in the workbook's language."""

    def __init__(self, kind: SheetKind, ctx: TemplateContext) -> None:
        self._table = TableRefs(kind.table_name)
        self._headers = {c.key: ctx.header(kind, c.header) for c in table_columns(kind)}

    def __getitem__(self, key: str) -> str:
        return self._table.this_row(self._headers[key])


@dataclass(frozen=True, slots=True)
class ComputedSpec:
    """How one computed column is written: its formula and an optional number format."""

    formula: Callable[[Refs, TemplateContext], str]
    num_format: str | None = None


@dataclass(frozen=True, slots=True)
class KindFormulas:
    """The formulas of one kind's computed columns, and their values for given rows."""

    columns: Mapping[str, ComputedSpec]
    values: Callable[[SheetKind, RowValues, TemplateContext], dict[str, CachedValue]]


# --- Values of the inputs, as the validator would read them ------------------------------------


def number(kind: SheetKind, row: RowValues, key: str) -> Decimal | None:
    """The row's value of number column ``key``, blank meaning its ``blank_default``."""
    column: Column = kind.column(key)
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return column.blank_default
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None  # text in a number column: the validator will say so; show nothing


# --- Budget -----------------------------------------------------------------------------------


def _budget_values(kind: SheetKind, row: RowValues, ctx: TemplateContext) -> dict[str, CachedValue]:
    actual, amount = number(kind, row, "actual"), number(kind, row, "budget")
    if amount is None:
        amount = Decimal(0)  # a blank Budget is 0 in Excel arithmetic too
    return {
        "variance": budget.variance(actual, amount),
        "variance_pct": budget.variance_pct(actual, amount),
    }


BUDGET = KindFormulas(
    columns={
        "variance": ComputedSpec(
            lambda r, _: f'IF({r["actual"]}="","",{r["actual"]}-{r["budget"]})'
        ),
        "variance_pct": ComputedSpec(
            lambda r, _: f'IF(OR({r["variance"]}="",{r["budget"]}=0),"",'
            f'{r["variance"]}/{r["budget"]})',
            PERCENT_FORMAT,
        ),
    },
    values=_budget_values,
)


# --- Payroll ----------------------------------------------------------------------------------


def tax_guard_places(settings: PayrollSettings, currency: str) -> int:
    """Decimal places the tax is rounded to before it is rounded to the cent.

    Gross Pay in cents times rates with ``n`` decimals is exact at ``2 + n``
    places; binary floating point misses that by far less than half a unit
    there, but enough to turn 0.005 into 0.00499999 when the subtraction
    ``gross - lower`` cancels most digits. Rounding first at those places (at
    least 6) gives the exact value back, so ROUND to the cent then rounds half
    away from zero as :func:`addin.kinds.payroll.round_cents` does.
    """
    places = 0
    for bracket in settings.brackets_for(currency):
        exponent = bracket.rate.normalize().as_tuple().exponent
        places = max(places, -exponent if isinstance(exponent, int) else 0)
    return max(6, 2 + places)


def _income_tax(r: Refs, ctx: TemplateContext) -> str:
    gross = r["gross_pay"]
    guard = tax_guard_places(ctx.settings, ctx.currency)
    progressive = f"SUMPRODUCT(({gross}>{TAX_LOWER})*({gross}-{TAX_LOWER})*{TAX_STEP})"
    return f'IF({gross}="","",ROUND(ROUND({progressive},{guard}),2))'


def _when_paid(r: Refs, body: str) -> str:
    """A Payroll formula that shows nothing until Base Salary is filled in."""
    return f'IF({r["base_salary"]}="","",{body})'


def _payroll_values(kind: SheetKind, row: RowValues, ctx: TemplateContext) -> dict[str, CachedValue]:
    inputs = [number(kind, row, key) for key in
              ("base_salary", "allowances", "overtime_hours", "deductions")]
    base, allowances, hours, deductions = inputs
    if base is None or allowances is None or hours is None or deductions is None:
        return dict.fromkeys(PAYROLL.columns)
    pay = payroll.compute_pay(base, allowances, hours, deductions, ctx.settings, ctx.currency)
    return {key: getattr(pay, key) for key in PAYROLL.columns}


PAYROLL = KindFormulas(
    columns={
        "hourly_rate": ComputedSpec(lambda r, _: _when_paid(r, f'{r["base_salary"]}/{STD_HOURS}')),
        "overtime_pay": ComputedSpec(
            lambda r, _: _when_paid(
                r, f'ROUND({r["overtime_hours"]}*{r["hourly_rate"]}*{OT_MULTIPLIER},2)'
            )
        ),
        "gross_pay": ComputedSpec(
            lambda r, _: _when_paid(
                r, f'{r["base_salary"]}+{r["allowances"]}+{r["overtime_pay"]}'
            )
        ),
        "income_tax": ComputedSpec(_income_tax),
        "net_pay": ComputedSpec(
            lambda r, _: _when_paid(
                r, f'{r["gross_pay"]}-{r["income_tax"]}-{r["deductions"]}'
            )
        ),
    },
    values=_payroll_values,
)


# --- Inventory --------------------------------------------------------------------------------


def _inventory_values(kind: SheetKind, row: RowValues, ctx: TemplateContext) -> dict[str, CachedValue]:
    quantity = number(kind, row, "quantity_on_hand")
    cost, level = number(kind, row, "unit_cost"), number(kind, row, "reorder_level")
    value = None if quantity is None or cost is None else inventory.stock_value(quantity, cost)
    reorder: CachedValue = None
    if quantity is not None and level is not None:
        reorder = YES if inventory.needs_reorder(quantity, level) else NO
    return {"stock_value": value, "needs_reorder": reorder}


INVENTORY = KindFormulas(
    columns={
        "stock_value": ComputedSpec(
            lambda r, _: f'IF(OR({r["quantity_on_hand"]}="",{r["unit_cost"]}=""),"",'
            f'{r["quantity_on_hand"]}*{r["unit_cost"]})'
        ),
        "needs_reorder": ComputedSpec(
            lambda r, _: f'IF(OR({r["quantity_on_hand"]}="",{r["reorder_level"]}=""),"",'
            f'IF({r["quantity_on_hand"]}<={r["reorder_level"]},"{YES}","{NO}"))'
        ),
    },
    values=_inventory_values,
)


FORMULAS: Final[dict[str, KindFormulas]] = {
    budget.KIND.name: BUDGET,
    payroll.KIND.name: PAYROLL,
    inventory.KIND.name: INVENTORY,
}
"""Formulas by kind name; a kind with computed columns must have an entry here."""


def formulas_for(kind: SheetKind) -> KindFormulas | None:
    """The kind's formulas; raises when a computed column has no formula (a new kind)."""
    if not kind.computed:
        return None
    found = FORMULAS.get(kind.name)
    missing = [c.key for c in kind.computed if found is None or c.key not in found.columns]
    if found is None or missing:
        raise LookupError(f"no template formula for {kind.name} column(s) {', '.join(missing)}; "
                          "add them to addin/templates/formulas.py")
    return found


def formula_text(kind: SheetKind, key: str, ctx: TemplateContext) -> str:
    """The Excel formula (with ``=``) of computed column ``key`` of ``kind``."""
    found = formulas_for(kind)
    assert found is not None
    return "=" + found.columns[key].formula(Refs(kind, ctx), ctx)


def is_summed(column_type: ColumnType, key: str) -> bool:
    """Whether the totals row sums this column: money amounts, not rates or unit prices."""
    return column_type is ColumnType.MONEY and key not in NOT_SUMMED
