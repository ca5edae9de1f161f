"""Payroll: the month's pay inputs, one row per employee.

The pay computation lives here, once; the validator, the templates' Excel
formulas (which mirror it cell by cell), the UDFs and the report all use it:

* Hourly Rate = Base Salary / standard monthly hours (not rounded);
* Overtime Pay = Overtime Hours x Hourly Rate x overtime multiplier, rounded to
  the cent (half away from zero, as Excel's ROUND);
* Gross Pay = Base Salary + Allowances + Overtime Pay;
* Income Tax = progressive brackets on Gross Pay, rounded to the cent;
* Net Pay = Gross Pay - Income Tax - Deductions, which must be 0 or more.

Full Name and Bank Account are personal data (``confidential``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple, Self

from pydantic import Field, ValidationInfo, model_validator

from addin.columns import Column, ColumnType, ComputedColumn
from addin.kinds.base import RowModel, SheetKind, context_of, rule_error
from addin.settings import PayrollSettings, TaxBracket

EMPLOYMENT_TYPES = ("Full-time", "Part-time", "Contractor")

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_OVERTIME_HOURS = Decimal(200)

COLUMNS = (
    Column(
        "employee_id", "Employee ID", ColumnType.TEXT, identifier=True,
        help="The employee's ID; unique in the organisation.", width=13,
    ),
    Column(
        "full_name", "Full Name", ColumnType.TEXT, confidential=True,
        help="As on the employment contract.", width=24,
    ),
    Column("position", "Position", ColumnType.TEXT, help="Job title.", width=22),
    Column(
        "employment_type", "Employment Type", ColumnType.CHOICE, choices=EMPLOYMENT_TYPES,
        help="Pick from the list.", width=16,
    ),
    Column(
        "base_salary", "Base Salary", ColumnType.MONEY, minimum=ZERO,
        help="Monthly base salary.", width=15,
    ),
    Column(
        "allowances", "Allowances", ColumnType.MONEY, required=False, blank_default=ZERO,
        minimum=ZERO, help="Monthly allowances; blank means 0.", width=14,
    ),
    Column(
        "overtime_hours", "Overtime Hours", ColumnType.NUMBER, required=False, blank_default=ZERO,
        minimum=ZERO, maximum=MAX_OVERTIME_HOURS, help="Hours of overtime this month.", width=11,
    ),
    Column(
        "deductions", "Deductions", ColumnType.MONEY, required=False, blank_default=ZERO,
        minimum=ZERO, help="Other deductions (insurance, advances); blank means 0.", width=14,
    ),
    Column(
        "bank_account", "Bank Account", ColumnType.TEXT, required=False, identifier=True,
        confidential=True, help="Optional; kept confidential.", width=20,
    ),
)

COMPUTED = (
    ComputedColumn("hourly_rate", "Hourly Rate", ColumnType.MONEY, "Base Salary / standard hours."),
    ComputedColumn("overtime_pay", "Overtime Pay", ColumnType.MONEY, "Overtime at the multiplier."),
    ComputedColumn("gross_pay", "Gross Pay", ColumnType.MONEY, "Base + Allowances + Overtime Pay."),
    ComputedColumn("income_tax", "Income Tax", ColumnType.MONEY, "Progressive tax on Gross Pay."),
    ComputedColumn("net_pay", "Net Pay", ColumnType.MONEY, "Gross - Income Tax - Deductions."),
)


def round_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero (Excel's ROUND)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def income_tax(gross_pay: Decimal, brackets: tuple[TaxBracket, ...]) -> Decimal:
    """Progressive tax: each slice of Gross Pay is taxed at its bracket's rate.

    The brackets below the one Gross Pay ends in are taxed whole; their tax is
    summed once per set of brackets (:func:`_schedule`), in the same order and
    with the same operations as slice by slice, so the result is the same.
    Brackets ascend (:class:`addin.settings.PayrollSettings` checks it).
    """
    if gross_pay <= ZERO:
        return round_cents(ZERO)
    schedule = _schedule(brackets)
    top = bisect_left(schedule.uppers, gross_pay)  # the bracket Gross Pay ends in
    return round_cents(
        schedule.below[top] + (gross_pay - schedule.lowers[top]) * schedule.rates[top]
    )


class _Schedule(NamedTuple):
    uppers: list[Decimal]  # of the brackets with a limit, ascending
    lowers: list[Decimal]  # where each bracket starts
    rates: list[Decimal]
    below: list[Decimal]  # the tax of all brackets below each one, taxed whole


# By identity: hashing the brackets would cost more than the tax. The brackets
# are kept with their schedule, so that an id is never reused while cached.
_SCHEDULES: dict[int, tuple[tuple[TaxBracket, ...], _Schedule]] = {}


def _schedule(brackets: tuple[TaxBracket, ...]) -> _Schedule:
    """``brackets`` prepared for :func:`income_tax` (once per set of brackets)."""
    known = _SCHEDULES.get(id(brackets))
    if known is not None and known[0] is brackets:
        return known[1]
    uppers = [b.up_to for b in brackets if b.up_to is not None]
    lowers = [ZERO, *uppers]
    below = [ZERO]
    for upper, lower, bracket in zip(uppers, lowers, brackets, strict=False):
        below.append(below[-1] + (upper - lower) * bracket.rate)
    schedule = _Schedule(uppers, lowers, [b.rate for b in brackets], below)
    _SCHEDULES[id(brackets)] = (brackets, schedule)
    return schedule


@dataclass(frozen=True, slots=True)
class Pay:
    """One employee's computed pay."""

    hourly_rate: Decimal
    overtime_pay: Decimal
    gross_pay: Decimal
    income_tax: Decimal
    net_pay: Decimal


def compute_pay(
    base_salary: Decimal,
    allowances: Decimal,
    overtime_hours: Decimal,
    deductions: Decimal,
    settings: PayrollSettings,
    currency: str | None = None,
) -> Pay:
    """The contract's pay computation, exactly (Decimal throughout)."""
    hourly_rate = base_salary / settings.standard_monthly_hours
    overtime_pay = round_cents(overtime_hours * hourly_rate * settings.overtime_multiplier)
    gross_pay = base_salary + allowances + overtime_pay
    brackets = settings.brackets_for(currency) if currency else settings.tax_brackets
    tax = income_tax(gross_pay, brackets)
    return Pay(hourly_rate, overtime_pay, gross_pay, tax, gross_pay - tax - deductions)


NonNegative = Annotated[Decimal, Field(ge=0)]


class PayrollRow(RowModel):
    employee_id: str
    full_name: str
    position: str
    employment_type: Literal[EMPLOYMENT_TYPES]  # type: ignore[valid-type]
    base_salary: NonNegative
    allowances: NonNegative = ZERO
    overtime_hours: Annotated[Decimal, Field(ge=0, le=MAX_OVERTIME_HOURS)] = ZERO
    deductions: NonNegative = ZERO
    bank_account: str | None = None

    # The pay worked out while validating, and the settings and currency it was
    # worked out with. A plain slot rather than a pydantic PrivateAttr: pydantic
    # fills private attributes through a Python call on every row it builds,
    # which cost as much as validating the row's fields.
    __slots__ = ("_pay",)
    if TYPE_CHECKING:
        _pay: tuple[PayrollSettings, str | None, Pay]

    @model_validator(mode="after")
    def _net_pay_not_negative(self, info: ValidationInfo) -> Self:
        context = context_of(info)
        # A row being validated has no pay worked out yet: no cache to look at.
        pay = self._work_out_pay(context.payroll, context.currency)
        if pay.net_pay < 0:
            raise rule_error(
                "net-pay-negative",
                "deductions",
                f"makes Net Pay {pay.net_pay:.2f} (Gross Pay {pay.gross_pay:.2f} - Income Tax "
                f"{pay.income_tax:.2f} - Deductions {self.deductions:.2f}); "
                "Net Pay must be 0 or more",
            )
        return self

    def pay(self, settings: PayrollSettings, currency: str | None = None) -> Pay:
        """This employee's pay under ``settings`` (computed once per settings and currency)."""
        try:
            cached = self._pay
        except AttributeError:  # not worked out yet (or the row is a copy)
            return self._work_out_pay(settings, currency)
        if cached[0] is settings and cached[1] == currency:
            return cached[2]
        return self._work_out_pay(settings, currency)

    def _work_out_pay(self, settings: PayrollSettings, currency: str | None) -> Pay:
        pay = compute_pay(
            self.base_salary, self.allowances, self.overtime_hours, self.deductions,
            settings, currency,
        )
        # The row is frozen for its fields; the cache is not one of them.
        object.__setattr__(self, "_pay", (settings, currency, pay))
        return pay


KIND = SheetKind(
    name="Payroll",
    columns=COLUMNS,
    model=PayrollRow,
    computed=COMPUTED,
    unique_keys=(("employee_id",),),
    description="The month's pay inputs per employee.",
)
