"""The pay computation against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.kinds.payroll import compute_pay, income_tax, round_cents
from addin.settings import (
    CNY_BRACKETS,
    DEFAULT_BRACKETS,
    VND_BRACKETS,
    PayrollSettings,
    TaxBracket,
)

# Gross pay -> tax, computed by hand slice by slice.
USD_CASES = [
    ("0", "0.00"), ("1000", "0.00"), ("1000.01", "0.00"), ("1000.05", "0.01"),
    ("3000", "200.00"), ("4000", "300.00"), ("4000.01", "300.00"), ("4000.03", "300.01"),
    ("10000", "1500.00"), ("12345.67", "2203.70"),
]
VND_CASES = [
    ("5000000", "250000.00"), ("5000001", "250000.10"), ("10000000", "750000.00"),
    ("18000000", "1950000.00"), ("32000000", "4750000.00"), ("52000000", "9750000.00"),
    ("80000000", "18150000.00"), ("100000000", "25150000.00"),
]
CNY_CASES = [("3000", "90.00"), ("3000.01", "90.00"), ("12000", "990.00"), ("25000", "3590.00")]


@pytest.mark.parametrize(("gross", "tax"), USD_CASES)
def test_default_brackets(gross: str, tax: str) -> None:
    assert income_tax(D(gross), DEFAULT_BRACKETS) == D(tax)


@pytest.mark.parametrize(("gross", "tax"), VND_CASES)
def test_vietnam_brackets(gross: str, tax: str) -> None:
    assert income_tax(D(gross), VND_BRACKETS) == D(tax)


@pytest.mark.parametrize(("gross", "tax"), CNY_CASES)
def test_china_brackets(gross: str, tax: str) -> None:
    assert income_tax(D(gross), CNY_BRACKETS) == D(tax)


def test_brackets_are_chosen_by_currency() -> None:
    settings = PayrollSettings()
    assert settings.brackets_for("vnd") == VND_BRACKETS
    assert settings.brackets_for("EUR") == DEFAULT_BRACKETS


def test_a_whole_payslip_by_hand() -> None:
    # Base 3,200 over 160 h = 20.00/h; 10 h overtime at 1.5 = 300.00;
    # gross 3,200 + 150 + 300 = 3,650.00; tax 10% of 2,650 = 265.00;
    # net 3,650 - 265 - 120 = 3,265.00.
    pay = compute_pay(D(3200), D(150), D(10), D(120), PayrollSettings(), "USD")
    assert (pay.hourly_rate, pay.overtime_pay, pay.gross_pay, pay.income_tax, pay.net_pay) == (
        D(20), D("300.00"), D("3650.00"), D("265.00"), D("3265.00")
    )


def test_overtime_rounds_half_away_from_zero() -> None:
    # 1,000 / 160 = 6.25 per hour; 1 h x 6.25 x 1.5 = 9.375 -> 9.38 (Excel's ROUND).
    pay = compute_pay(D(1000), D(0), D(1), D(0), PayrollSettings())
    assert pay.overtime_pay == D("9.38")


def test_settings_change_the_result() -> None:
    settings = PayrollSettings(standard_monthly_hours=D(176), overtime_multiplier=D(2))
    pay = compute_pay(D(1760), D(0), D(5), D(0), settings)  # 10/h x 5 h x 2
    assert pay.overtime_pay == D("100.00")


@given(st.decimals(min_value=0, max_value=10**8, places=2))
def test_tax_is_monotonic_and_below_the_top_rate(gross: D) -> None:
    tax = income_tax(gross, DEFAULT_BRACKETS)
    assert D(0) <= tax <= round_cents(gross * D("0.30"))
    assert income_tax(gross + D("0.01"), DEFAULT_BRACKETS) >= tax


def _tax_slice_by_slice(gross: D, brackets: tuple[TaxBracket, ...]) -> D:
    tax, lower = D(0), D(0)
    for bracket in brackets:
        if gross <= lower:
            break
        upper = bracket.up_to
        tax += ((upper if upper is not None and gross > upper else gross) - lower) * bracket.rate
        if upper is None:
            break
        lower = upper
    return round_cents(tax)


@given(st.decimals(min_value=0, max_value=10**12, places=2),
       st.sampled_from([DEFAULT_BRACKETS, VND_BRACKETS, CNY_BRACKETS]))
def test_tax_equals_the_slice_by_slice_sum(gross: D, brackets: tuple[TaxBracket, ...]) -> None:
    # income_tax sums the whole brackets once per set of brackets: same result, same digits.
    assert str(income_tax(gross, brackets)) == str(_tax_slice_by_slice(gross, brackets))
    for limit in (b.up_to for b in brackets if b.up_to is not None):
        for near in (limit - D("0.01"), limit, limit + D("0.01")):
            assert str(income_tax(near, brackets)) == str(_tax_slice_by_slice(near, brackets))


def test_exception_texts_never_show_payroll_figures() -> None:
    from pydantic import ValidationError

    from addin.kinds import DATA_KINDS
    from addin.kinds.base import RowContext

    rows = [
        {"employee_id": "E1", "full_name": "Secret Person", "position": "Clerk",
         "employment_type": "Full-time", "base_salary": D("4321.09"), "deductions": D("98765.43")},
        {"employee_id": "E2", "full_name": "Other Person", "position": "Clerk",
         "employment_type": "Full-time", "base_salary": D("-777.77")},
    ]
    with pytest.raises(ValidationError) as caught:
        DATA_KINDS["Payroll"].adapter.validate_python(rows, context=RowContext())
    text = str(caught.value) + repr(caught.value)
    for secret in ("4321.09", "98765.43", "777.77", "Secret Person"):
        assert secret not in text
