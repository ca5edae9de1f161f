"""Consolidating a generated organisation: every figure to the cent, nothing lost.

Expected figures are computed here from the generator's raw rows, with the
contract's formulas written out again, not through the code under test.
"""

from __future__ import annotations

import copy
import io
import os
import pickle
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from addin.consolidation import NothingToConsolidate, build_report, collect, comparison_plans
from addin.consolidation.model import ConsolidatedReport, SheetChange
from addin.consolidation.partials import Employee, Event, FilePartial
from addin.settings import OrgConfig
from tests.conftest import TODAY
from tests.generator import Department, clean_department, payroll_rows, write_workbook

CENT = Decimal("0.01")
D = Decimal
RATES = {"USD": Decimal(1), "VND": Decimal(25400), "CNY": Decimal("7.1")}
# Tax schedules, written out again from the configuration's documentation.
BRACKETS = {
    "USD": [(1000, "0"), (4000, "0.10"), (10000, "0.20"), (None, "0.30")],
    "VND": [(5_000_000, "0.05"), (10_000_000, "0.10"), (18_000_000, "0.15"),
            (32_000_000, "0.20"), (52_000_000, "0.25"), (80_000_000, "0.30"), (None, "0.35")],
    "CNY": [(3000, "0.03"), (12000, "0.10"), (25000, "0.20"), (35000, "0.25"), (55000, "0.30"),
            (80000, "0.35"), (None, "0.45")],
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax(gross: Decimal, currency: str) -> Decimal:
    owed, lower = Decimal(0), Decimal(0)
    for upper, rate in BRACKETS[currency]:
        top = gross if upper is None else min(gross, Decimal(upper))
        if top > lower:
            owed += (top - lower) * Decimal(rate)
        if upper is None or gross <= upper:
            break
        lower = Decimal(upper)
    return cents(owed)


def expected_pay(row: dict[str, object], currency: str) -> tuple[Decimal, Decimal]:
    base, allowances = Decimal(str(row["Base Salary"])), Decimal(str(row["Allowances"]))
    hours, deductions = Decimal(str(row["Overtime Hours"])), Decimal(str(row["Deductions"]))
    gross = base + allowances + cents(hours * base / 160 * Decimal("1.5"))
    return gross, gross - tax(gross, currency) - deductions


@dataclass
class Org:
    inbox: Path
    departments: dict[str, Department]
    # Rows planted as bad, by department and sheet: positions in dept.rows.
    rejected: dict[tuple[str, str], set[int]]


@pytest.fixture
def org(tmp_path: Path) -> Org:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fin = clean_department(code="FIN", name="Finance")
    fin.rows["Budget"][2]["Actual"] = Decimal("-300")
    hr = clean_department(code="HR", name="Human Resources", currency="VND")
    hr.rows["Payroll"] = payroll_rows(seed=5, id_prefix="H")
    hr.rows["Payroll"][1]["Overtime Hours"] = 250
    for row in hr.rows["Budget"]:
        row.update({"Budget": Decimal(str(row["Budget"])) * 25000,
                    "Actual": Decimal(str(row["Actual"])) * 25000})
    it = clean_department(code="IT", name="IT", currency="CNY")
    it.rows["Payroll"] = payroll_rows(seed=6, id_prefix="T")
    it.rows["Payroll"][0]["Employee ID"] = "E1001"  # also on Finance's payroll
    for name, dept in (("FIN", fin), ("HR", hr), ("IT", it)):
        write_workbook(inbox / f"{name}_2026-10.xlsx", dept)
    copy = write_workbook(inbox / "HR_2026-10 - Copy.xlsx", clean_department(
        code="HR", name="Human Resources", currency="VND"))
    os.utime(copy, (1_700_000_000, 1_700_000_000))  # older than the real one
    write_workbook(inbox / "LEGAL_2026-10.xlsx", clean_department(code="LEGAL", name="Legal",
                                                                   currency="EUR"))
    (inbox / "archive").mkdir()
    write_workbook(inbox / "archive" / "FIN_2026-09.xlsx",
                   clean_department(code="FIN", period="2026-09"))
    (inbox / "notes.xlsx").write_text("a,b\n1,2\n")  # someone's CSV, saved long ago
    os.utime(inbox / "notes.xlsx", (1_700_000_000, 1_700_000_000))
    rejected = {("FIN", "Budget"): {2}, ("HR", "Payroll"): {1}, ("IT", "Payroll"): {0},
                ("FIN", "Payroll"): {0}}
    return Org(inbox, {"FIN": fin, "HR": hr, "IT": it}, rejected)


def config() -> OrgConfig:
    return OrgConfig(rates={"2026-10": {"VND": RATES["VND"], "CNY": RATES["CNY"]}})


@pytest.fixture
def report(org: Org) -> ConsolidatedReport:
    return build_report(org.inbox, config=config(), today=TODAY, workers=1)


def clean_rows(org: Org, code: str, sheet: str) -> list[dict[str, object]]:
    bad = org.rejected.get((code, sheet), set())
    return [row for i, row in enumerate(org.departments[code].rows[sheet]) if i not in bad]


def test_summary_figures_to_the_cent(org: Org, report: ConsolidatedReport) -> None:
    rows = {row["Department Code"]: row for row in report.summary.to_dict(orient="records")}
    assert sorted(rows) == ["FIN", "HR", "IT"]
    for code, dept in org.departments.items():
        rate = RATES[dept.currency]
        budget = cents(sum(Decimal(str(r["Budget"])) for r in clean_rows(org, code, "Budget"))
                       / rate)
        actual = cents(sum(Decimal(str(r["Actual"])) for r in clean_rows(org, code, "Budget"))
                       / rate)
        pays = [expected_pay(r, dept.currency) for r in clean_rows(org, code, "Payroll")]
        stock = cents(sum(Decimal(str(r["Quantity On Hand"])) * Decimal(str(r["Unit Cost"]))
                          for r in clean_rows(org, code, "Inventory")) / rate)
        row = rows[code]
        assert (row["Budget"], row["Actual"], row["Variance"]) == (budget, actual, actual - budget)
        assert row["Headcount"] == len(pays)
        assert row["Gross Pay"] == cents(sum(g for g, _ in pays) / rate)
        assert row["Net Pay"] == cents(sum(n for _, n in pays) / rate)
        assert row["Stock Value"] == stock
        assert row["Currency"] == dept.currency
    assert report.totals["Budget"] == sum(r["Budget"] for r in rows.values())
    assert report.totals["Gross Pay"] == sum(r["Gross Pay"] for r in rows.values())
    assert report.totals["Headcount"] == 5 + 5 + 5


def test_rows_read_equal_accepted_plus_rejected(report: ConsolidatedReport) -> None:
    for source in report.sources:
        for count in source.sheets:
            assert count.read == count.accepted + count.rejected, (source.path, count)
    statuses = {source.path.name: (source.status, source.rate) for source in report.sources}
    assert statuses == {
        "FIN_2026-10.xlsx": ("included", Decimal(1)),
        "HR_2026-10.xlsx": ("included", Decimal(25400)),
        "IT_2026-10.xlsx": ("included", Decimal("7.1")),
        "HR_2026-10 - Copy.xlsx": ("superseded", None),
        "LEGAL_2026-10.xlsx": ("rejected", None),
        "FIN_2026-09.xlsx": ("other-period", None),
        "notes.xlsx": ("unreadable", None),
    }
    fin = next(s for s in report.sources if s.path.name == "FIN_2026-10.xlsx")
    assert [(c.sheet, c.read, c.accepted, c.rejected) for c in fin.sheets] == [
        ("Budget", 8, 7, 1), ("Payroll", 6, 5, 1), ("Inventory", 6, 6, 0), ("Schedule", 5, 5, 0),
    ]
    legal = next(s for s in report.sources if s.path.name == "LEGAL_2026-10.xlsx")
    assert legal.note == ('no exchange rate for EUR in 2026-10; add it to the configuration '
                          'under [rates."2026-10"]; no row is included')
    assert all(c.accepted == 0 and c.rejected == c.read for c in legal.sheets)


def test_exceptions_list_exactly_the_planted_problems(org: Org, report: ConsolidatedReport) -> None:
    found = [(Path(str(r["File"])).name, r["Sheet"], r["Cell"], r["Rule"])
             for r in report.exceptions.to_dict(orient="records")]
    assert sorted(found) == sorted([
        ("FIN_2026-10.xlsx", "Budget", "F4", "minimum"),
        ("FIN_2026-10.xlsx", "Payroll", "A2", "employee-in-two-departments"),
        ("IT_2026-10.xlsx", "Payroll", "A2", "employee-in-two-departments"),
        ("HR_2026-10.xlsx", "Payroll", "G3", "maximum"),
        ("HR_2026-10 - Copy.xlsx", "", "", "workbook-superseded"),
        ("LEGAL_2026-10.xlsx", "", "", "workbook-rejected"),
        ("notes.xlsx", "", "", "not-a-workbook"),
    ])
    shared = report.exceptions[report.exceptions["Rule"] == "employee-in-two-departments"]
    assert next(iter(shared["Message"])) == (
        "Employee ID E1001 is also on the payroll of IT (IT_2026-10.xlsx, Payroll!A2); an "
        "employee is paid by one department, so neither row is counted"
    )


def test_submissions_name_missing_departments(report: ConsolidatedReport) -> None:
    assert [s.department for s in report.missing] == ["ADMIN", "OPS", "LEGAL", "PROC", "FAC", "CS"]
    received = {s.department: s for s in report.submissions if s.received}
    assert sorted(received) == ["FIN", "HR", "IT"]
    assert (received["FIN"].rows_accepted, received["FIN"].rows_rejected) == (23, 2)


def test_booking_conflicts_name_both_departments_and_cells(report: ConsolidatedReport) -> None:
    # The three departments share the generator's meeting rooms at the same times.
    first = report.conflicts.to_dict(orient="records")[0]
    assert (first["Location"], first["First Department"], first["Second Department"]) == (
        "Boardroom", "FIN", "HR")
    assert (first["First Source"], first["Second Source"]) == (
        "FIN_2026-10.xlsx Schedule!A4", "HR_2026-10.xlsx Schedule!A4")
    assert len(report.conflicts) == 5 * 3  # each of 5 slots: FIN-HR, FIN-IT, HR-IT


def test_the_same_inputs_give_the_same_numbers(org: Org, report: ConsolidatedReport) -> None:
    # In worker processes, partial results travel by pickle: nothing may change on the way.
    again = build_report(org.inbox, config=config(), today=TODAY, workers=2)
    for table in ("summary", "budget_by_category", "budget_by_month", "payroll",
                  "inventory_by_category", "reorder", "calendar", "conflicts", "exceptions"):
        assert getattr(again, table).equals(getattr(report, table)), table
    assert again.totals == report.totals
    assert again.sources == report.sources


def test_a_partial_arrives_from_its_worker_unchanged() -> None:
    partial = FilePartial(Path("FIN.xlsx"), "ab" * 32, 1234, datetime(2026, 11, 2, 9, 30, tzinfo=UTC))
    partial.events = [
        Event("EV-1", "A2", "Kick-off", "Meeting", datetime(2026, 10, 1, 9, 0, 0, 123457),
              datetime(2026, 10, 1, 10, 0), "Boardroom", "Lan", 12),
        Event("EV-2", "A3", "=1+1", "Training", datetime(1900, 3, 1), datetime(9999, 12, 31, 23, 59),
              None, "Minh", 0),
    ]
    partial.employees = [
        Employee("E1", "A2", "Full-time", "5000 0 1E+3 6000.005 0.00 -0 5999.995", None, None, None),
        Employee("E2", "A3", "Contract", "1 2 3 4 5 6 7", "Lan Tran", "Clerk", "0012345678"),
    ]
    arrived = pickle.loads(pickle.dumps(partial))
    assert arrived == partial
    assert [type(e) for e in arrived.events + arrived.employees] == [Event] * 2 + [Employee] * 2
    assert arrived.employees[0].pay == (D("5000"), D("0"), D("1E+3"), D("6000.005"), D("0.00"),
                                        D("-0"), D("5999.995"))
    zoned = FilePartial(Path("HR.xlsx"), "cd" * 32, 1, datetime(2026, 11, 2, tzinfo=UTC))
    zoned.events = [partial.events[0]._replace(end=datetime(2026, 10, 1, 10, 0, tzinfo=UTC))]
    assert pickle.loads(pickle.dumps(zoned)).events == zoned.events
    empty = FilePartial(Path("IT.xlsx"), "ef" * 32, 1, datetime(2026, 11, 2, tzinfo=UTC))
    assert pickle.loads(pickle.dumps(empty)) == empty


def test_nothing_to_consolidate(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_text("not a workbook")
    os.utime(tmp_path / "x.xlsx", (1_700_000_000, 1_700_000_000))
    with pytest.raises(NothingToConsolidate, match="no readable department workbook"):
        build_report(tmp_path, config=config(), today=TODAY)


# --- Workbooks of other periods -------------------------------------------------------------


def _with_a_sheet_too_large_to_read(path: Path) -> Path:
    """``path`` with a cell at AAA1000000 on its Budget sheet: reading that sheet is
    refused (limits.max_cells_per_sheet), while its Info sheet reads as usual."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    far = b'<row r="1000000"><c r="AAA1000000"><v>1</v></c></row></sheetData>'
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
        b"</sheetData>", far)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("asked", "workers"), [(None, 1), ("2026-10", 1), (None, 2)])
def test_workbooks_of_other_periods_are_read_only_as_far_as_their_info(
    tmp_path: Path, asked: str | None, workers: int
) -> None:
    # Were the September workbooks read in full, their Budget sheet would make them
    # unreadable; read as far as their Info sheet, they are other-period workbooks.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for code in ("FIN", "OPS"):
        write_workbook(inbox / f"{code}_2026-10.xlsx", clean_department(code=code))
        old = _with_a_sheet_too_large_to_read(write_workbook(
            inbox / f"{code}_2026-09.xlsx", clean_department(code=code, period="2026-09")))
        os.utime(old, (1_700_000_000, 1_700_000_000))  # last month's: older
    # The control: a workbook of the report's period with the same sheet is unreadable.
    _with_a_sheet_too_large_to_read(write_workbook(
        inbox / "LEGAL_2026-10.xlsx", clean_department(code="LEGAL")))
    report = build_report(inbox, config=config(), period=asked, today=TODAY, workers=workers)
    statuses = {s.path.name: (s.status, s.note, len(s.sheets)) for s in report.sources}
    assert statuses == {
        "FIN_2026-10.xlsx": ("included", "", 4),
        "OPS_2026-10.xlsx": ("included", "", 4),
        "FIN_2026-09.xlsx": ("other-period", "for period 2026-09; not part of this report", 0),
        "OPS_2026-09.xlsx": ("other-period", "for period 2026-09; not part of this report", 0),
        "LEGAL_2026-10.xlsx": (
            "unreadable",
            "Sheet Budget spans 1,000,000 rows x 703 columns, over the limit of 20,000,000 "
            "cells (limits.max_cells_per_sheet)", 0),
    }
    assert report.period == "2026-10"
    assert {s.department for s in report.submissions if s.received} == {"FIN", "OPS"}
    legal = next(s for s in report.sources if s.path.name == "LEGAL_2026-10.xlsx")
    assert (legal.department, legal.period) == ("LEGAL", "2026-10")  # from its Info sheet


@pytest.mark.parametrize("workers", [1, 2])
def test_what_changed_when_the_newest_period_cannot_be_read(tmp_path: Path, workers: int) -> None:
    # A first look at the Info sheets says November: the comparisons planned for it
    # are of no use once November's only workbook turns out unreadable. October's
    # are then made afterwards, with the same outcome as when planned.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed, code in enumerate(("FIN", "HR", "OPS"), start=30):
        now = clean_department(code=code)
        now.rows["Payroll"] = payroll_rows(seed=seed, id_prefix=code[0])
        before = clean_department(code=code, period="2026-09", rows=copy.deepcopy(now.rows))
        before.rows["Payroll"] = now.rows["Payroll"][:-1]
        write_workbook(inbox / f"{code}_2026-10.xlsx", now)
        write_workbook(inbox / f"{code}_2026-09.xlsx", before)
    _with_a_sheet_too_large_to_read(write_workbook(
        inbox / "FIN_2026-11.xlsx", clean_department(code="FIN", period="2026-11")))
    paths = sorted(inbox.glob("*.xlsx"))
    plans = comparison_plans(paths, config(), None, inbox, None)
    assert {paths[i].name: [(earlier.name, label) for earlier, label in candidates]
            for i, candidates in plans.items()} == {"FIN_2026-11.xlsx": [("FIN_2026-10.xlsx", "2026-10")]}
    report = build_report(inbox, config=config(), today=TODAY, workers=workers)
    assert report.period == "2026-10"
    assert [(s.department, s.compared_with, s.changes[1]) for s in report.submissions
            if s.compared_with] == [(code, "2026-09", SheetChange("Payroll", 1, 0, 0))
                                    for code in ("FIN", "HR", "OPS")]


@pytest.mark.parametrize(("workers", "september_first"), [(1, False), (1, True), (2, True)])
def test_last_periods_workbook_that_cannot_be_read_is_named_as_such(
    tmp_path: Path, workers: int, september_first: bool
) -> None:
    # Read to its Info sheet (read after October's) or further (read first, before
    # October is seen), the outcome is the same: Finance is compared with a
    # September workbook that cannot be read.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for code in ("FIN", "HR", "OPS", "IT"):
        write_workbook(inbox / f"{code}_2026-10.xlsx", clean_department(
            code=code, rows={**clean_department().rows,
                             "Payroll": payroll_rows(seed=len(code), id_prefix=code[0])}))
    old = _with_a_sheet_too_large_to_read(write_workbook(
        inbox / "FIN_2026-09.xlsx", clean_department(code="FIN", period="2026-09")))
    stamp = 2_000_000_000 if september_first else 1_700_000_000  # files are read newest first
    os.utime(old, (stamp, stamp))
    report = build_report(inbox, config=config(), today=TODAY, workers=workers)
    compared = {s.department: (s.compared_with, s.changes) for s in report.submissions
                if s.compared_with}
    assert compared == {"FIN": ("2026-09 (unreadable)", [])}
    source = next(s for s in report.sources if s.path.name == "FIN_2026-09.xlsx")
    assert source.status == "other-period"


def test_a_workbook_of_the_newest_period_is_read_in_full_whenever_it_comes(
    tmp_path: Path,
) -> None:
    # Read last (it is the oldest file), after the newest period seen is 2026-09.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "FIN_2026-09.xlsx", clean_department(code="FIN", period="2026-09"))
    late = write_workbook(inbox / "OPS_2026-10.xlsx", clean_department(code="OPS"))
    os.utime(late, (1_700_000_000, 1_700_000_000))
    report = build_report(inbox, config=config(), today=TODAY, workers=1)
    assert report.period == "2026-10"
    assert [(s.path.name, s.status) for s in report.sources] == [
        ("FIN_2026-09.xlsx", "other-period"), ("OPS_2026-10.xlsx", "included")]


@pytest.mark.parametrize("workers", [1, 2])
def test_what_changed_since_last_period_to_the_cent(tmp_path: Path, workers: int) -> None:
    # This month: Actual of the first Budget row up 1,500; two employees joined.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    joined: dict[str, list[dict[str, object]]] = {}
    for seed, code in enumerate(("FIN", "HR", "OPS"), start=20):
        now = clean_department(code=code)
        now.rows["Payroll"] = payroll_rows(seed=seed, id_prefix=code[0])
        before = clean_department(code=code, period="2026-09", rows=copy.deepcopy(now.rows))
        now.rows["Budget"][0]["Actual"] = Decimal(str(now.rows["Budget"][0]["Actual"])) + 1500
        before.rows["Payroll"], joined[code] = now.rows["Payroll"][:-2], now.rows["Payroll"][-2:]
        write_workbook(inbox / f"{code}_2026-10.xlsx", now)
        os.utime(write_workbook(inbox / f"{code}_2026-09.xlsx", before),
                 (1_700_000_000, 1_700_000_000))
    report = build_report(inbox, config=config(), today=TODAY, workers=workers)
    assert [s.department for s in report.submissions if s.compared_with] == ["FIN", "HR", "OPS"]
    # Made by the workers as they read October's workbooks, not afterwards.
    partials = collect(sorted(inbox.glob("*.xlsx")), config(), TODAY, inbox=inbox)
    assert {p.path.name: (p.comparison[0][0][0].name, p.comparison[1].compared_with)
            for p in partials if p.comparison} == {
        f"{code}_2026-10.xlsx": (f"{code}_2026-09.xlsx", "2026-09") for code in joined}
    for submission in (s for s in report.submissions if s.compared_with):
        pays = [expected_pay(row, "USD") for row in joined[submission.department]]
        assert submission.compared_with == "2026-09"
        assert submission.changes == [
            SheetChange("Budget", 0, 0, 1), SheetChange("Payroll", 2, 0, 0),
            SheetChange("Inventory", 0, 0, 0), SheetChange("Schedule", 0, 0, 0),
        ]
        assert submission.total_changes == {
            "Budget": 0, "Actual": Decimal(1500), "Gross Pay": sum(g for g, _ in pays),
            "Net Pay": sum(n for _, n in pays), "Stock Value": 0,
        }


# --- The written report ----------------------------------------------------------------------


def _sheet(path: Path, name: str) -> list[list[object]]:
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    return [list(row) for row in sheet.to_python()]


def test_written_report_totals_read_back_to_the_cent(org: Org, tmp_path: Path) -> None:
    from addin.consolidation import consolidate

    out = tmp_path / "reports" / "org-2026-10.xlsx"
    run = consolidate(org.inbox, out, config=config(), today=TODAY, workers=1)
    assert run.report_path == out and run.archived is None
    assert run.rows_read == run.rows_accepted + run.rows_rejected
    summary = _sheet(out, "Summary")
    total_row = next(row for row in summary if row and row[0] == "Total")
    header = next(row for row in summary if "Budget (USD)" in row)
    for column in ("Budget", "Actual", "Variance", "Gross Pay", "Net Pay", "Stock Value"):
        index = next(i for i, h in enumerate(header) if str(h).startswith(column))
        assert Decimal(repr(total_row[index])) == run.report.totals[column], column
    # A second run keeps the first report in archive/.
    again = consolidate(org.inbox, out, config=config(), today=TODAY, workers=1)
    assert again.archived is not None and again.archived.parent == out.parent / "archive"


def test_text_from_a_workbook_never_becomes_a_formula(tmp_path: Path) -> None:
    import openpyxl

    from addin.consolidation import consolidate

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dept = clean_department(code="FIN")
    dept.rows["Schedule"][0]["Title"] = '=HYPERLINK("http://x","y")'
    dept.rows["Schedule"][1]["Title"] = "+cmd|' /C calc'!A0"
    write_workbook(inbox / "FIN_2026-10.xlsx", dept)
    out = tmp_path / "report.xlsx"
    consolidate(inbox, out, config=config(), today=TODAY)
    sheet = openpyxl.load_workbook(out)["Schedule"]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0"):
        assert cells[text].data_type == "s", text


def test_small_payroll_groups_are_never_shown(tmp_path: Path) -> None:
    from addin.consolidation import consolidate

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sizes = {"FIN": 6, "LEGAL": 2, "HR": 4}
    for code, size in sizes.items():
        dept = clean_department(code=code, name=code.title())
        dept.rows["Payroll"] = payroll_rows(count=size, seed=len(code), id_prefix=code)
        for row in dept.rows["Payroll"]:
            row["Employment Type"] = "Full-time"
        write_workbook(inbox / f"{code}_2026-10.xlsx", dept)
    run = consolidate(inbox, tmp_path / "report.xlsx", config=config(), today=TODAY)
    report = run.report
    # LEGAL (2 people) is hidden; so is HR, the smallest other, so LEGAL cannot be
    # worked out as the total minus the departments shown.
    assert report.suppressed_departments == {"LEGAL", "HR"}
    rows = {r["Department Code"]: r for r in report.summary.to_dict(orient="records")}
    assert [rows[c]["Gross Pay"] is None for c in ("FIN", "HR", "LEGAL")] == [False, True, True]
    payroll = {r["Department Code"]: r for r in report.payroll.to_dict(orient="records")}
    assert payroll["LEGAL"]["Gross Pay"] is None and payroll["LEGAL"]["Headcount"] == 2
    expected = sum(
        (expected_pay(row, "USD")[0]
         for code, size in sizes.items()
         for row in payroll_rows(count=size, seed=len(code), id_prefix=code)),
        Decimal(0),
    )
    assert report.totals["Gross Pay"] == cents(expected)
    summary = _sheet(run.report_path, "Summary")
    total_row = next(row for row in summary if row and row[0] == "Total")
    assert cents(Decimal(repr(max(v for v in total_row if isinstance(v, float))))) >= cents(expected)


def test_command_line_consolidation(org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from addin.cli import main

    config_file = tmp_path / "org.toml"
    config_file.write_text('[organisation]\nreports = "reports"\n[rates."2026-10"]\nVND = 25400\n'
                           'CNY = 7.1\n')
    out = tmp_path / "out" / "report.xlsx"
    code = main(["consolidate", str(org.inbox), "--out", str(out), "--config", str(config_file),
                 "--format", "json", "--period", "2026-10"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["report"] == str(out)
    assert summary["rows"]["read"] == summary["rows"]["accepted"] + summary["rows"]["rejected"]
    assert summary["missing"] == ["ADMIN", "OPS", "LEGAL", "PROC", "FAC", "CS"]
    assert sorted(d["Department Code"] for d in summary["departments"]) == ["FIN", "HR", "IT"]
    assert list(summary["seconds"]) == ["reading", "consolidating", "writing"]
    assert all(isinstance(s, float) and s >= 0 for s in summary["seconds"].values())
    # Recorded for the BO_ORG worksheet function, in the organisation's reports folder.
    assert len(list((tmp_path / "reports" / ".figures").glob("2026-10 *.json"))) == 1
    assert main(["consolidate", str(org.inbox), "--out", str(out), "--period", "2026-13"]) == 2
    assert main(["consolidate", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    assert "no such folder" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("terminal", "quiet", "shown"), [(True, False, True), (True, True, False),
                                                           (False, False, False)])
def test_progress_only_on_a_terminal(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    terminal: bool, quiet: bool, shown: bool,
) -> None:
    from addin.cli import main

    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    args = ["consolidate", str(org.inbox), "--out", str(tmp_path / "r.xlsx"), "--period", "2026-10"]
    assert main([*args, "--quiet"] if quiet else args) == 0
    text = stderr.getvalue()
    assert ("7/7 files" in text) is shown, text
    if shown:
        # Finance's September workbook is in the inbox: what changed is worked out.
        assert "\r\x1b[Kcomparing with earlier workbooks: 1/1 - FIN_2026-10.xlsx" in text
        assert "rows read; writing r.xlsx" in text
        assert text.endswith("\r\x1b[K")  # the line is cleared before the summary
