"""Validation a column at a time: what a sheet's issues, columns and records hold.

Each column goes through its field's type and constraints in one call, a cell
that did not coerce holds ``BAD`` and is skipped, a row rule runs on the rows
whose cells it reads all passed (a problem elsewhere in the row is reported
too), and Payroll's pay is derived a column at a time. These
tests plant defects in generated workbooks (header at row 1, first data row 2)
and check the outcome against figures worked out here, not by the add-in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from addin.consolidation.changes import headline_totals
from addin.consolidation.partials import PAY_FIELDS, FilePartial, _boil_down, read_partial
from addin.kinds import DATA_KINDS
from addin.kinds.base import RowContext
from addin.settings import CNY_BRACKETS, VND_BRACKETS, OrgConfig, PayrollSettings, TaxBracket
from tests.conftest import TODAY, Validate, WriteDept
from tests.generator import Formula, clean_department, payroll_rows
from tests.templates_support import expected_pay

PAYROLL = DATA_KINDS["Payroll"]
PAY_KEYS = ("hourly_rate", "overtime_pay", "gross_pay", "income_tax", "net_pay")


def as_read(sheet: str, row: dict[str, object]) -> dict[str, Any]:
    """A generated row by column key, as the reader gives it back (numbers as Decimal)."""
    values: dict[str, Any] = {}
    for column in DATA_KINDS[sheet].columns:
        value = row.get(column.header)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            value = Decimal(str(value))
        values[column.key] = column.blank_default if value in (None, "") else value
    return values


def pay_of(rows: list[dict[str, Any]], settings: PayrollSettings,
           brackets: tuple[TaxBracket, ...]) -> dict[str, list[Decimal]]:
    """The pay of ``rows`` by the test suite's own formula, a list per computed column."""
    hours, multiplier = settings.standard_monthly_hours, settings.overtime_multiplier
    pays = [expected_pay(row, hours, multiplier, brackets) for row in rows]
    columns = {key: [pay[key] for pay in pays] for key in PAY_KEYS if key != "hourly_rate"}
    columns["hourly_rate"] = [row["base_salary"] / hours for row in rows]
    return columns


def issues_of(result: Any, sheet: str) -> list[tuple[str, str, str]]:
    return [(i.cell, i.rule, i.message) for i in result.issues if i.sheet == sheet]


# 1 --------------------------------------------------------------------------------------------


def test_a_cell_that_did_not_coerce_and_a_constraint_in_one_row(validate: Validate) -> None:
    dept = clean_department()
    # Row 4: Allowances does not coerce, Overtime Hours breaks its maximum, and the
    # Deductions would make Net Pay negative if the row rule ran on it (it must not).
    dept.rows["Payroll"][2].update({"Allowances": "lots", "Overtime Hours": 250,
                                    "Deductions": 10**7})
    result = validate(dept)
    assert sorted(issues_of(result, "Payroll")) == [
        ("F4", "not-a-number", "Allowances is lots; it must be a number"),
        ("G4", "maximum", "Overtime Hours is 250; it must be 200 or less"),
    ]
    sheet = result.sheets["Payroll"]
    assert (sheet.rows_read, sheet.accepted, sheet.rejected) == (6, 5, 1)
    assert sheet.rows_read == sheet.accepted + sheet.rejected
    assert sheet.row_numbers == [2, 3, 5, 6, 7]
    assert len(sheet.records) == 5


# 2 --------------------------------------------------------------------------------------------


def test_a_row_rule_runs_where_the_cells_it_reads_passed(validate: Validate) -> None:
    dept = clean_department()
    rows = dept.rows["Schedule"]
    rows[0]["End"] = "tomorrow-ish"  # E2: unreadable, so no End to compare with Start
    start = rows[1]["Start"]
    assert isinstance(start, datetime)
    # H3 and E3: Attendees is not read by the rule, so End before Start is said too.
    rows[1].update({"Attendees": -1, "End": start - timedelta(hours=1)})
    rows[3].update({"Start": datetime(2026, 10, 5, 9), "End": datetime(2026, 10, 5, 8)})  # E5
    result = validate(dept)
    assert issues_of(result, "Schedule") == [
        ("E2", "not-a-date", "End is tomorrow-ish; it must be a date (for example 2026-10-31)"),
        ("H3", "minimum", "Attendees is -1; it must be 0 or more"),  # a row's cells, then rules
        ("E3", "end-before-start",
         f"End is {start - timedelta(hours=1):%Y-%m-%d %H:%M}; it must be after Start "
         f"({start:%Y-%m-%d %H:%M})"),
        ("E5", "end-before-start",
         "End is 2026-10-05 08:00; it must be after Start (2026-10-05 09:00)"),
    ]
    sheet = result.sheets["Schedule"]
    assert sheet.row_numbers == [4, 6]
    assert (sheet.rows_read, sheet.rejected) == (5, 3)


def test_every_problem_of_a_row_is_shown_at_its_cell(validate: Validate) -> None:
    dept = clean_department()
    # Last year's month with an Actual that is not a number: both are said.
    dept.rows["Budget"][0].update({"Period": "2025-10", "Actual": "n/a"})
    # Allowances unreadable: Net Pay cannot be worked out, so it is not judged
    # (it would be with Allowances as 0, a figure the clerk never typed).
    dept.rows["Payroll"][0].update({"Allowances": "n/a", "Deductions": 10**7})
    # A blank Title and an End before Start: both are said (the rule reads no Title).
    dept.rows["Schedule"][0].update({"Title": None, "Start": datetime(2026, 10, 5, 9),
                                     "End": datetime(2026, 10, 5, 8)})
    result = validate(dept)
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Schedule")] == [
        ("B2", "required"), ("E2", "end-before-start"),
    ]
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Budget")] == [
        ("F2", "not-a-number"), ("A2", "period-outside-year"),
    ]
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Payroll")] == [
        ("F2", "not-a-number"),
    ]


# 3 --------------------------------------------------------------------------------------------


def test_constraint_issues_come_row_by_row_across_columns(validate: Validate) -> None:
    dept = clean_department()
    rows = dept.rows["Payroll"]
    rows[1]["Deductions"] = -5  # H3
    rows[2].update({"Overtime Hours": 250, "Allowances": -3})  # F4, G4
    rows[4]["Base Salary"] = -1  # E6: a later row, an earlier column
    result = validate(dept)
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Payroll")] == [
        ("H3", "minimum"), ("F4", "minimum"), ("G4", "maximum"), ("E6", "minimum"),
    ]
    assert [i.row for i in result.issues if i.sheet == "Payroll"] == [3, 4, 4, 6]
    assert result.sheets["Payroll"].row_numbers == [2, 5, 7]


# 4 --------------------------------------------------------------------------------------------


def test_row_rule_issues_come_in_row_order_among_the_cells_issues(validate: Validate) -> None:
    dept = clean_department()
    rows = dept.rows["Payroll"] = payroll_rows(count=5)
    rows[1]["Deductions"] = 10**7  # H3: the row rule
    rows[3]["Overtime Hours"] = 250  # G5: a cell's own rule, in a later row
    assert [(cell, rule) for cell, rule, _ in issues_of(validate(dept), "Payroll")] == [
        ("H3", "net-pay-negative"), ("G5", "maximum"),
    ]


def test_accepted_rows_line_up_in_every_column(validate: Validate, config: OrgConfig) -> None:
    dept = clean_department()
    rows = dept.rows["Payroll"] = payroll_rows(count=10)
    rows[1]["Allowances"] = "lots"  # F3: does not coerce
    rows[3]["Overtime Hours"] = 250  # G5: breaks a field constraint
    rows[5]["Deductions"] = 10**7  # H7: clean cells, breaks the row rule
    rows[8]["Employee ID"] = rows[6]["Employee ID"]  # A8 and A10: clean, but duplicated
    result = validate(dept)
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Payroll")] == [
        ("F3", "not-a-number"), ("G5", "maximum"), ("H7", "net-pay-negative"),
        ("A8", "duplicate-key"), ("A10", "duplicate-key"),
    ]
    sheet = result.sheets["Payroll"]
    assert sheet.row_numbers == [2, 4, 6, 9, 11]
    assert (sheet.rows_read, sheet.accepted, sheet.rejected) == (10, 5, 5)
    kept = [as_read("Payroll", rows[p]) for p in (0, 2, 4, 7, 9)]
    fields = list(PAYROLL.model.model_fields)
    assert set(sheet.columns) == {*fields, *PAY_KEYS}
    for key in fields:
        assert sheet.columns[key] == [row[key] for row in kept], key
    pay = pay_of(kept, config.payroll, config.payroll.brackets_for("USD"))
    for key in PAY_KEYS:
        assert sheet.columns[key] == pay[key], key
    assert [number for number, _ in sheet.records] == sheet.row_numbers
    assert [record.model_dump() for _, record in sheet.records] == [
        dict(zip(fields, values, strict=True))
        for values in zip(*(sheet.columns[key] for key in fields), strict=True)
    ]
    assert headline_totals(result, config, "USD")["Net Pay"] == sum(pay["net_pay"], Decimal(0))


def test_other_kinds_line_up_around_rejected_rows(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][2]["Actual"] = -300  # F4
    dept.rows["Budget"][5]["Category"] = "Food"  # D7
    dept.rows["Inventory"][1]["Last Counted"] = date(2027, 1, 4)  # K3: a row rule
    result = validate(dept)
    for name, rejected in (("Budget", (2, 5)), ("Inventory", (1,))):
        sheet = result.sheets[name]
        kept = [as_read(name, row) for p, row in enumerate(dept.rows[name]) if p not in rejected]
        assert sheet.row_numbers == [p + 2 for p in range(len(dept.rows[name]))
                                     if p not in rejected]
        for key in sheet.kind.model.model_fields:
            assert sheet.columns[key] == [row[key] for row in kept], (name, key)
        assert [dict(record) for _, record in sheet.records] == kept


# 5 --------------------------------------------------------------------------------------------


def test_derived_pay_is_recomputed_for_another_currency_or_settings(
    validate: Validate, config: OrgConfig
) -> None:
    dept = clean_department()  # a USD department
    dept.rows["Payroll"][2]["Base Salary"] = -1  # rejected, in the middle
    result = validate(dept)
    sheet = result.sheets["Payroll"]
    kept = [as_read("Payroll", row) for p, row in enumerate(dept.rows["Payroll"]) if p != 2]
    stored = {key: sheet.columns[key] for key in PAY_KEYS}
    assert stored == pay_of(kept, config.payroll, config.payroll.brackets_for("USD"))
    assert sheet.context is not None
    assert sheet.derived(sheet.context) == stored
    assert sheet.derived(RowContext(currency="USD", payroll=config.payroll)) == stored
    for currency, brackets in (("VND", VND_BRACKETS), ("CNY", CNY_BRACKETS)):
        assert config.payroll.brackets_for(currency) == brackets
        other = sheet.derived(RowContext(currency=currency, payroll=config.payroll))
        assert other == pay_of(kept, config.payroll, brackets), currency
        assert other["gross_pay"] == stored["gross_pay"]
        assert other["income_tax"] != stored["income_tax"]
        assert headline_totals(result, config, currency)["Net Pay"] == \
            sum(other["net_pay"], Decimal(0))
    doubled = PayrollSettings(overtime_multiplier=Decimal(2))
    assert sheet.derived(RowContext(currency="USD", payroll=doubled)) == \
        pay_of(kept, doubled, doubled.brackets_for("USD"))
    # Working out the pay for another context leaves the stored columns as they were.
    assert {key: sheet.columns[key] for key in PAY_KEYS} == stored


def test_boiled_down_pay_is_worked_out_in_the_workbooks_currency(
    validate: Validate, config: OrgConfig
) -> None:
    # The pay groups and each employee's amounts use the currency the consolidation
    # converts from, as "what changed" does, even where validating used other text.
    result = validate(clean_department())  # validated as a USD department
    kept = [as_read("Payroll", row) for row in clean_department().rows["Payroll"]]
    for currency, brackets in (("USD", config.payroll.brackets_for("USD")), ("VND", VND_BRACKETS)):
        partial = FilePartial(Path("x.xlsx"), "", 0, datetime(2026, 10, 31), currency=currency)
        _boil_down(partial, result, config, keep_personal=False)
        pay = pay_of(kept, config.payroll, brackets)
        taxed = sum((sums[PAY_FIELDS.index("income_tax")] for _, sums in partial.pay_groups.values()),
                    Decimal(0))
        assert taxed == sum(pay["income_tax"], Decimal(0)), currency
        assert [employee.pay[PAY_FIELDS.index("net_pay")] for employee in partial.employees] == \
            pay["net_pay"], currency
        assert sum(count for count, _ in partial.pay_groups.values()) == len(kept)


# 6 --------------------------------------------------------------------------------------------


def test_a_key_cell_that_did_not_coerce_is_not_in_a_duplicate_group(validate: Validate) -> None:
    dept = clean_department()
    budget = dept.rows["Budget"]
    code = budget[1]["Account Code"]
    budget[3].update({"Account Code": code, "Period": "October"})  # A5: Period unreadable
    budget[5]["Account Code"] = code
    payroll = dept.rows["Payroll"]
    payroll[1]["Employee ID"] = Formula("=#REF!", "#REF!")  # A3 and A5: no ID read, and
    payroll[3]["Employee ID"] = Formula("=#REF!", "#REF!")  # not duplicates of each other
    result = validate(dept)
    duplicate = ("Period and Account Code 2026-10 / 6110 appears more than once (also in row "
                 "{}); each must be unique, so none of these rows is counted")
    assert issues_of(result, "Budget") == [
        ("A5", "not-a-month", "Period is October; it must be a month written YYYY-MM, e.g. 2026-10"),
        ("B3", "duplicate-key", duplicate.format(7)),
        ("B7", "duplicate-key", duplicate.format(3)),
    ]
    assert result.sheets["Budget"].row_numbers == [2, 4, 6, 8, 9]
    ref = "Employee ID shows the Excel error #REF!; correct the formula or type the value"
    assert issues_of(result, "Payroll") == [("A3", "excel-error", ref), ("A5", "excel-error", ref)]
    assert result.sheets["Payroll"].row_numbers == [2, 4, 6, 7]


# 7 --------------------------------------------------------------------------------------------


def test_date_alone_start_and_end_are_whole_days(validate: Validate) -> None:
    dept = clean_department()
    rows = dept.rows["Schedule"]
    rows[1]["Attendees"] = "many"  # rejected before the whole-day rows
    rows[2].update({"Start": date(2026, 10, 9), "End": date(2026, 10, 9)})
    # End a date alone on Start's day: until midnight, so after a 09:00 Start.
    rows[3].update({"Start": datetime(2026, 10, 12, 9), "End": date(2026, 10, 12)})
    result = validate(dept)
    assert [(cell, rule) for cell, rule, _ in issues_of(result, "Schedule")] == \
        [("H3", "not-a-number")]
    sheet = result.sheets["Schedule"]
    assert sheet.row_numbers == [2, 4, 5, 6]
    expected = [
        (rows[0]["Start"], rows[0]["End"]),
        (datetime(2026, 10, 9), datetime(2026, 10, 10)),
        (datetime(2026, 10, 12, 9), datetime(2026, 10, 13)),
        (rows[4]["Start"], rows[4]["End"]),
    ]
    assert list(zip(sheet.columns["start"], sheet.columns["end"], strict=True)) == expected
    assert all(type(value) is datetime for value in sheet.columns["start"] + sheet.columns["end"])
    assert [(r.start, r.end) for _, r in sheet.records] == expected  # type: ignore[attr-defined]


# 8 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("currency", "rejected"), [("USD", True), ("VND", False)])
def test_negative_net_pay_is_reported_at_deductions(
    validate: Validate, currency: str, rejected: bool
) -> None:
    dept = clean_department(currency=currency)
    # Gross 3,000.00. USD: tax 10% over 1,000 = 200.00, net -20.00. VND: 5% = 150.00, net 30.00.
    dept.rows["Payroll"][3].update(
        {"Base Salary": 3000, "Allowances": 0, "Overtime Hours": 0, "Deductions": 2820})
    dept.rows["Payroll"][1]["Allowances"] = "n/a"  # F3: another row, rejected for itself
    result = validate(dept)
    sheet = result.sheets["Payroll"]
    negative = ("H5", "net-pay-negative",
                "Deductions is 2820; it makes Net Pay -20.00 (Gross Pay 3000.00 - Income Tax "
                "200.00 - Deductions 2820.00); Net Pay must be 0 or more")
    assert issues_of(result, "Payroll") == [
        ("F3", "not-a-number", "Allowances is n/a; it must be a number"),
        *([negative] if rejected else []),
    ]
    assert sheet.row_numbers == ([2, 4, 6, 7] if rejected else [2, 4, 5, 6, 7])
    assert min(sheet.columns["net_pay"]) >= 0
    if not rejected:
        assert sheet.columns["net_pay"][2] == Decimal("30.00")


@pytest.mark.parametrize(("key", "values", "secrets"), [
    ("base_salary", [Decimal("-4321.09"), "4321.09", 4321.09], ("4321.09", "4321,09")),
    ("allowances", [Decimal("-98765.43"), 98765.43], ("98765.43",)),
    ("overtime_hours", [Decimal("250.25"), Decimal("-3.75")], ("250.25", "3.75")),
    ("deductions", [Decimal("-555.55"), "555.55"], ("555.55",)),
    ("employment_type", ["Secret Intern"], ("Secret Intern",)),
    ("full_name", [4321.09, None], ("4321.09",)),
    ("bank_account", [7000123456789], ("7000123456789",)),
])
def test_column_errors_never_show_payroll_figures(
    key: str, values: list[object], secrets: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        PAYROLL.field_adapters[key].validate_python(values)
    assert len(caught.value.errors()) == len(values)
    text = str(caught.value) + repr(caught.value)
    for secret in secrets:
        assert secret not in text


# A sheet with no row left (a defect found while writing these tests) ----------------------------


@pytest.mark.parametrize("payroll", ["no rows", "every row bad"])
def test_a_payroll_sheet_without_a_row_left_is_still_consolidated(
    write: WriteDept, config: OrgConfig, payroll: str
) -> None:
    dept = clean_department()
    if payroll == "no rows":
        dept.rows["Payroll"] = []
    else:
        for row in dept.rows["Payroll"]:
            row["Base Salary"] = -1
    partial = read_partial(write(dept), config, TODAY)
    assert partial.failure is None, partial.failure.message if partial.failure else ""
    read = len(dept.rows["Payroll"])
    assert [(c.read, c.accepted, c.rejected) for c in partial.counts if c.sheet == "Payroll"] == \
        [(read, 0, read)]
    assert (partial.pay_groups, partial.employees) == ({}, [])


def test_a_kind_must_say_what_its_rules_and_derived_columns_read() -> None:
    from dataclasses import replace

    from addin.kinds.base import RowRule

    with pytest.raises(ValueError, match="derive and derived_from go together"):
        replace(PAYROLL, derived_from=())
    with pytest.raises(ValueError, match="must name input columns"):
        replace(PAYROLL, rules=(RowRule("x", "deductions", ("net_pay",), lambda rows, ctx: ()),))
