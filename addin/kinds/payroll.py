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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Annotated, Literal, NamedTuple

from pydantic import Field

from addin.columns import Column, ColumnType, ComputedColumn
from addin.kinds.base import Broken, Columns, RowContext, RowModel, RowRule, SheetKind
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
    """Progressive tax: each slice of Gross Pay is taxed at its bracket's rate."""
    return income_taxes([gross_pay], brackets)[0]


def income_taxes(gross_pay: Sequence[Decimal], brackets: tuple[TaxBracket, ...]) -> list[Decimal]:
    """:func:`income_tax` of every Gross Pay (the one place it is worked out).

    The brackets below the one Gross Pay ends in are taxed whole; their tax is
    summed once per set of brackets (:func:`_schedule`), in the same order and
    with the same operations as slice by slice, so the result is the same.
    Brackets ascend (:class:`addin.settings.PayrollSettings` checks it).
    """
    uppers, lowers, rates, below = _schedule(brackets)
    nothing = round_cents(ZERO)
    tops = map(partial(bisect_left, uppers), gross_pay)  # the bracket each Gross Pay ends in
    return [round_cents(below[top] + (gross - lowers[top]) * rates[top]) if gross > ZERO
            else nothing for gross, top in zip(gross_pay, tops, strict=True)]


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
    """The contract's pay computation, exactly (Decimal throughout), for one employee."""
    pay = pay_columns([base_salary], [allowances], [overtime_hours], [deductions], settings, currency)
    return Pay(*(pay[column.key][0] for column in COMPUTED))


def pay_columns(
    base_salary: Sequence[Decimal],
    allowances: Sequence[Decimal],
    overtime_hours: Sequence[Decimal],
    deductions: Sequence[Decimal],
    settings: PayrollSettings,
    currency: str | None = None,
) -> dict[str, list[Decimal]]:
    """The pay of every employee, a computed column at a time (keys as in ``COMPUTED``).

    The one place the pay is worked out: :func:`compute_pay` is this for one row.
    """
    standard_hours, multiplier = settings.standard_monthly_hours, settings.overtime_multiplier
    brackets = settings.brackets_for(currency) if currency else settings.tax_brackets
    hourly_rate = [base / standard_hours for base in base_salary]
    overtime_pay = [round_cents(hours * rate * multiplier)
                    for hours, rate in zip(overtime_hours, hourly_rate, strict=True)]
    gross_pay = [base + extra + overtime for base, extra, overtime
                 in zip(base_salary, allowances, overtime_pay, strict=True)]
    tax = income_taxes(gross_pay, brackets)
    net_pay = [gross - taxed - taken
               for gross, taxed, taken in zip(gross_pay, tax, deductions, strict=True)]
    return {"hourly_rate": hourly_rate, "overtime_pay": overtime_pay, "gross_pay": gross_pay,
            "income_tax": tax, "net_pay": net_pay}


PAY_INPUTS = ("base_salary", "allowances", "overtime_hours", "deductions")


def _derive_pay(rows: Columns, context: RowContext) -> dict[str, list[Decimal]]:
    return pay_columns(rows["base_salary"], rows["allowances"], rows["overtime_hours"],
                       rows["deductions"], context.payroll, context.currency)


def _net_pay_not_negative(rows: Columns, context: RowContext) -> Iterator[Broken]:
    net_pay = rows["net_pay"]
    if not net_pay or min(net_pay) >= ZERO:  # the usual sheet, decided in C
        return
    for position, net in enumerate(net_pay):
        if net < ZERO:
            yield position, (
                f"makes Net Pay {net:.2f} (Gross Pay {rows['gross_pay'][position]:.2f} - Income "
                f"Tax {rows['income_tax'][position]:.2f} - Deductions "
                f"{rows['deductions'][position]:.2f}); Net Pay must be 0 or more")


RULES = (RowRule("net-pay-negative", "deductions", PAY_INPUTS, _net_pay_not_negative),)


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

    def pay(self, settings: PayrollSettings, currency: str | None = None) -> Pay:
        """This employee's pay under ``settings``."""
        return compute_pay(self.base_salary, self.allowances, self.overtime_hours,
                           self.deductions, settings, currency)


KIND = SheetKind(
    name="Payroll",
    columns=COLUMNS,
    model=PayrollRow,
    computed=COMPUTED,
    unique_keys=(("employee_id",),),
    description="The month's pay inputs per employee.",
    rules=RULES,
    derive=_derive_pay,
    derived_from=PAY_INPUTS,
)
