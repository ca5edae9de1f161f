"""Contract-level checks: sheets, header rows, columns, the Info sheet."""

from __future__ import annotations

from datetime import date

import pytest

from addin.issues import Severity
from tests.conftest import Validate, brief
from tests.generator import Department, Layout, clean_department


@pytest.mark.parametrize(
    "layout",
    [Layout(), Layout(title_rows=2), Layout(shuffle_seed=3), Layout(title_rows=1, shuffle_seed=11),
     Layout(title_rows=2, table=True, table_totals=True)],
    ids=["header-row-1", "title-rows", "shuffled", "title-and-shuffled", "excel-table"],
)
def test_clean_workbook_in_every_layout_validates_clean(validate: Validate, layout: Layout) -> None:
    dept = clean_department(layout=layout)
    result = validate(dept)
    assert list(result.issues) == []
    assert result.info is not None and result.info.department_code == "FIN"
    for sheet in ("Budget", "Payroll", "Inventory", "Schedule"):
        assert result.sheets[sheet].rows_read == len(dept.rows[sheet])
        assert len(result.sheets[sheet].records) == len(dept.rows[sheet])


def test_cells_are_named_where_they_are_in_a_shuffled_layout(validate: Validate) -> None:
    dept = clean_department(layout=Layout(title_rows=2, shuffle_seed=5))
    dept.rows["Budget"][0]["Actual"] = -1
    result = validate(dept)
    [issue] = result.issues
    columns = ["Period", "Account Code", "Account Name", "Category", "Budget", "Actual", "Notes"]
    import random
    random.Random(5).shuffle(columns)
    letter = "ABCDEFG"[columns.index("Actual")]
    assert (issue.cell, issue.row) == (f"{letter}5", 5)  # title, title, blank, header, row 5


def test_empty_sheets_with_only_a_header_are_valid(validate: Validate) -> None:
    dept = Department(rows={"Budget": [], "Payroll": [], "Inventory": [], "Schedule": []})
    result = validate(dept)
    assert list(result.issues) == []
    assert all(sheet.rows_read == 0 for sheet in result.sheets.values())


def test_blank_rows_anywhere_are_skipped(validate: Validate) -> None:
    dept = clean_department()
    rows = dept.rows["Budget"]
    dept.rows["Budget"] = [rows[0], {}, {}, rows[1], {}, *rows[2:]]
    result = validate(dept)
    assert list(result.issues) == []
    assert [row for row, _ in result.sheets["Budget"].records][:3] == [2, 5, 7]


def test_missing_required_column_names_sheet_and_column(validate: Validate) -> None:
    dept = clean_department(drop_columns={"Budget": ["Budget"]})
    result = validate(dept)
    assert [(i.sheet, i.cell, i.column, i.rule, i.message) for i in result.issues] == [
        ("Budget", "1:1", "Budget", "missing-column",
         "The required column Budget is missing from the header row (row 1); add it, spelled "
         "as in the template"),
    ]
    assert not result.sheets["Budget"].present


def test_missing_optional_column_is_fine(validate: Validate) -> None:
    dept = clean_department(drop_columns={"Payroll": ["Allowances", "Bank Account"]})
    result = validate(dept)
    assert list(result.issues) == []
    assert result.sheets["Payroll"].records[0][1].allowances == 0  # type: ignore[attr-defined]


def test_unknown_column_is_a_warning_once(validate: Validate) -> None:
    dept = clean_department(extra_columns={"Budget": ["Cost Centre"]})
    dept.rows["Budget"][0]["Cost Centre"] = "CC-1"
    result = validate(dept)
    assert [(i.cell, i.rule, i.severity, i.message) for i in result.issues] == [
        ("H1", "unknown-column", Severity.WARNING,
         "Column Cost Centre is not part of the Budget sheet; it is left out of the "
         "consolidation"),
    ]
    assert result.sheets["Budget"].rejected == 0


def test_computed_columns_are_not_unknown(validate: Validate) -> None:
    dept = clean_department(extra_columns={"Budget": ["Variance", "variance  %"]})
    dept.rows["Budget"][0]["Variance"] = 999999  # a stale cached value: never trusted
    result = validate(dept)
    assert list(result.issues) == []


def test_header_names_match_without_case_or_spaces(validate: Validate) -> None:
    dept = clean_department()
    result = validate(dept)
    assert list(result.issues) == []
    # Rewrite the Budget headers in odd spellings and read again.
    from tests.generator import HEADERS
    odd = {h: f"  {h.upper().replace(' ', '   ')} " for h in HEADERS["Budget"]}
    dept.rows["Budget"] = [{odd[k]: v for k, v in row.items()} for row in dept.rows["Budget"]]
    dept.drop_columns["Budget"] = list(HEADERS["Budget"])
    dept.extra_columns["Budget"] = list(odd.values())
    result = validate(dept)
    assert list(result.issues) == []
    assert len(result.sheets["Budget"].records) == 8


def test_header_not_found_says_which_range_was_searched(validate: Validate) -> None:
    dept = clean_department(drop_columns={"Schedule": ["Event ID", "Title", "Type", "Start",
                                                        "End", "Owner"]})
    result = validate(dept)
    assert [(i.sheet, i.rule, i.message) for i in result.issues] == [
        ("Schedule", "header-not-found",
         "No header row found in Schedule!A1:B6: looked for a row with the columns Event ID, "
         "Title, Type, Start, End, Owner"),
    ]


def test_renamed_sheet_lists_the_sheets_found(validate: Validate) -> None:
    dept = clean_department(sheet_names={"Inventory": "Stock"}, extra_sheets=("Notes",))
    result = validate(dept)
    assert [(i.sheet, i.rule, i.message) for i in result.issues] == [
        ("Inventory", "missing-sheet",
         "The sheet Inventory is missing (sheets found: Info, Budget, Payroll, Stock, Schedule, "
         "Notes)."),
    ]
    assert result.extra_sheets == ["Stock", "Notes"]


def test_misspelt_sheet_gets_a_hint(validate: Validate) -> None:
    dept = clean_department(sheet_names={"Budget": "Budgett"})
    result = validate(dept)
    assert [i.message for i in result.issues] == [
        "The sheet Budget is missing (sheets found: Info, Budgett, Payroll, Inventory, "
        "Schedule). Was Budget renamed to Budgett? Rename it back.",
    ]


def test_sheet_names_match_without_case_or_spaces(validate: Validate) -> None:
    dept = clean_department(sheet_names={"Budget": " budget ", "Info": "INFO"})
    assert list(validate(dept).issues) == []


@pytest.mark.parametrize(
    ("key", "value", "cell", "rule", "message"),
    [
        ("Template Version", 2, "B8", "template-version",
         "Template Version is 2; it must be 1; this version of backoffice reads version 1 "
         "workbooks (ask for the current template)"),
        ("Department Code", "fin dept", "B3", "pattern",
         "Department Code is fin dept; it must be 2 to 10 characters: capital letters A-Z, "
         "digits or '-'"),
        ("Currency", "XYZ", "B6", "unknown-currency",
         "Currency is XYZ; it must be an ISO 4217 currency code such as USD, VND, CNY or EUR"),
        ("Period", "Oct 2026", "B5", "not-a-month",
         "Period is Oct 2026; it must be a month written YYYY-MM, e.g. 2026-10"),
        ("Prepared By", "  ", "B7", "required", "Prepared By is blank; it must be filled in"),
    ],
)
def test_info_values_are_checked(
    validate: Validate, key: str, value: object, cell: str, rule: str, message: str
) -> None:
    dept = clean_department(info={key: value})
    result = validate(dept)
    assert [(i.sheet, i.cell, i.rule, i.message) for i in result.issues] == [
        ("Info", cell, rule, message)
    ]
    assert result.info is None


def test_missing_info_key(validate: Validate) -> None:
    result = validate(clean_department(info={"Prepared By": None}))
    assert brief(result.issues) == [("Info", "", "missing-info-key", "error")]
    assert result.issues.issues[0].message == (
        "The Info sheet has no Prepared By; put the key in column A and its value in column B"
    )


def test_info_period_may_be_a_date_cell_and_currency_lower_case(validate: Validate) -> None:
    result = validate(clean_department(info={"Period": date(2026, 10, 17), "Currency": "usd"}))
    assert list(result.issues) == []
    assert result.info is not None
    assert (result.info.period, result.info.currency) == ("2026-10", "USD")
