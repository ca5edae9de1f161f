"""Every kind of defect in a data row gives exactly one record at its cell.

The generator writes a clean department (header at row 1, so the first data
row is row 2) and plants one defect; the test asserts the whole record.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from addin.issues import Issue, Severity
from addin.reading.workbook import open_workbook
from addin.settings import OrgConfig
from addin.validation.workbook import validate_grids, validate_workbook
from tests.conftest import TODAY, Validate, WriteDept
from tests.generator import Formula, NoResult, clean_department

CATEGORIES = "Personnel, Operations, Travel, Training, IT, Facilities, Marketing, Capital, Other"

# (sheet, data row position, header, value planted, cell, rule, severity, message)
DEFECTS = [
    ("Budget", 2, "Actual", Decimal("-300"), "F4", "minimum", "error",
     "Actual is -300; it must be 0 or more"),
    ("Budget", 1, "Budget", "12%", "E3", "not-a-number", "error",
     "Budget is 12%; it must be a number"),
    ("Budget", 0, "Budget", True, "E2", "not-a-number", "error",
     "Budget is True; it must be a number, not TRUE/FALSE"),
    ("Budget", 3, "Actual", NoResult("=E5*1.1"), "F5", "formula-without-result", "error",
     "Actual is a formula whose result was not saved; open the workbook in Excel, let it "
     "calculate, and save it again"),
    ("Budget", 4, "Account Name", None, "C6", "required", "error",
     "Account Name is blank; it must be filled in"),
    ("Budget", 4, "Account Name", "   ", "C6", "required", "error",
     "Account Name is blank; it must be filled in"),
    ("Budget", 5, "Category", "Entertainment", "D7", "not-in-list", "error",
     f"Category is Entertainment; it must be one of: {CATEGORIES}"),
    ("Budget", 6, "Period", "2025-12", "A8", "period-outside-year", "error",
     "Period is 2025-12; it must be a month of 2026, the year of this workbook"),
    ("Budget", 6, "Period", "October", "A8", "not-a-month", "error",
     "Period is October; it must be a month written YYYY-MM, e.g. 2026-10"),
    ("Payroll", 0, "Allowances", "yes", "F2", "not-a-number", "error",
     "Allowances is yes; it must be a number"),
    ("Payroll", 1, "Allowances", Formula("=#REF!", "#REF!"), "F3", "excel-error", "error",
     "Allowances shows the Excel error #REF!; correct the formula or type the value"),
    ("Payroll", 1, "Deductions", Formula("=1/0", "#DIV/0!"), "H3", "excel-error", "error",
     "Deductions shows the Excel error #DIV/0!; correct the formula or type the value"),
    ("Payroll", 2, "Overtime Hours", 250, "G4", "maximum", "error",
     "Overtime Hours is 250; it must be 200 or less"),
    # So large that working out the pay to the cent would fail: said at the cell.
    ("Payroll", 2, "Base Salary", 1e27, "E4", "too-large", "error",
     "Base Salary is 1e+27; it must be smaller than 1,000,000,000,000,000 (10^15) either side "
     "of zero: Excel keeps only 15 digits of a number, so a larger one cannot be kept to the cent"),
    ("Budget", 2, "Budget", "2000000000000000", "E4", "too-large", "error",
     "Budget is 2000000000000000; it must be smaller than 1,000,000,000,000,000 (10^15) either "
     "side of zero: Excel keeps only 15 digits of a number, so a larger one cannot be kept to "
     "the cent"),
    ("Inventory", 1, "Unit Cost", 999999999999999.9, None, None, None, None),
    ("Payroll", 2, "Overtime Hours", 7.5, None, None, None, None),
    ("Payroll", 3, "Employment Type", "Intern", "D5", "not-in-list", "error",
     "Employment Type is Intern; it must be one of: Full-time, Part-time, Contractor"),
    ("Inventory", 0, "Last Counted", date(2027, 1, 4), "K2", "date-in-future", "error",
     "Last Counted is 2027-01-04; it is in the future; it must be 2026-11-15 or earlier"),
    ("Inventory", 1, "Last Counted", "last week", "K3", "not-a-date", "error",
     "Last Counted is last week; it must be a date (for example 2026-10-31)"),
    ("Inventory", 2, "Quantity On Hand", -4, "F4", "minimum", "error",
     "Quantity On Hand is -4; it must be 0 or more"),
    ("Schedule", 2, "Attendees", 2.5, "H4", "not-a-whole-number", "error",
     "Attendees is 2.5; it must be a whole number"),
]


@pytest.mark.parametrize(
    ("sheet", "position", "header", "value", "cell", "rule", "severity", "message"), DEFECTS,
    ids=[f"{d[0]}-{d[2]}-{d[5] or 'ok'}" for d in DEFECTS],
)
def test_defect_gives_exact_record(
    validate: Validate, sheet: str, position: int, header: str, value: object,
    cell: str | None, rule: str | None, severity: str | None, message: str | None,
) -> None:
    dept = clean_department()
    dept.rows[sheet][position][header] = value
    result = validate(dept)
    if rule is None:
        assert list(result.issues) == []
        return
    assert cell is not None and message is not None and severity is not None
    assert list(result.issues) == [
        Issue(str(result.path), sheet, cell, header, _shown(value), rule, message,
              Severity(severity), int(cell[1:]))
    ]
    assert result.sheets[sheet].rejected == 1
    assert result.sheets[sheet].rows_read == len(dept.rows[sheet])


def _shown(value: object) -> str:
    if isinstance(value, Formula):
        return str(value.result)
    if isinstance(value, NoResult):
        return "(formula without a saved result)"
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def test_net_pay_below_zero_is_an_error_at_deductions(validate: Validate) -> None:
    dept = clean_department()
    row = dept.rows["Payroll"][3]
    row.update({"Base Salary": 3000, "Allowances": 0, "Overtime Hours": 0, "Deductions": 5000})
    result = validate(dept)
    # USD default brackets: 0% to 1,000, then 10%: tax on 3,000 = 200.00 (by hand).
    assert [(i.cell, i.rule, i.message) for i in result.issues] == [
        ("H5", "net-pay-negative",
         "Deductions is 5000; it makes Net Pay -2200.00 (Gross Pay 3000.00 - Income Tax 200.00 "
         "- Deductions 5000.00); Net Pay must be 0 or more"),
    ]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime(2026, 10, 4, 9), datetime(2026, 10, 4, 8, 30),
         "End is 2026-10-04 08:30; it must be after Start (2026-10-04 09:00)"),
        (datetime(2026, 10, 4, 9), datetime(2026, 10, 4, 9),
         "End is 2026-10-04 09:00; it must be after Start (2026-10-04 09:00)"),
    ],
)
def test_end_must_be_after_start(
    validate: Validate, start: datetime, end: datetime, message: str
) -> None:
    dept = clean_department()
    dept.rows["Schedule"][1].update({"Start": start, "End": end})
    result = validate(dept)
    assert [(i.cell, i.rule, i.message) for i in result.issues] == [
        ("E3", "end-before-start", message)
    ]


def test_a_date_alone_means_the_whole_day(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Schedule"][0].update({"Start": date(2026, 10, 9), "End": date(2026, 10, 9)})
    result = validate(dept)
    assert list(result.issues) == []
    record = result.sheets["Schedule"].records[0][1]
    assert (record.start, record.end) == (  # type: ignore[attr-defined]
        datetime(2026, 10, 9), datetime(2026, 10, 10)
    )


def test_several_problems_in_one_row_are_all_reported(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0].update({"Category": "Food", "Budget": "lots", "Actual": -1})
    result = validate(dept)
    assert sorted((i.cell, i.rule) for i in result.issues) == [
        ("D2", "not-in-list"), ("E2", "not-a-number"), ("F2", "minimum"),
    ]
    assert result.sheets["Budget"].rejected == 1


def test_number_stored_as_text_is_accepted_with_a_warning(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0]["Budget"] = " 1,200.50 "
    result = validate(dept)
    assert [(i.cell, i.rule, i.severity, i.message) for i in result.issues] == [
        ("E2", "number-stored-as-text", Severity.WARNING,
         "Budget is  1,200.50 ; it was typed as text and read as the number 1200.50; please "
         "type it as a number"),
    ]
    row, record = result.sheets["Budget"].records[0]
    assert (row, record.budget) == (2, Decimal("1200.50"))  # type: ignore[attr-defined]


def test_duplicate_keys_reject_every_row_of_the_group(validate: Validate) -> None:
    dept = clean_department()
    budget = dept.rows["Budget"]
    budget[4]["Account Code"] = budget[1]["Account Code"]
    result = validate(dept)
    assert [(i.cell, i.rule, i.message) for i in result.issues] == [
        ("B3", "duplicate-key", "Period and Account Code 2026-10 / 6110 appears more than once "
         "(also in row 6); each must be unique, so none of these rows is counted"),
        ("B6", "duplicate-key", "Period and Account Code 2026-10 / 6110 appears more than once "
         "(also in row 3); each must be unique, so none of these rows is counted"),
    ]
    assert result.sheets["Budget"].rejected == 2


def test_duplicate_employee_id(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Payroll"][5]["Employee ID"] = " E1001 "
    result = validate(dept)
    assert [(i.cell, i.rule) for i in result.issues] == [
        ("A2", "duplicate-key"), ("A7", "duplicate-key"),
    ]


def test_id_typed_as_number_that_lost_its_zeros_is_a_warning(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Payroll"][0]["Employee ID"] = "000123"
    dept.rows["Payroll"][1]["Employee ID"] = 124
    result = validate(dept)
    assert [(i.cell, i.rule, i.severity, i.message) for i in result.issues] == [
        ("A3", "leading-zeros-lost", Severity.WARNING,
         "Employee ID 124 was typed as a number; other codes in this column have 6 digits with "
         "leading zeros (such as 000124), so its zeros were probably lost. Format the column as "
         "Text and type the code again"),
    ]
    ids = [r.employee_id for _, r in result.sheets["Payroll"].records]  # type: ignore[attr-defined]
    assert ids[:2] == ["000123", "124"]


def test_optional_blank_cells_mean_zero(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Payroll"][0].update({"Allowances": None, "Overtime Hours": None, "Deductions": None})
    result = validate(dept)
    assert list(result.issues) == []
    record = result.sheets["Payroll"].records[0][1]
    assert (record.allowances, record.overtime_hours, record.deductions) == (0, 0, 0)  # type: ignore[attr-defined]


def test_blank_actual_stays_blank(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0]["Actual"] = None
    result = validate(dept)
    record = result.sheets["Budget"].records[0][1]
    assert record.actual is None and record.variance is None  # type: ignore[attr-defined]


def test_choices_match_without_regard_to_case(validate: Validate) -> None:
    dept = clean_department()
    dept.rows["Budget"][0]["Category"] = " personnel "
    result = validate(dept)
    assert list(result.issues) == []
    assert result.sheets["Budget"].records[0][1].category == "Personnel"  # type: ignore[attr-defined]


def test_problems_far_down_a_long_sheet_are_reported_at_their_cells(validate: Validate) -> None:
    # Rows are validated in chunks of 512: errors in later chunks keep their place.
    from tests.generator import budget_rows

    dept = clean_department()
    rows = []
    for month in range(1, 13):
        for number in range(110):
            row = dict(budget_rows(f"2026-{month:02d}", count=1)[0])
            row["Account Code"] = f"6{number:03d}"
            rows.append(row)
    rows[700]["Actual"] = -5
    rows[1300]["Budget"] = -7
    dept.rows["Budget"] = rows
    result = validate(dept)
    assert [(i.cell, i.rule) for i in result.issues] == [("F702", "minimum"), ("E1302", "minimum")]
    sheet = result.sheets["Budget"]
    assert (sheet.rows_read, len(sheet.records)) == (1320, 1318)
    assert [row for row, _ in sheet.records][699:702] == [701, 703, 704]


def test_a_formula_without_result_is_found_in_pretty_printed_xml(
    write: WriteDept, config: OrgConfig
) -> None:
    # Some tools lay the sheet XML out with line breaks and indents between tags.
    dept = clean_department()
    dept.rows["Budget"][3]["Actual"] = NoResult("=E5*1.1")
    path = write(dept)
    spaced = path.with_name("spaced.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(spaced, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"><", b">\n  <")
            target.writestr(item, data)
    assert b"</f>\n  </c>" in zipfile.ZipFile(spaced).read("xl/worksheets/sheet2.xml")
    result = validate_workbook(spaced, config, today=TODAY)
    assert [(i.sheet, i.cell, i.rule) for i in result.issues] == [
        ("Budget", "F5", "formula-without-result")
    ]


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_number_that_is_not_finite_is_not_a_number(
    write: WriteDept, config: OrgConfig, number: float
) -> None:
    # An .xlsx cannot hold one, but a grid read from a live workbook (xlwings) can.
    book = open_workbook(write(clean_department()), config)
    grids = {name: book.grid(name) for name in book.sheet_names}
    budget = grids["Budget"]
    rows = [list(row) for row in budget.rows]
    rows[3][4] = number  # Budget, row 4
    grids["Budget"] = replace(budget, rows=rows)
    result = validate_grids(book.path, grids, config, TODAY, book.sheet_names)
    assert [(i.sheet, i.cell, i.column, i.rule, i.message) for i in result.issues] == [
        ("Budget", "E4", "Budget", "not-a-number", f"Budget is {number}; it must be a number")
    ]
