"""Consolidation benchmark: the project against a naive pandas script and two parse floors.

Generates an organisation of N departments x R rows per data sheet (four data
sheets, so 4 x N x R data rows), then measures, each in its own fresh
subprocess (so that peak memory is the measurement's own and no cache leaks
from one to the next):

* ``project`` -- :func:`addin.consolidation.consolidate` (reads, validates,
  consolidates and writes the report) when :mod:`addin.report` provides
  ``write_report``, else :func:`addin.consolidation.build_report` (everything
  but writing); the output says which;
* ``naive`` -- what a finance analyst would write: ``pandas.read_excel`` with
  openpyxl for every sheet of every file, ``concat``, ``groupby`` sums and
  ``DataFrame.to_excel`` with openpyxl; no validation;
* ``calamine`` -- python-calamine reading every cell of every file into Python
  values, and nothing else (one process);
* ``fastexcel`` -- fastexcel reading every sheet into an Arrow record batch,
  and nothing else (one process).

Run ``python -m benchmarks.consolidate_bench --help``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import importlib
import io
import json
import math
import os
import platform
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial as bind
from importlib import metadata
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


# --- Measurements (each in its own subprocess) ---------------------------------------------


def workbook_paths(inbox: Path) -> list[Path]:
    return sorted(inbox.glob("*.xlsx"))


def run_calamine_floor(inbox: Path) -> dict[str, Any]:
    """python-calamine: every cell of every sheet of every file into Python values; nothing else."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in workbook_paths(inbox):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in rows)
    return {"cells": cells}


def run_fastexcel_floor(inbox: Path) -> dict[str, Any]:
    """fastexcel: every sheet of every file into an Arrow record batch; nothing else."""
    import fastexcel

    rows = 0
    for path in workbook_paths(inbox):
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name)
            # The Arrow PyCapsule interface builds the record batch without needing pyarrow.
            sheet.__arrow_c_array__()
            rows += sheet.height
    return {"rows": rows}


def run_naive(inbox: Path, out: Path) -> dict[str, Any]:
    """What an analyst would write: read every sheet with pandas + openpyxl, concat, group, save."""
    import pandas as pd

    frames: dict[str, list[pd.DataFrame]] = {sheet: [] for sheet in DATA_SHEETS}
    for path in workbook_paths(inbox):
        info = pd.read_excel(path, sheet_name="Info", header=None, engine="openpyxl")
        meta = dict(zip(info[0], info[1], strict=True))
        for sheet in DATA_SHEETS:
            frame = pd.read_excel(path, sheet_name=sheet, engine="openpyxl")
            frame["Department"] = meta["Department Code"]
            frame["Currency"] = meta["Currency"]
            frames[sheet].append(frame)
    data = {sheet: pd.concat(parts, ignore_index=True) for sheet, parts in frames.items()}
    per_usd = {"USD": 1.0, **{code: float(rate) for code, rate in RATES[PERIOD].items()}}

    def number(frame: pd.DataFrame, column: str) -> pd.Series:
        return pd.to_numeric(frame[column], errors="coerce")

    def usd(frame: pd.DataFrame, column: str) -> pd.Series:
        return number(frame, column) / frame["Currency"].map(per_usd)

    budget = data["Budget"]
    budget["Budget USD"] = usd(budget, "Budget")
    budget["Actual USD"] = usd(budget, "Actual")
    by_category = budget.groupby(["Department", "Category"], as_index=False)[
        ["Budget USD", "Actual USD"]].sum()
    by_category["Variance USD"] = by_category["Actual USD"] - by_category["Budget USD"]
    by_month = budget.groupby("Period", as_index=False)[["Budget USD", "Actual USD"]].sum()

    payroll = data["Payroll"]
    base = number(payroll, "Base Salary")
    overtime = number(payroll, "Overtime Hours").fillna(0) * base / 160 * 1.5
    payroll["Gross USD"] = (base + number(payroll, "Allowances").fillna(0) + overtime) \
        / payroll["Currency"].map(per_usd)
    pay = payroll.groupby(["Department", "Employment Type"], as_index=False).agg(
        Headcount=("Employee ID", "count"), Gross=("Gross USD", "sum"))

    inventory = data["Inventory"]
    inventory["Stock Value USD"] = number(inventory, "Quantity On Hand") * usd(inventory, "Unit Cost")
    stock = inventory.groupby(["Department", "Category"], as_index=False).agg(
        Items=("SKU", "count"), Value=("Stock Value USD", "sum"))

    schedule = data["Schedule"]
    schedule["Attendees"] = number(schedule, "Attendees")
    events = schedule.groupby(["Department", "Type"], as_index=False).agg(
        Events=("Event ID", "count"), Attendees=("Attendees", "sum"))

    results = {"Budget by category": by_category, "Budget by month": by_month, "Payroll": pay,
               "Inventory": stock, "Schedule": events}
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, result in results.items():
            result.to_excel(writer, sheet_name=name, index=False)
    return {"rows_read": sum(len(frame) for frame in data.values())}


def project_mode() -> tuple[str, str]:
    """("consolidate", "") when addin.report.write_report exists, else ("build_report", why)."""
    try:
        report = importlib.import_module("addin.report")
    except ImportError as exc:
        return "build_report", f"addin.report cannot be imported ({exc})"
    if not hasattr(report, "write_report"):
        return "build_report", "addin.report has no write_report yet"
    return "consolidate", ""


def run_project(inbox: Path, out: Path, count: int, workers: int | None,
                mode: str) -> dict[str, Any]:
    from addin.consolidation import build_report, consolidate

    config = org_config(count)
    phases: dict[str, float] = {}
    if mode == "consolidate":
        run = consolidate(inbox, out, config=config, period=PERIOD, today=TODAY, workers=workers)
        report, phases = run.report, dict(getattr(run, "seconds", {}))
    else:
        report = build_report(inbox, config=config, period=PERIOD, today=TODAY, workers=workers)
    counts = [c for source in report.sources for c in source.sheets]
    severities = Counter(str(s) for s in report.exceptions["Severity"])
    return {
        "mode": mode,
        "included": sum(1 for s in report.sources if s.status == "included"),
        "files": len(report.sources),
        "rows_read": sum(c.read for c in counts),
        "rows_accepted": sum(c.accepted for c in counts),
        "rows_rejected": sum(c.rejected for c in counts),
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
        "conflicts": len(report.conflicts),
        "phases": phases,  # the project's own timing of its steps (reading, ..., writing)
    }


def run_project_cprofile(inbox: Path, out: Path, count: int, mode: str) -> dict[str, Any]:
    """The project in this one process (workers=1) under cProfile; stats saved next to ``out``."""
    from addin.consolidation import build_report, consolidate

    config = org_config(count)
    profiler = cProfile.Profile()
    profiler.enable()
    if mode == "consolidate":
        consolidate(inbox, out, config=config, period=PERIOD, today=TODAY, workers=1)
    else:
        build_report(inbox, config=config, period=PERIOD, today=TODAY, workers=1)
    profiler.disable()
    stats_path = out.with_suffix(".pstats")
    profiler.dump_stats(stats_path)
    return {"stats": str(stats_path)}


class TreeSampler(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (Linux /proc).

    Pages that forked workers share with their parent count once per process, so
    this overestimates. (PSS would not, but reading smaps_rollup walks every page
    table: on a 1 GB process it cost a measurable share of a core, so it is not read.)
    """

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss = 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self.available = Path(f"/proc/{os.getpid()}/task").is_dir()

    def run(self) -> None:
        while self.available and not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()
        if self.available:
            self.sample()

    def sample(self) -> None:
        rss = 0
        for pid in self._tree(os.getpid()):
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    rss += int(handle.read().split()[1]) * self._page
            except (OSError, ValueError, IndexError):
                continue
        self.peak_rss = max(self.peak_rss, rss)

    @staticmethod
    def _tree(root: int) -> list[int]:
        found, stack = [], [root]
        while stack:
            pid = stack.pop()
            found.append(pid)
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        stack.extend(int(child) for child in handle.read().split())
                except OSError:
                    continue
        return found


def _self_peak_bytes() -> int:
    """This process's own peak RSS.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is not used for it: across fork and exec
    Linux carries over the parent's high-water mark, so a small process started
    by a big one would report the big one's peak. VmHWM belongs to this
    process's own address space.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _maxrss_bytes(resource.RUSAGE_SELF)


def _own_cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _machine_cpu_seconds() -> float | None:
    """CPU time every process on the machine has used since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    ticks = [int(v) for v in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _maxrss_bytes(who: int) -> int:
    value = resource.getrusage(who).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


def measure_here(kind: str, inbox: Path, out: Path, count: int, workers: int | None) -> dict[str, Any]:
    """Run one measurement in this (fresh) process and return its figures."""
    if kind == "mode":
        mode, why = project_mode()
        return {"kind": kind, "mode": mode, "why": why}
    sampler = TreeSampler()
    sampler.start()
    run: Callable[[], dict[str, Any]]
    if kind == "project":
        mode, _ = project_mode()
        importlib.import_module("addin.consolidation")
        run = lambda: run_project(inbox, out, count, workers, mode)  # noqa: E731
    elif kind == "project-build-report":  # by hand: the project without writing the report
        importlib.import_module("addin.consolidation")
        run = lambda: run_project(inbox, out, count, workers, "build_report")  # noqa: E731
    elif kind == "project-cprofile":
        mode, _ = project_mode()
        importlib.import_module("addin.consolidation")
        run = lambda: run_project_cprofile(inbox, out, count, mode)  # noqa: E731
    elif kind == "naive":
        importlib.import_module("pandas")
        importlib.import_module("openpyxl")
        run = lambda: run_naive(inbox, out)  # noqa: E731
    elif kind == "calamine":
        importlib.import_module("python_calamine")
        run = lambda: run_calamine_floor(inbox)  # noqa: E731
    elif kind == "fastexcel":
        importlib.import_module("fastexcel")
        run = lambda: run_fastexcel_floor(inbox)  # noqa: E731
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    machine_before, own_before = _machine_cpu_seconds(), _own_cpu_seconds()
    started = time.perf_counter()
    detail = run()
    seconds = time.perf_counter() - started
    machine_after, own_after = _machine_cpu_seconds(), _own_cpu_seconds()
    sampler.stop()
    own = own_after - own_before
    others = None
    if machine_before is not None and machine_after is not None:
        others = max(0.0, machine_after - machine_before - own)
    return {"kind": kind, "seconds": seconds, "cpu_seconds": own, "other_cpu_seconds": others,
            "self_bytes": _self_peak_bytes(),
            "children_bytes": _maxrss_bytes(resource.RUSAGE_CHILDREN),
            "tree_bytes": sampler.peak_rss, "detail": detail}


@dataclass(frozen=True, slots=True)
class Measurement:
    kind: str
    seconds: float
    cpu_seconds: float  # this process and its workers
    other_cpu_seconds: float | None  # every other process on the machine, same interval
    self_bytes: int
    children_bytes: int
    tree_bytes: int  # sampled summed RSS of the process tree; 0 where /proc is missing
    detail: dict[str, Any]

    @property
    def other_cores(self) -> float | None:
        """How many cores other processes kept busy on average: noise in the timing."""
        if self.other_cpu_seconds is None or not self.seconds:
            return None
        return self.other_cpu_seconds / self.seconds

    @property
    def rusage_mb(self) -> float:
        """Peak RSS of the process plus the largest of its children (getrusage)."""
        return (self.self_bytes + self.children_bytes) / 2**20

    @property
    def tree_mb(self) -> float:
        return self.tree_bytes / 2**20

    @property
    def peak_mb(self) -> float:
        """The larger of the two estimates: what the memory target is judged on."""
        return max(self.rusage_mb, self.tree_mb)


RESULT_PREFIX = "BENCH-RESULT "
REPO = Path(__file__).resolve().parents[1]


def _measure_command(kind: str, org: Organisation, out: Path, workers: int | None) -> list[str]:
    command = [sys.executable, "-m", "benchmarks.consolidate_bench", "--measure", kind,
               "--inbox", str(org.inbox), "--out", str(out), "--departments", str(org.departments)]
    if workers is not None:
        command += ["--workers", str(workers)]
    return command


def _project_mode_elsewhere() -> tuple[str, str]:
    """:func:`project_mode`, found in a subprocess: this driver stays small (see _self_peak_bytes)."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.consolidate_bench", "--measure", "mode"], cwd=REPO,
        capture_output=True, text=True, check=True)
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX))
    found = json.loads(line[len(RESULT_PREFIX):])
    return str(found["mode"]), str(found["why"])


def measure(kind: str, org: Organisation, out: Path, workers: int | None) -> Measurement:
    """Run measurement ``kind`` in a fresh subprocess."""
    completed = subprocess.run(_measure_command(kind, org, out, workers), cwd=REPO,
                               capture_output=True, text=True, check=False)
    sys.stderr.write(completed.stderr)
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"measurement {kind} failed (exit {completed.returncode}):\n"
                           f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return Measurement(**json.loads(lines[-1][len(RESULT_PREFIX):]))


# --- Profiling ----------------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*):(?P<line>\d+)\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else shutil.which("py-spy")


def _project_frame(frame: str) -> str | None:
    """``addin/x/y.py:function`` for a frame of the project's own code, else None."""
    match = _FRAME.match(frame)
    if not match:
        return None
    file = match.group("file").replace("\\", "/")
    at = file.rfind("addin/")
    if at < 0 or "site-packages" in file[:at]:
        return None
    return f"{file[at:]}:{match.group('func')}"


def _short_frame(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file").replace("\\", "/")
    for marker in ("site-packages/", "lib/python3", "addin/"):
        at = file.find(marker)
        if at >= 0:
            file = file[at + (len(marker) if marker != "addin/" else 0):]
            break
    return f"{file}:{match.group('func')}"


def summarise_py_spy(raw: Path, rate: int, top: int = 20) -> str:
    """Hot spots from py-spy's raw (collapsed) output: seconds = samples / rate, all processes."""
    innermost: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    processes: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        if frames and frames[0].startswith("process "):
            frames = frames[1:]
        # A forked worker's stack starts with the parent's frames at the time of the fork
        # (consolidate > build_report > collect > ...): keep only what the worker runs.
        worker = next((i for i, f in enumerate(frames) if f.startswith("_process_worker ")), None)
        if worker is not None:
            frames = frames[worker + 1:]
        processes["worker processes" if worker is not None else "main process"] += count
        own = [name for name in (_project_frame(f) for f in frames) if name]
        if own:
            innermost[own[-1]] += count
        for name in set(own):
            inclusive[name] += count
        if frames:
            leaves[_short_frame(frames[-1])] += count
    out = io.StringIO()

    def seconds(samples: int) -> float:
        return samples / rate

    out.write(f"samples: {total} ({seconds(total):.1f} s of sampled time, all processes)\n")
    for who, count in processes.most_common():
        out.write(f"  {who}: {seconds(count):.1f} s\n")
    out.write(f"\nProject functions by time spent in them or in the libraries they call "
              f"(innermost project frame), top {top}:\n")
    for name, count in innermost.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    out.write(f"\nProject functions by inclusive time, top {top}:\n")
    for name, count in inclusive.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    out.write(f"\nInnermost Python frames (any code; native time counts to its Python caller), "
              f"top {top}:\n")
    for name, count in leaves.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    return out.getvalue()


def summarise_cprofile(stats_path: Path, top: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(stats_path), stream=out)
    stats.sort_stats("tottime").print_stats(r"addin/", top)
    stats.sort_stats("cumulative").print_stats(r"addin/", top)
    return out.getvalue()


def profile(org: Organisation, out_dir: Path, workers: int | None, tool: str) -> str:
    """Profile the project at ``org``'s size; returns the printed summary."""
    py_spy = _py_spy()
    if tool == "py-spy" and py_spy is not None:
        raw = out_dir / f"profile-{org.rows}.txt"
        rate = 100
        command = [py_spy, "record", "--subprocesses", "--function",
                   "--rate", str(rate), "--format", "raw", "--output", str(raw), "--",
                   *_measure_command("project", org, out_dir / f"profiled-{org.rows}.xlsx", workers)]
        completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        if completed.returncode != 0 or not raw.is_file():
            raise RuntimeError(f"py-spy failed:\n{completed.stderr[-3000:]}")
        lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        took = json.loads(lines[-1][len(RESULT_PREFIX):])["seconds"] if lines else float("nan")
        head = (f"py-spy record --subprocesses --function --rate {rate} on the "
                f"project run ({took:.1f} s under the profiler); raw stacks in {raw}\n")
        return head + summarise_py_spy(raw, rate)
    measured = measure("project-cprofile", org, out_dir / f"cprofile-{org.rows}.xlsx", workers)
    head = (f"cProfile of the project with workers=1, in one process ({measured.seconds:.1f} s under "
            f"the profiler); stats in {measured.detail['stats']}\n")
    return head + summarise_cprofile(Path(measured.detail["stats"]))


# --- Reporting ----------------------------------------------------------------------------------


@dataclass(slots=True)
class SizeResult:
    org: Organisation
    results: dict[str, Measurement] = field(default_factory=dict)

    def seconds(self, kind: str) -> float | None:
        found = self.results.get(kind)
        return found.seconds if found else None


def measure_size(org: Organisation, out_dir: Path, workers: int | None, repeat: int,
                 skip_naive: bool) -> SizeResult:
    """Every measurement at one size. The project and the floors run ``repeat`` times,
    in turn (floor, floor, project, floor, floor, project, ...), so a slow spell of the
    machine falls on all of them alike; each is judged on its median run's time and
    the largest peak memory of its runs (the median of an even count is the slower of
    the middle two)."""
    size = SizeResult(org)
    runs: dict[str, list[Measurement]] = defaultdict(list)
    kinds = ["calamine", "fastexcel", "project"]
    for turn in range(repeat):
        for kind in kinds + (["naive"] if turn == 0 and not skip_naive else []):
            found = measure(kind, org, out_dir / f"{kind}-{org.rows}.xlsx", workers)
            runs[kind].append(found)
            _say_measurement(kind, found, f" (run {turn + 1} of {repeat})" if repeat > 1 else "")
    for kind, measured in runs.items():
        median = sorted(measured, key=lambda m: m.seconds)[len(measured) // 2]
        # Memory is judged on the largest of the runs, not the median's.
        size.results[kind] = dataclasses.replace(
            median, self_bytes=max(m.self_bytes for m in measured),
            children_bytes=max(m.children_bytes for m in measured),
            tree_bytes=max(m.tree_bytes for m in measured))
    if repeat > 1:
        say("  median runs: " + ", ".join(f"{kind} {size.results[kind].seconds:.2f} s "
                                          f"(of {', '.join(f'{m.seconds:.2f}' for m in runs[kind])})"
                                          for kind in kinds))
    return size


def _say_measurement(kind: str, found: Measurement, which: str) -> None:
    say(f"  {kind:<10} {found.seconds:8.2f} s  cpu {found.cpu_seconds:7.2f} s  "
        f"peak {found.rusage_mb:5.0f} MB (self+children), {found.tree_mb:5.0f} MB "
        f"(tree RSS); other processes {_fmt(found.other_cores, '.2f')} cores{which}")
    phases = found.detail.get("phases") if kind == "project" else None
    if phases:
        say("             steps: " + ", ".join(f"{step} {seconds:.2f} s"
                                             for step, seconds in phases.items()))


def _fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "-" if value is None or math.isnan(value) else f"{value:{spec}}{suffix}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _size_label(org: Organisation) -> str:
    return f"{org.data_rows:,} ({org.departments}x{org.rows:,})"


def main_table(sizes: list[SizeResult]) -> str:
    rows = []
    for size in sizes:
        project, naive = size.seconds("project"), size.seconds("naive")
        calamine, fast = size.seconds("calamine"), size.seconds("fastexcel")
        rows.append([
            _size_label(size.org), _fmt(project, ".2f"), _fmt(naive, ".2f"), _fmt(calamine, ".2f"),
            _fmt(fast, ".2f"), _fmt(_ratio(naive, project), ".2f", "x"),
            _fmt(_ratio(project, calamine), ".2f", "x"),
            _fmt(size.results["project"].peak_mb, ".0f"),
        ])
    return table(["size (rows)", "project s", "naive s", "calamine floor s", "fastexcel floor s",
                  "naive/project", "project/calamine-floor", "project peak MB"], rows)


def per_row_table(sizes: list[SizeResult]) -> str:
    kinds = ("project", "naive", "calamine", "fastexcel")
    rows = []
    for size in sizes:
        per_k = [_ratio(size.seconds(k), size.org.data_rows / 1000) for k in kinds]
        rows.append([_size_label(size.org), *(_fmt(None if v is None else v * 1000, ".2f")
                                              for v in per_k)])
    return table(["size (rows)", *(f"{k} ms/1k rows" for k in kinds)], rows)


def memory_table(sizes: list[SizeResult]) -> str:
    rows = []
    for size in sizes:
        for kind, found in size.results.items():
            rows.append([_size_label(size.org), kind, _fmt(found.seconds, ".2f"),
                         _fmt(found.cpu_seconds, ".2f"), _fmt(found.other_cores, ".2f"),
                         _fmt(found.self_bytes / 2**20, ".0f"),
                         _fmt(found.children_bytes / 2**20, ".0f"), _fmt(found.rusage_mb, ".0f"),
                         _fmt(found.tree_mb if found.tree_bytes else None, ".0f")])
    return table(["size (rows)", "measurement", "wall s", "cpu s", "others' cores",
                  "self peak MB", "largest child MB", "self+children MB", "tree RSS MB"], rows)


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(intercept, slope, R²) of the least-squares line through ``points``."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for _, y in points)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    return intercept, slope, 1 - residual / total if total else 1.0


def verdicts(sizes: list[SizeResult], full_rows: int) -> list[str]:
    full = next(s for s in sizes if s.org.rows == full_rows)
    project = full.results["project"]
    label = f"{full.org.departments} x {full.org.rows:,} ({full.org.data_rows:,} data rows)"
    lines = [f"Targets at {label}:"]
    busy = [f"{kind} {found.other_cores:.2f}" for size in sizes
            for kind, found in size.results.items()
            if found.other_cores is not None and found.other_cores > 0.2]
    if busy:
        lines.append("  NOTE: other processes kept the machine busy during some measurements "
                     f"(average cores they used: {', '.join(busy)}); those timings are inflated")
    naive = full.seconds("naive")
    if naive is None:
        lines.append("  [SKIP] project >= 6x faster than naive: naive baseline skipped (--skip-naive)")
    else:
        speedup = naive / project.seconds
        lines.append(f"  [{'PASS' if speedup >= 6 else 'FAIL'}] project >= 6x faster than naive: "
                     f"{naive:.2f} s / {project.seconds:.2f} s = {speedup:.2f}x")
    calamine = full.seconds("calamine")
    if calamine is not None:
        ratio = project.seconds / calamine
        lines.append(f"  [{'PASS' if ratio <= 1.5 else 'FAIL'}] project within 1.5x of the "
                     f"python-calamine floor: {project.seconds:.2f} s / {calamine:.2f} s = "
                     f"{ratio:.2f}x")
    peak = project.peak_mb
    lines.append(f"  [{'PASS' if peak < 1024 else 'FAIL'}] project peak memory under 1 GB: "
                 f"{peak:.0f} MB (self+largest child {project.rusage_mb:.0f} MB, sampled tree RSS "
                 f"{project.tree_mb:.0f} MB; the larger is judged)")
    if len(sizes) >= 3:
        points = [(float(s.org.data_rows), s.results["project"].seconds) for s in sizes]
        intercept, slope, r2 = linear_fit(points)
        per_k = [1000 * sec / rows * 1000 for rows, sec in points]
        growth = per_k[-1] / per_k[0]
        ok = growth <= 1.25 and r2 >= 0.98
        lines.append(
            f"  [{'PASS' if ok else 'FAIL'}] cost linear in rows: project ms/1k rows "
            f"{', '.join(f'{v:.2f}' for v in per_k)} (largest/smallest {growth:.3f}, must be "
            f"<= 1.25); fit t = {intercept:.2f} s + {slope * 1e6:.2f} s per 1M rows, "
            f"R² = {r2:.4f} (must be >= 0.98)")
    else:
        lines.append("  [SKIP] cost linear in rows: give --sizes with at least 3 sizes")
    return lines


def validation_lines(sizes: list[SizeResult]) -> list[str]:
    lines = []
    for size in sizes:
        d = size.results["project"].detail
        lines.append(
            f"  {_size_label(size.org)}: {d['included']}/{d['files']} workbooks included; rows read "
            f"{d['rows_read']:,}, accepted {d['rows_accepted']:,}, rejected {d['rows_rejected']:,} "
            f"(planted bad rows: {size.org.planted_total:,}); issues: {d['errors']:,} errors, "
            f"{d['warnings']:,} warnings; booking conflicts {d['conflicts']:,}")
    return lines


def project_revision() -> str:
    """The commit the project is at, and whether addin/ differs from it (read-only git calls)."""
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)

    try:
        head = git("rev-parse", "--short", "HEAD")
        if head.returncode != 0:
            return "project revision unknown"
        changed = git("diff", "--quiet", "HEAD", "--", "addin").returncode != 0
        untracked = bool(git("ls-files", "--others", "--exclude-standard", "--", "addin").stdout.strip())
    except OSError:
        return "project revision unknown"
    state = " with uncommitted changes in addin/" if changed or untracked else ""
    return f"project at commit {head.stdout.strip()}{state}"


def environment() -> str:
    versions = []
    for package in ("pandas", "openpyxl", "python-calamine", "fastexcel", "XlsxWriter", "pydantic"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kb / 2**20:.0f} GB RAM"
    return (f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {project_revision()}; "
            f"{platform.platform()}; "
            f"{os.cpu_count()} CPUs{memory}; Python {platform.python_version()}; "
            + ", ".join(versions))


# --- Command line -------------------------------------------------------------------------------


def _sizes(text: str | None, rows: int) -> list[int]:
    sizes = {rows}
    if text:
        sizes |= {int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part}
    return sorted(sizes)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.consolidate_bench",
        description="Time the project's consolidation against a naive pandas script and two "
                    "parse floors (python-calamine, fastexcel) on generated workbooks.")
    parser.add_argument("--departments", type=int, default=50, help="departments (files); default 50")
    parser.add_argument("--rows", type=int, default=5000,
                        help="rows per data sheet at the full size, where targets are judged; "
                             "default 5000")
    parser.add_argument("--sizes", help="rows per data sheet to measure, comma separated, e.g. "
                                        "1000,2500,5000 (--rows is always included)")
    parser.add_argument("--skip-naive", action="store_true", help="do not run the naive baseline")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the project and the floors this many times at each size, in "
                             "turn, and judge each on its median run (the naive script runs once); "
                             "default 1")
    parser.add_argument("--workdir", type=Path,
                        help="generate here and reuse workbooks generated with the same parameters "
                             "(default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--workers", type=int, help="workers for the project (default: its own)")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed; default 2026")
    parser.add_argument("--profile", nargs="?", const="py-spy", choices=("py-spy", "cprofile"),
                        help="also profile the project at the full size (py-spy when installed, "
                             "else cProfile of a one-process run)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--inbox", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.departments <= MAX_DEPARTMENTS:
        parser.error(f"--departments must be between 1 and {MAX_DEPARTMENTS}")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def say(text: str = "") -> None:
    print(text, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        result = measure_here(args.measure, args.inbox, args.out, args.departments, args.workers)
        say(RESULT_PREFIX + json.dumps(result))
        return 0
    sizes = _sizes(args.sizes, args.rows)
    temporary = args.workdir is None
    root = Path(tempfile.mkdtemp(prefix="consolidate-bench-")) if temporary else args.workdir
    root.mkdir(parents=True, exist_ok=True)
    out_dir = root / "out"
    out_dir.mkdir(exist_ok=True)
    mode, why = _project_mode_elsewhere()
    say(f"consolidate_bench: {args.departments} departments x {', '.join(f'{s:,}' for s in sizes)} "
        "rows per data sheet (4 data sheets)")
    say(f"machine: {environment()}")
    say(f"workbooks under {root}")
    say("project measured with " + ("consolidate() (reads, validates, consolidates and writes the "
                                    "report)" if mode == "consolidate" else
                                    f"build_report() (no report written: {why})"))
    say()
    results: list[SizeResult] = []
    try:
        for rows in sizes:
            org = generate(root, args.departments, rows, args.seed)
            made = ("reused" if org.generated_seconds is None
                    else f"generated in {org.generated_seconds:.1f} s")
            say(f"[{_size_label(org)}] {args.departments} workbooks {made}; "
                f"{org.planted_total} bad rows planted")
            results.append(measure_size(org, out_dir, args.workers, args.repeat, args.skip_naive))
        say()
        say(main_table(results))
        say()
        say("Time per 1,000 data rows (linearity):")
        say(per_row_table(results))
        say()
        say("CPU and peak memory per measurement (cpu s: this process and its workers; others' "
            "cores: CPU other processes on the machine used meanwhile, in cores):")
        say(memory_table(results))
        say()
        say("Validation in the project run:")
        for line in validation_lines(results):
            say(line)
        say()
        for line in verdicts(results, args.rows):
            say(line)
        if args.profile:
            full = next(s for s in results if s.org.rows == args.rows)
            say()
            say(f"Profile of the project at {_size_label(full.org)}:")
            say(profile(full.org, out_dir, args.workers, args.profile))
    finally:
        if temporary and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        elif temporary:
            say(f"kept {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
