"""The benchmark's organisation: departments, their configuration, and the generator of
their workbooks (XlsxWriter, one process per core; the workbooks follow the contract,
with a few bad rows planted in each sheet)."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial as bind
from pathlib import Path
from typing import Any

import xlsxwriter

# --- The organisation ------------------------------------------------------------------------

GENERATOR_VERSION = 1  # bump when the generated files change, so --workdir regenerates
PERIOD = "2026-10"
YEAR = 2026
TODAY = date(2026, 11, 3)  # "today" for validation: a few days after the period closed
RATES: dict[str, dict[str, Decimal]] = {PERIOD: {"VND": Decimal(25400), "CNY": Decimal("7.1")}}
CURRENCIES = ("USD", "VND", "CNY")
DATA_SHEETS = ("Budget", "Payroll", "Inventory", "Schedule")
BAD_ROW_SHARE = 0.001  # planted bad rows, per data sheet (at least one per sheet)
SHARED_LOCATION_SHARE = 0.001  # events booked at an organisation-wide room

BASES = (
    ("FIN", "Finance"), ("HR", "Human Resources"), ("ADMIN", "Administration"), ("IT", "IT"),
    ("OPS", "Operations"), ("LEGAL", "Legal"), ("PROC", "Procurement"), ("FAC", "Facilities"),
    ("CS", "Customer Service"), ("MKT", "Marketing"),
)
REGIONS = (("HAN", "Hanoi", "VND"), ("SGN", "Ho Chi Minh City", "VND"), ("SHA", "Shanghai", "CNY"),
           ("SZX", "Shenzhen", "CNY"), ("NYC", "New York", "USD"))
MAX_DEPARTMENTS = len(BASES) * len(REGIONS) * 10

HEADERS: dict[str, tuple[str, ...]] = {
    "Budget": ("Period", "Account Code", "Account Name", "Category", "Budget", "Actual", "Notes"),
    "Payroll": ("Employee ID", "Full Name", "Position", "Employment Type", "Base Salary",
                "Allowances", "Overtime Hours", "Deductions", "Bank Account"),
    "Inventory": ("SKU", "Item Name", "Category", "Unit", "Location", "Quantity On Hand",
                  "Unit Cost", "Reorder Level", "Reorder Quantity", "Supplier", "Last Counted"),
    "Schedule": ("Event ID", "Title", "Type", "Start", "End", "Location", "Owner", "Attendees"),
}

ACCOUNTS = (
    ("6100", "Salaries and wages", "Personnel"), ("6110", "Employee benefits", "Personnel"),
    ("6200", "Office supplies", "Operations"), ("6210", "Printing and postage", "Operations"),
    ("6300", "Domestic travel", "Travel"), ("6310", "International travel", "Travel"),
    ("6400", "Staff training", "Training"), ("6500", "Software subscriptions", "IT"),
    ("6510", "Hardware maintenance", "IT"), ("6600", "Rent and utilities", "Facilities"),
    ("6700", "Advertising", "Marketing"), ("1500", "Office equipment", "Capital"),
    ("6900", "Bank charges", "Other"),
)
FIRST_NAMES = ("Linh", "Minh", "An", "Wei", "Jing", "Sarah", "David", "Maria", "Tuan", "Hoa",
               "Chen", "Emily", "James", "Thu", "Ngoc", "Li", "Omar", "Priya", "Bao", "Mei")
LAST_NAMES = ("Tran", "Nguyen", "Le", "Pham", "Zhang", "Wang", "Smith", "Garcia", "Hoang",
              "Liu", "Johnson", "Vo", "Chen", "Patel", "Do", "Zhao")
POSITIONS = ("Accountant", "Payroll Officer", "HR Generalist", "Office Manager", "Buyer",
             "IT Support Analyst", "Facilities Coordinator", "Legal Counsel", "Clerk",
             "Team Lead", "Analyst", "Technician")
EMPLOYMENT_TYPES = ("Full-time", "Full-time", "Full-time", "Part-time", "Contractor")
ITEMS = (
    ("Copy paper A4", "Stationery", "box"), ("Toner cartridge", "Printing", "pcs"),
    ("Hand sanitiser", "Hygiene", "bottle"), ("Laptop charger", "IT", "pcs"),
    ("Coffee beans", "Pantry", "kg"), ("Safety gloves", "Safety", "pair"),
    ("Light bulb LED", "Maintenance", "pcs"), ("Whiteboard marker", "Stationery", "pcs"),
    ("Network cable 2m", "IT", "pcs"), ("Cleaning spray", "Hygiene", "bottle"),
    ("Printer paper A3", "Stationery", "ream"), ("First aid kit", "Safety", "kit"),
)
STORES = ("Main store", "Warehouse A", "Warehouse B", "Site office")
SUPPLIERS = ("Acme Supplies", "Saigon Office Co", "Shanghai Trading", "Metro Wholesale",
             "Hanoi Paper JSC", "Global Parts Ltd")
EVENT_TYPES = ("Meeting", "Meeting", "Meeting", "Training", "Maintenance", "Shift", "Deadline",
               "Other")
TOPICS = ("weekly sync", "budget review", "onboarding", "vendor call", "fire drill",
          "quarter close", "system upgrade", "safety briefing", "planning", "one-to-one")
SHARED_ROOMS = ("Boardroom", "Auditorium", "Training Centre")
SLOTS_PER_DAY = 10  # one-hour slots from 08:00
NOTES = ("", "", "", "", "", "", "Accrual", "Reclassified from 6900", "Pending invoice")

DEFECTS: dict[str, tuple[str, ...]] = {
    "Budget": ("negative-actual", "unknown-category", "text-amount", "blank-account"),
    "Payroll": ("overtime-250", "unknown-type", "text-salary", "net-pay-negative"),
    "Inventory": ("negative-quantity", "future-count", "text-cost", "blank-sku"),
    "Schedule": ("end-before-start", "unknown-type", "negative-attendees", "blank-owner"),
}


@dataclass(frozen=True, slots=True)
class Dept:
    index: int
    code: str
    name: str
    currency: str


def departments(count: int) -> list[Dept]:
    """``count`` departments with distinct codes; each has one currency of USD/VND/CNY."""
    found: list[Dept] = []
    for index in range(count):
        base_code, base_name = BASES[index % len(BASES)]
        region_code, region_name, currency = REGIONS[(index // len(BASES)) % len(REGIONS)]
        cycle = index // (len(BASES) * len(REGIONS))
        suffix = str(cycle) if cycle else ""
        found.append(Dept(index, f"{base_code}-{region_code}{suffix}",
                          f"{base_name} {region_name}{' ' + suffix if suffix else ''}", currency))
    return found


def org_config(count: int) -> Any:
    """The OrgConfig of the generated organisation (imported lazily: the floors need no addin)."""
    from addin.settings import Department, OrgConfig

    return OrgConfig(
        departments=tuple(Department(code=d.code, name=d.name, currency=d.currency)
                          for d in departments(count)),
        rates=RATES,
    )


# --- Generating workbooks (XlsxWriter, constant_memory) ---------------------------------------


class Money:
    """Amounts in a department's currency, drawn as US dollar amounts and converted."""

    def __init__(self, currency: str, rng: random.Random) -> None:
        self.currency = currency
        self.rng = rng

    def amount(self, low_usd: float, high_usd: float, step_usd: float = 0.01) -> float:
        steps = self.rng.randrange(int(low_usd / step_usd), int(high_usd / step_usd) + 1)
        usd = steps * step_usd
        if self.currency == "VND":
            return float(round(usd * 25.4) * 1000)  # whole thousands of dong
        if self.currency == "CNY":
            return round(usd * 7.1, 2)
        return round(usd, 2)


@dataclass(slots=True)
class Planted:
    """Bad rows planted per sheet, by defect."""

    by_sheet: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, sheet: str, defect: str) -> None:
        counts = self.by_sheet.setdefault(sheet, {})
        counts[defect] = counts.get(defect, 0) + 1


def _bad_positions(rng: random.Random, rows: int, sheet: str) -> dict[int, str]:
    if rows == 0:
        return {}
    count = max(1, round(rows * BAD_ROW_SHARE))
    defects = DEFECTS[sheet]
    return {position: defects[n % len(defects)]
            for n, position in enumerate(sorted(rng.sample(range(rows), min(count, rows))))}


def write_department(path: Path, dept: Dept, rows: int, seed: int,
                     period: str = PERIOD) -> dict[str, dict[str, int]]:
    """Write one department's workbook for ``period``; return the bad rows planted in it."""
    rng = random.Random(seed * 100_003 + dept.index)
    money = Money(dept.currency, rng)
    planted = Planted()
    partial = path.with_name(path.name + ".part")
    book = xlsxwriter.Workbook(str(partial), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False,
    })
    formats = {"date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "title": book.add_format({"bold": True, "font_size": 14})}
    info = book.add_worksheet("Info")
    info.write_string(0, 0, f"{dept.name} - department workbook", formats["title"])
    for row, (key, value) in enumerate((
        ("Department Code", dept.code), ("Department Name", dept.name), ("Period", period),
        ("Currency", dept.currency), ("Prepared By", f"{rng.choice(FIRST_NAMES)} "
                                                     f"{rng.choice(LAST_NAMES)}"),
    ), start=2):
        info.write_string(row, 0, key)
        info.write_string(row, 1, value)
    info.write_string(7, 0, "Template Version")
    info.write_number(7, 1, 1)
    writers: dict[str, Callable[..., None]] = {
        "Budget": bind(_budget, period=period), "Payroll": _payroll, "Inventory": _inventory,
        "Schedule": _schedule,
    }
    for sheet in DATA_SHEETS:
        ws = book.add_worksheet(sheet)
        for col, title in enumerate(HEADERS[sheet]):
            ws.write_string(0, col, title)
        bad = _bad_positions(rng, rows, sheet)
        for defect in bad.values():
            planted.add(sheet, defect)
        writers[sheet](ws, formats, dept, rows, rng, money, bad)
    book.close()
    partial.replace(path)
    return planted.by_sheet


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _budget(ws: Any, formats: dict[str, Any], dept: Dept, rows: int, rng: random.Random,
            money: Money, bad: dict[int, str], period: str = PERIOD) -> None:
    text, number = ws.write_string, ws.write_number
    for i in range(rows):
        r = i + 1
        month = i % 12 + 1
        account = i // 12
        code, name, category = ACCOUNTS[account % len(ACCOUNTS)]
        budget: float | str = money.amount(500, 50_000)
        actual: float | None = None
        if month <= int(period[5:]):  # months after the period are not closed yet
            actual = money.amount(400, 55_000)
        account_code = f"{code}-{account // len(ACCOUNTS) + 1:03d}"
        defect = bad.get(i)
        if defect == "negative-actual":
            actual = -money.amount(100, 900)
        elif defect == "unknown-category":
            category = "Miscellaneous"
        elif defect == "text-amount":
            budget = "12,50 EUR"
        elif defect == "blank-account":
            account_code = ""
        text(r, 0, f"{YEAR}-{month:02d}")
        if account_code:
            text(r, 1, account_code)
        text(r, 2, name)
        text(r, 3, category)
        if isinstance(budget, str):
            text(r, 4, budget)
        else:
            number(r, 4, budget)
        if actual is not None:
            number(r, 5, actual)
        note = rng.choice(NOTES)
        if note:
            text(r, 6, note)


def _payroll(ws: Any, formats: dict[str, Any], dept: Dept, rows: int, rng: random.Random,
             money: Money, bad: dict[int, str]) -> None:
    text, number = ws.write_string, ws.write_number
    for i in range(rows):
        r = i + 1
        kind = rng.choice(EMPLOYMENT_TYPES)
        base: float | str = money.amount(1_500, 12_000, 10)
        allowances = money.amount(0, 400) if rng.random() < 0.6 else 0.0
        overtime = rng.randrange(1, 41) / 2 if rng.random() < 0.3 else 0.0
        deductions = money.amount(0, 250) if rng.random() < 0.7 else 0.0
        defect = bad.get(i)
        if defect == "overtime-250":
            overtime = 250.0
        elif defect == "unknown-type":
            kind = "Intern"
        elif defect == "text-salary":
            base = "n/a"
        elif defect == "net-pay-negative":
            deductions = money.amount(50_000, 60_000)
        text(r, 0, f"E{dept.index + 1:03d}-{i + 1:05d}")
        text(r, 1, _name(rng))
        text(r, 2, rng.choice(POSITIONS))
        text(r, 3, kind)
        if isinstance(base, str):
            text(r, 4, base)
        else:
            number(r, 4, base)
        if allowances:
            number(r, 5, allowances)
        if overtime:
            number(r, 6, overtime)
        if deductions:
            number(r, 7, deductions)
        if rng.random() < 0.95:
            text(r, 8, f"{rng.randrange(10**11, 10**12)}")


def _inventory(ws: Any, formats: dict[str, Any], dept: Dept, rows: int, rng: random.Random,
               money: Money, bad: dict[int, str]) -> None:
    text, number, when = ws.write_string, ws.write_number, ws.write_datetime
    day_format = formats["date"]
    for i in range(rows):
        r = i + 1
        item, category, unit = ITEMS[i % len(ITEMS)]
        sku = f"SKU-{i + 1:06d}"
        quantity = float(rng.randrange(0, 500))
        cost: float | str = money.amount(0.5, 250)
        counted = date(YEAR, 9, 1) + timedelta(days=rng.randrange(0, 61))
        defect = bad.get(i)
        if defect == "negative-quantity":
            quantity = -float(rng.randrange(1, 20))
        elif defect == "future-count":
            counted = date(YEAR + 1, 1, 15)
        elif defect == "text-cost":
            cost = "12,50 EUR"
        elif defect == "blank-sku":
            sku = ""
        if sku:
            text(r, 0, sku)
        text(r, 1, item)
        text(r, 2, category)
        text(r, 3, unit)
        text(r, 4, rng.choice(STORES))
        number(r, 5, quantity)
        if isinstance(cost, str):
            text(r, 6, cost)
        else:
            number(r, 6, cost)
        number(r, 7, float(rng.randrange(10, 61)))
        number(r, 8, float(rng.randrange(5, 31) * 10))
        if rng.random() < 0.9:
            text(r, 9, rng.choice(SUPPLIERS))
        when(r, 10, counted, day_format)


def _schedule(ws: Any, formats: dict[str, Any], dept: Dept, rows: int, rng: random.Random,
              money: Money, bad: dict[int, str]) -> None:
    text, number, when = ws.write_string, ws.write_number, ws.write_datetime
    stamp = formats["datetime"]
    days = 31
    rooms = max(1, math.ceil(rows / (days * SLOTS_PER_DAY)))
    for i in range(rows):
        r = i + 1
        kind = rng.choice(EVENT_TYPES)
        if rng.random() < SHARED_LOCATION_SHARE:
            # An organisation-wide room at a random time: now and then two departments collide.
            location = rng.choice(SHARED_ROOMS)
            start = datetime(YEAR, 10, rng.randrange(1, days + 1), 8 + rng.randrange(0, 10),
                             rng.choice((0, 30)))
        else:
            # The department's own rooms, one event per hour slot: no collisions.
            room, slot = i % rooms, i // rooms
            location = f"{dept.code} Room {room + 1:02d}"
            start = datetime(YEAR, 10, slot // SLOTS_PER_DAY + 1, 8 + slot % SLOTS_PER_DAY)
        end = start + timedelta(minutes=rng.choice((30, 45, 60)))
        attendees = float(rng.randrange(1, 31))
        owner = _name(rng)
        event_type = kind
        defect = bad.get(i)
        if defect == "end-before-start":
            end = start - timedelta(hours=1)
        elif defect == "unknown-type":
            event_type = "Party"
        elif defect == "negative-attendees":
            attendees = -3.0
        elif defect == "blank-owner":
            owner = ""
        text(r, 0, f"EV-{i + 1:05d}")
        text(r, 1, f"{kind} - {rng.choice(TOPICS)}")
        text(r, 2, event_type)
        when(r, 3, start, stamp)
        when(r, 4, end, stamp)
        text(r, 5, location)
        if owner:
            text(r, 6, owner)
        number(r, 7, attendees)


@dataclass(frozen=True, slots=True)
class Organisation:
    """A generated inbox and what was planted in it."""

    inbox: Path
    departments: int
    rows: int
    planted: dict[str, int]  # bad rows per sheet, all files
    generated_seconds: float | None  # None: reused

    @property
    def data_rows(self) -> int:
        return self.departments * self.rows * len(DATA_SHEETS)

    @property
    def planted_total(self) -> int:
        return sum(self.planted.values())


def _write_one(job: tuple[Path, Dept, int, int, str]) -> dict[str, dict[str, int]]:
    return write_department(*job)


def generate(root: Path, count: int, rows: int, seed: int, period: str = PERIOD) -> Organisation:
    """The organisation's workbooks for ``period`` under ``root``, generated unless already there."""
    other = period != PERIOD  # the usual period keeps its folder name, so old files are reused
    inbox = root / f"org-d{count}-r{rows}-s{seed}{f'-p{period}' if other else ''}"
    manifest_path = inbox / "manifest.json"
    wanted: dict[str, Any] = {"generator_version": GENERATOR_VERSION, "departments": count,
                              "rows": rows, "seed": seed, **({"period": period} if other else {})}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        files = [inbox / name for name in manifest.get("files", [])]
        if {k: manifest.get(k) for k in wanted} == wanted and all(f.is_file() for f in files):
            return Organisation(inbox, count, rows, manifest["planted"], None)
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    started = time.perf_counter()
    jobs = [(inbox / f"{d.code}_{period}.xlsx", d, rows, seed, period) for d in departments(count)]
    planted: Counter[str] = Counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for by_sheet in pool.map(_write_one, jobs):
            for sheet, defects in by_sheet.items():
                planted[sheet] += sum(defects.values())
    seconds = time.perf_counter() - started
    manifest = {**wanted, "files": [path.name for path, *_ in jobs],
                "planted": {s: planted[s] for s in DATA_SHEETS}}
    manifest_path.write_text(json.dumps(manifest, indent=2))  # the .json is not a workbook
    return Organisation(inbox, count, rows, manifest["planted"], seconds)
