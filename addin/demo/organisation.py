"""A realistic demo organisation: nine departments, one period, three currencies.

Rows are generated deterministically (one seeded random generator per
department), so the demo prints the same findings every time. A handful of
mistakes a clerk really makes are planted in two departments; :data:`PLANTED`
lists them with the cell each must be reported at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from addin.cells import column_letter
from addin.demo.vocabulary import (
    DEPARTMENTS,
    EVENTS,
    FIRST_NAMES,
    ITEMS,
    LAST_NAMES,
    ROOMS,
    STORES,
)
from addin.kinds import DATA_KINDS
from addin.settings import Department, OrganisationSettings, OrgConfig
from addin.templates.context import TABLE_HEADER_ROW

PERIOD = "2026-10"
CURRENCIES = {"OPS": "VND", "FAC": "VND", "PROC": "CNY"}
RATES = {"VND": Decimal(25400), "CNY": Decimal("7.12")}
# How much bigger amounts are in each currency than in US dollars, roughly.
SCALE = {"USD": Decimal(1), "VND": Decimal(25000), "CNY": Decimal(7)}
NAMES = {
    "FIN": "Finance", "HR": "Human Resources", "ADMIN": "Administration", "IT": "IT",
    "OPS": "Operations", "LEGAL": "Legal", "PROC": "Procurement", "FAC": "Facilities",
    "CS": "Customer Service",
}

Rows = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True, slots=True, order=True)
class Planted:
    """A mistake planted in the demo, and where it must be reported."""

    department: str
    sheet: str
    cell: str
    rule: str
    severity: str = "error"


def demo_config() -> OrgConfig:
    departments = tuple(
        Department(code=code, name=name, currency=CURRENCIES.get(code, "USD"))
        for code, name in NAMES.items()
    )
    return OrgConfig(
        organisation=OrganisationSettings(name="Lotus Trading Group"),
        departments=departments,
        rates={PERIOD: dict(RATES)},
    )


def department_rows(code: str) -> Rows:
    """The clean rows of one department's workbook, keyed by column key."""
    rng = random.Random(f"backoffice-demo-{code}")  # noqa: S311 - demo data, not secrets
    scale = SCALE[CURRENCIES.get(code, "USD")]
    positions, accounts = DEPARTMENTS[code]
    return {
        "Budget": _budget(rng, accounts, scale),
        "Payroll": _payroll(rng, code, positions, scale),
        "Inventory": _inventory(rng, scale),
        "Schedule": _schedule(rng, code),
    }


def _money(amount: float, scale: Decimal) -> Decimal:
    return (Decimal(str(round(amount, 2))) * scale).quantize(Decimal("0.01"))


def _budget(rng: random.Random, accounts: tuple[tuple[str, str, str], ...],
            scale: Decimal) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for month in range(1, 13):
        period = f"2026-{month:02d}"
        for account, name, category in accounts:
            budget = _money(rng.uniform(800, 40_000), scale)
            closed = period <= PERIOD
            actual = (budget * Decimal(rng.uniform(0.7, 1.25))).quantize(Decimal("0.01"))
            rows.append({"period": period, "account_code": account, "account_name": name,
                         "category": category, "budget": budget,
                         "actual": actual if closed else None, "notes": None})
    return rows


def _payroll(rng: random.Random, code: str, positions: tuple[str, ...],
             scale: Decimal) -> list[dict[str, Any]]:
    first_id = 1000 * (list(NAMES).index(code) + 1)
    rows: list[dict[str, Any]] = []
    for index in range(rng.randrange(30, 50)):
        kind = rng.choices(("Full-time", "Part-time", "Contractor"), (8, 2, 1))[0]
        base = _money(rng.uniform(2_200, 8_500) * (0.5 if kind == "Part-time" else 1), scale)
        rows.append({
            "employee_id": f"E{first_id + index + 1:05d}",
            "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "position": rng.choice(positions), "employment_type": kind, "base_salary": base,
            "allowances": _money(rng.choice((0, 50, 100, 150, 300)), scale),
            "overtime_hours": Decimal(rng.choice((0, 0, 0, 4, 8, 12.5, 20))),
            "deductions": _money(rng.uniform(0, 120), scale),
            "bank_account": f"{rng.randrange(10**11, 10**12)}",
        })
    return rows


def _inventory(rng: random.Random, scale: Decimal) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, (item, category, unit, supplier) in enumerate(ITEMS, start=1):
        for store in rng.sample(STORES, rng.randrange(1, 4)):
            level = Decimal(rng.choice((5, 10, 20, 40)))
            rows.append({
                "sku": f"SKU-{4000 + number}", "item_name": item, "category": category,
                "unit": unit, "location": store,
                "quantity_on_hand": Decimal(rng.randrange(0, 120)),
                "unit_cost": _money(rng.uniform(0.5, 90), scale),
                "reorder_level": level, "reorder_quantity": level * 3, "supplier": supplier,
                "last_counted": date(2026, 10, rng.randrange(20, 32)),
            })
    return rows


def _schedule(rng: random.Random, code: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index in range(rng.randrange(60, 90)):
        kind, title = rng.choice(EVENTS)
        start = datetime(2026, 10, rng.randrange(1, 32), rng.randrange(8, 17))
        if kind == "Deadline":
            start = start.replace(hour=17)
        hours = 0.5 if kind == "Deadline" else rng.choice((1, 1, 2, 3))
        rows.append({
            "event_id": f"{code}-EV{index + 1:03d}", "title": title, "type": kind,
            "start": start, "end": start + timedelta(hours=hours),
            # Most events need no shared room; a quarter book one, and a few collide.
            "location": rng.choice(ROOMS) if kind != "Deadline" and rng.random() < 0.25 else None,
            "owner": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "attendees": Decimal(rng.randrange(2, 25)),
        })
    return rows


def _cell(sheet: str, key: str, position: int) -> str:
    """Where row ``position`` of column ``key`` lands in a template."""
    columns = [column.key for column in DATA_KINDS[sheet].columns]
    return f"{column_letter(columns.index(key))}{TABLE_HEADER_ROW + 2 + position}"


def plant_mistakes(rows: dict[str, Rows]) -> list[Planted]:
    """Put realistic mistakes into Procurement's and Facilities' rows."""
    planted: list[Planted] = []

    def put(code: str, sheet: str, position: int, key: str, value: object, rule: str,
            severity: str = "error") -> None:
        rows[code][sheet][position][key] = value
        planted.append(Planted(code, sheet, _cell(sheet, key, position), rule, severity))

    # A supplier refund typed as a negative actual.
    put("PROC", "Budget", 8, "actual", Decimal("-8900.00"), "minimum")
    put("PROC", "Payroll", 3, "overtime_hours", Decimal(260), "maximum")
    put("PROC", "Inventory", 5, "unit_cost", "N/A", "not-a-number")
    schedule = rows["FAC"]["Schedule"][2]
    put("FAC", "Schedule", 2, "end", schedule["start"] - timedelta(hours=1), "end-before-start")
    put("FAC", "Budget", 7, "category", "Utilities", "not-in-list")
    put("FAC", "Budget", 11, "budget", "4,500,000", "number-stored-as-text", "warning")
    # Two new hires given the same Employee ID: both rows are reported.
    copied = rows["FAC"]["Payroll"][1]["employee_id"]
    put("FAC", "Payroll", 4, "employee_id", copied, "duplicate-key")
    planted.append(Planted("FAC", "Payroll", _cell("Payroll", "employee_id", 1), "duplicate-key"))
    return planted


def organisation() -> tuple[dict[str, Rows], list[Planted]]:
    rows = {code: department_rows(code) for code in NAMES}
    return rows, plant_mistakes(rows)
