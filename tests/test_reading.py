"""How cell contents are read: dates, numbers, totals rows, merged and hidden rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.issues import Severity
from tests.conftest import TODAY, Validate
from tests.generator import Department, Layout, Serial, clean_department, write_workbook


def test_excel_table_totals_row_is_never_data(validate: Validate) -> None:
    dept = clean_department(layout=Layout(table=True, table_totals=True))
    result = validate(dept)
    assert list(result.issues) == []
    assert result.sheets["Budget"].rows_read == 8


def test_a_row_labelled_total_is_skipped_with_a_warning(validate: Validate) -> None:
    dept = clean_department(layout=Layout(total_label_row=True))
    result = validate(dept)
    budget = [i for i in result.issues if i.sheet == "Budget"]
    assert [(i.cell, i.rule, i.severity, i.message) for i in budget] == [
        ("A10", "totals-row-skipped", Severity.WARNING,
         "Row 10 is a totals row; it is not counted as data"),
    ]
    assert result.sheets["Budget"].rows_read == 8


def test_merged_cells_warn_and_the_blank_rows_are_errors(validate: Validate) -> None:
    dept = clean_department(merge={"Budget": "D2:D4"})
    result = validate(dept)
    assert [(i.cell, i.rule, i.severity.value) for i in result.issues if i.sheet == "Budget"] == [
        ("D2", "merged-cells", "warning"),
        ("D3", "required", "error"), ("D4", "required", "error"),
    ]
    merged = next(i for i in result.issues if i.rule == "merged-cells")
    assert merged.message == (
        "Cells D2:D4 are merged; only the first cell holds a value, so the other rows read as "
        "blank. Unmerge them and fill in every row"
    )


def test_hidden_rows_are_still_read(validate: Validate) -> None:
    dept = clean_department(hidden_rows={"Payroll": [1, 2]})
    dept.rows["Payroll"][2]["Base Salary"] = -5
    result = validate(dept)
    assert [(i.cell, i.rule) for i in result.issues] == [("E4", "minimum")]
    assert result.sheets["Payroll"].rows_read == 6


def test_serial_numbers_and_text_dates_in_date_columns(validate: Validate) -> None:
    dept = clean_department()
    # 2026-10-14: serial 45658 is 2025-01-01, then 365 + 286 days.
    dept.rows["Inventory"][0]["Last Counted"] = Serial(46309)
    dept.rows["Inventory"][1]["Last Counted"] = "2026-10-15"
    dept.rows["Schedule"][0]["Start"] = Serial(46309.375)  # 09:00
    dept.rows["Schedule"][0]["End"] = "2026-10-14T10:30"
    result = validate(dept)
    assert list(result.issues) == []
    counted = [r.last_counted for _, r in result.sheets["Inventory"].records]  # type: ignore[attr-defined]
    assert counted[:2] == [date(2026, 10, 14), date(2026, 10, 15)]
    event = result.sheets["Schedule"].records[0][1]
    assert (event.start, event.end) == (  # type: ignore[attr-defined]
        datetime(2026, 10, 14, 9), datetime(2026, 10, 14, 10, 30)
    )


def test_1904_date_system_is_honoured(validate: Validate) -> None:
    dept = clean_department(date1904=True)
    # 2026-10-14: 1,462 days less than its serial in the 1900 system.
    dept.rows["Inventory"][0]["Last Counted"] = Serial(44847)
    result = validate(dept)
    assert list(result.issues) == []
    records = result.sheets["Inventory"].records
    assert records[0][1].last_counted == date(2026, 10, 14)  # type: ignore[attr-defined]
    assert records[1][1].last_counted == date(2026, 10, 28)  # type: ignore[attr-defined]


def test_budget_period_as_a_date_cell(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0]["Period"] = date(2026, 10, 1)
    result = validate(dept)
    assert list(result.issues) == []
    assert result.sheets["Budget"].records[0][1].period == "2026-10"  # type: ignore[attr-defined]


def test_money_is_exact_decimal(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0].update({"Budget": 0.1, "Actual": 1234567.89})
    result = validate(dept)
    record = result.sheets["Budget"].records[0][1]
    assert (record.budget, record.actual) == (Decimal("0.1"), Decimal("1234567.89"))  # type: ignore[attr-defined]
    assert record.variance == Decimal("1234567.79")  # type: ignore[attr-defined]


# --- Round trip: any valid row written to a workbook reads back equal ------------------------

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1, max_size=30,
).filter(lambda s: s.strip() == s and not s.lower().startswith(("total", "sum")))
codes = st.from_regex(r"[0-9]{1,8}|[A-Z][A-Z0-9-]{0,9}", fullmatch=True)
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
quantity = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False,
                       allow_infinity=False)
days = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)

payroll_row = st.fixed_dictionaries({
    "Employee ID": codes, "Full Name": text, "Position": text,
    "Employment Type": st.sampled_from(("Full-time", "Part-time", "Contractor")),
    "Base Salary": money, "Allowances": money,
    "Overtime Hours": st.decimals(min_value=0, max_value=200, places=2),
    "Deductions": st.just(Decimal(0)), "Bank Account": codes,
})
inventory_row = st.fixed_dictionaries({
    "SKU": codes, "Item Name": text, "Category": text, "Unit": text, "Location": text,
    "Quantity On Hand": quantity, "Unit Cost": money, "Reorder Level": quantity,
    "Reorder Quantity": quantity, "Supplier": text, "Last Counted": days,
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payroll=st.lists(payroll_row, min_size=1, max_size=4, unique_by=lambda r: r["Employee ID"]),
       inventory=st.lists(inventory_row, min_size=1, max_size=4, unique_by=lambda r: r["SKU"]))
def test_valid_rows_read_back_equal(
    tmp_path_factory: object, payroll: list[dict[str, object]], inventory: list[dict[str, object]]
) -> None:
    from addin.settings import load_config
    from addin.validation.workbook import validate_workbook

    folder = tmp_path_factory.mktemp("roundtrip")  # type: ignore[attr-defined]
    dept = Department(rows={"Payroll": payroll, "Inventory": inventory, "Budget": [],
                            "Schedule": []})
    result = validate_workbook(write_workbook(folder / "rt.xlsx", dept), load_config(), TODAY)
    errors = [i for i in result.issues if i.severity is Severity.ERROR]
    # A huge deduction-free payroll row can only fail on Net Pay; there are no deductions.
    assert errors == []
    got_payroll = [record.model_dump() for _, record in result.sheets["Payroll"].records]
    assert got_payroll == [_expected_payroll(row) for row in payroll]
    got_inventory = [record.model_dump() for _, record in result.sheets["Inventory"].records]
    assert got_inventory == [_expected_inventory(row) for row in inventory]


def _expected_payroll(row: dict[str, object]) -> dict[str, object]:
    return {
        "employee_id": row["Employee ID"], "full_name": row["Full Name"],
        "position": row["Position"], "employment_type": row["Employment Type"],
        "base_salary": row["Base Salary"], "allowances": row["Allowances"],
        "overtime_hours": row["Overtime Hours"], "deductions": row["Deductions"],
        "bank_account": row["Bank Account"],
    }


def _expected_inventory(row: dict[str, object]) -> dict[str, object]:
    return {
        "sku": row["SKU"], "item_name": row["Item Name"], "category": row["Category"],
        "unit": row["Unit"], "location": row["Location"],
        "quantity_on_hand": row["Quantity On Hand"], "unit_cost": row["Unit Cost"],
        "reorder_level": row["Reorder Level"], "reorder_quantity": row["Reorder Quantity"],
        "supplier": row["Supplier"], "last_counted": row["Last Counted"],
    }
