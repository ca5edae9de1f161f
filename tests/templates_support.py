"""Test data and helpers for the template tests (test_templates.py, test_template_formulas.py).

Rows are a small realistic department (Finance, October 2026) keyed by column
key, as :func:`addin.templates.write_department_workbook` takes them. The
expected pay is computed here independently of :mod:`addin.kinds.payroll`,
with the "quick deduction" form of a progressive tax (gross x marginal rate
minus a constant per bracket) rather than slice by slice, and a few results
are written out by hand.

The helpers that strip saved formula results and decode rendered PNG pages
live in :mod:`tests.support.files`, shared with the report tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from addin.settings import TaxBracket

D = Decimal
CENT = D("0.01")
TODAY = date(2026, 11, 15)
PERIOD = "2026-10"
DEPARTMENT: dict[str, Any] = {
    "department_code": "FIN",
    "department_name": "Finance",
    "period": PERIOD,
    "prepared_by": "Lan Tran",
}

Row = dict[str, object]


def budget_rows() -> list[Row]:
    def row(month: str, code: str, name: str, category: str, amount: str,
            actual: str | None, notes: str | None = None) -> Row:
        return {"period": month, "account_code": code, "account_name": name,
                "category": category, "budget": D(amount),
                "actual": None if actual is None else D(actual), "notes": notes}

    return [
        row("2026-10", "000123", "Office supplies", "Operations", "1200.00", "1350.50"),
        row("2026-10", "000124", "Staff travel", "Travel", "3000.00", "2875.25", "Hanoi trip"),
        row("2026-10", "510-01", "Salaries", "Personnel", "48000.00", "48000.00"),
        row("2026-10", "620", "Software licences", "IT", "0", "450.00", "=unplanned renewal"),
        row("2026-11", "000123", "Office supplies", "Operations", "1200.00", None),
        row("2026-09", "700", "Training courses", "Training", "800.00", "799.99"),
    ]


def payroll_row(employee_id: str, base: str, *, allowances: str | None = None,
                overtime: str | None = None, deductions: str | None = None,
                name: str = "Nguyen Van An", kind: str = "Full-time") -> Row:
    return {
        "employee_id": employee_id, "full_name": name, "position": "Accountant",
        "employment_type": kind, "base_salary": D(base),
        "allowances": None if allowances is None else D(allowances),
        "overtime_hours": None if overtime is None else D(overtime),
        "deductions": None if deductions is None else D(deductions),
        "bank_account": "0071000123456",
    }


def payroll_rows() -> list[Row]:
    """Ordinary employees (USD amounts; scaled for other currencies by the caller)."""
    return [
        payroll_row("E0001", "5000.00", allowances="200.00", overtime="10", deductions="100.00"),
        payroll_row("E0002", "3200.00", allowances="150.00", name="Tran Thi Binh"),
        payroll_row("00042", "2500.00", overtime="7.5", deductions="50.00", name="Le Van Cuong",
                    kind="Part-time"),
        payroll_row("C-17", "12000.00", allowances="1000.00", overtime="4", deductions="2500.00",
                    name="Pham Minh Duc", kind="Contractor"),
        payroll_row("E0005", "0", name="Hoang Thi E (unpaid leave)"),
    ]


# Base salaries whose overtime or tax lands exactly on half a cent (USD, 160 h, x1.5):
# binary floating point computes them a hair below the half.
HALF_CENT_ROWS: tuple[tuple[str, str], ...] = (
    ("1022.40", "3"),  # overtime 28.755 -> 28.76
    ("1033.60", "0.5"),  # overtime 4.845 -> 4.85; tax 3.845 -> 3.85
    ("1047.60", "12"),  # overtime 117.855 -> 117.86
    ("1000.05", "0"),  # tax 0.005 -> 0.01
    ("1000.15", "0"),  # tax 0.015 -> 0.02
)


def bracket_edge_rows(brackets: Sequence[TaxBracket], prefix: str = "B") -> list[Row]:
    """Gross Pay exactly on each bracket limit and one cent either side (Base Salary only)."""
    rows: list[Row] = []
    for bracket in brackets:
        if bracket.up_to is None:
            continue
        for delta in (D("-0.01"), D(0), D("0.01")):
            gross = bracket.up_to + delta
            rows.append(payroll_row(f"{prefix}{len(rows) + 1:03d}", f"{gross:.2f}"))
    return rows


def half_cent_rows() -> list[Row]:
    return [payroll_row(f"H{i:03d}", base, overtime=hours)
            for i, (base, hours) in enumerate(HALF_CENT_ROWS, start=1)]


def inventory_rows() -> list[Row]:
    def row(sku: str, item: str, category: str, unit: str, location: str, quantity: str,
            cost: str, level: str, order: str, supplier: str | None, counted: date) -> Row:
        return {"sku": sku, "item_name": item, "category": category, "unit": unit,
                "location": location, "quantity_on_hand": D(quantity), "unit_cost": D(cost),
                "reorder_level": D(level), "reorder_quantity": D(order), "supplier": supplier,
                "last_counted": counted}

    return [
        row("000731", "Copy paper A4", "Stationery", "box", "Store 1", "12", "4.75", "10", "40",
            "Hong Ha", date(2026, 10, 28)),
        row("000731", "Copy paper A4", "Stationery", "box", "Store 2", "3", "4.75", "10", "20",
            None, date(2026, 10, 28)),
        row("TNR-05", "Toner cartridge", "IT", "pcs", "Store 1", "2", "89.90", "2", "6",
            "Canon VN", date(2026, 10, 30)),
        row("CLN-1", "Hand sanitiser", "Facilities", "l", "Store 2", "7.5", "3.333", "5", "10",
            None, date(2026, 11, 1)),
    ]


def schedule_rows() -> list[Row]:
    return [
        {"event_id": "EV-001", "title": "Budget review", "type": "Meeting",
         "start": datetime(2026, 10, 5, 9, 0), "end": datetime(2026, 10, 5, 10, 30),
         "location": "Room A", "owner": "Lan Tran", "attendees": D(6)},
        {"event_id": "EV-002", "title": "Month-end close", "type": "Deadline",
         "start": date(2026, 10, 30), "end": date(2026, 10, 30), "location": None,
         "owner": "Nguyen Van An", "attendees": None},
        {"event_id": "007", "title": "Server patching", "type": "Maintenance",
         "start": datetime(2026, 10, 10, 22, 0), "end": datetime(2026, 10, 11, 2, 0),
         "location": "Server room", "owner": "Pham Minh Duc", "attendees": D(2)},
    ]


def all_rows(payroll: list[Row] | None = None) -> dict[str, list[Row]]:
    return {"Budget": budget_rows(), "Payroll": payroll_rows() if payroll is None else payroll,
            "Inventory": inventory_rows(), "Schedule": schedule_rows()}


# --- Independent expectations ------------------------------------------------------------------


def half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def expected_tax(gross: Decimal, brackets: Sequence[TaxBracket]) -> Decimal:
    """Tax by quick deduction: gross x the marginal rate - the deduction of that bracket.

    The deduction of bracket k is sum over lower brackets of limit_i x (rate_k - rate_i)
    slices, accumulated as deduction_k = deduction_{k-1} + lower_k x (rate_k - rate_{k-1}).
    """
    deduction = lower = previous_rate = D(0)
    for bracket in brackets:
        deduction += lower * (bracket.rate - previous_rate)
        if bracket.up_to is None or gross <= bracket.up_to:
            return half_up(max(D(0), gross * bracket.rate - deduction))
        lower, previous_rate = bracket.up_to, bracket.rate
    raise AssertionError("brackets must end with an open bracket")


def amount(row: Mapping[str, object], key: str) -> Decimal:
    """A number of the row, blank meaning 0."""
    value = row.get(key)
    return value if isinstance(value, Decimal) else D(0)


def pay_inputs(row: Mapping[str, object]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(base salary, allowances, overtime hours, deductions), blanks as 0."""
    return (amount(row, "base_salary"), amount(row, "allowances"),
            amount(row, "overtime_hours"), amount(row, "deductions"))


def expected_pay(row: Mapping[str, object], hours: Decimal, multiplier: Decimal,
                 brackets: Sequence[TaxBracket]) -> dict[str, Decimal]:
    base, allowances, overtime_hours, deductions = pay_inputs(row)
    overtime = half_up(overtime_hours * base * multiplier / hours)
    gross = base + allowances + overtime
    tax = expected_tax(gross, brackets)
    return {"overtime_pay": overtime, "gross_pay": gross, "income_tax": tax,
            "net_pay": gross - tax - deductions}


# --- Files ------------------------------------------------------------------------------------

