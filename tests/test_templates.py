"""Department workbook templates: read back by the project's own validator, and inspected.

The templates are written by :func:`addin.templates.write_department_workbook`
and read back two ways: through :func:`addin.validation.workbook.validate_workbook`
(the contract's reader, python-calamine) and through openpyxl, for what the
validator does not look at: data validation, tables, protection, formats,
conditional formats, defined names and document properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
import pytest

from addin.columns import ColumnType, ComputedColumn
from addin.kinds import DATA_KINDS, budget, inventory, payroll, schedule
from addin.kinds.base import RowModel, SheetKind
from addin.kinds.info import KEYS, TEMPLATE_VERSION
from addin.locales import translate
from addin.settings import PayrollSettings, load_config
from addin.templates import write_department_workbook
from addin.templates.context import table_columns
from addin.templates.formulas import formulas_for
from addin.validation.workbook import WorkbookResult, validate_workbook
from tests.templates_support import DEPARTMENT, TODAY, Row, all_rows, pay_inputs

LANGUAGES = ("en", "vi", "zh")
SHEETS = ["Info", "Budget", "Payroll", "Inventory", "Schedule", "Settings"]
FIRST_DATA_ROW = 4  # Excel row: title, hint, header, then data


def write(path: Path, **options: Any) -> Path:
    return write_department_workbook(path, **(DEPARTMENT | options))


def validate(path: Path) -> WorkbookResult:
    return validate_workbook(path, load_config(), today=TODAY)


def issues_of(result: WorkbookResult) -> list[tuple[str, str, str, str]]:
    return [(i.sheet, i.cell, i.rule, i.message) for i in result.issues]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("templates")


@pytest.fixture(scope="module", params=LANGUAGES)
def filled(request: pytest.FixtureRequest, folder: Path) -> tuple[str, Path]:
    language = request.param
    return language, write(folder / f"filled_{language}.xlsx", language=language, rows=all_rows())


@pytest.fixture(scope="module")
def filled_en(folder: Path) -> Path:
    return write(folder / "filled_en_book.xlsx", rows=all_rows())


@pytest.fixture(scope="module")
def book(filled_en: Path) -> Iterator[Any]:
    workbook = openpyxl.load_workbook(filled_en)
    yield workbook
    workbook.close()


# --- Read back by the validator ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_blank_template_validates_without_any_issue(folder: Path, language: str) -> None:
    result = validate(write(folder / f"blank_{language}.xlsx", language=language))
    assert issues_of(result) == []
    assert result.info is not None and result.info.department_code == "FIN"
    assert result.info.template_version == TEMPLATE_VERSION
    assert all(sheet.present and sheet.rows_read == 0 for sheet in result.sheets.values())
    assert result.extra_sheets == ["Settings"]


def test_filled_template_validates_and_gives_back_the_rows(filled: tuple[str, Path]) -> None:
    _, path = filled
    result = validate(path)
    assert issues_of(result) == []
    rows = all_rows()
    for name, given in rows.items():
        sheet = result.sheets[name]
        assert sheet.rows_read == len(given) and sheet.rejected == 0, name
        assert [number for number, _ in sheet.records] == [
            FIRST_DATA_ROW + i for i in range(len(given))
        ]
    budgets = records_of(result, "Budget", budget.BudgetRow)
    assert (budgets[0].account_code, budgets[0].budget, budgets[0].actual) == (
        "000123", Decimal("1200.00"), Decimal("1350.50"))
    assert budgets[4].actual is None  # blank Actual stays blank
    assert budgets[3].notes == "=unplanned renewal"  # text, not a formula
    staff = records_of(result, "Payroll", payroll.PayrollRow)
    assert (staff[2].employee_id, staff[2].overtime_hours, staff[2].allowances) == (
        "00042", Decimal("7.5"), Decimal(0))  # blank Allowances means 0
    assert staff[0].bank_account == "0071000123456"
    stock = records_of(result, "Inventory", inventory.InventoryRow)
    assert (stock[0].sku, stock[3].unit_cost, stock[3].last_counted) == (
        "000731", Decimal("3.333"), date(2026, 11, 1))
    events = records_of(result, "Schedule", schedule.ScheduleRow)
    assert (events[0].start, events[0].end) == (datetime(2026, 10, 5, 9), datetime(2026, 10, 5, 10, 30))
    assert (events[1].start, events[1].end) == (datetime(2026, 10, 30), datetime(2026, 10, 31))
    assert events[2].event_id == "007"


Model = TypeVar("Model", bound=RowModel)


def records_of(result: WorkbookResult, sheet: str, model: type[Model]) -> list[Model]:
    found = [record for _, record in result.sheets[sheet].records]
    typed = [record for record in found if isinstance(record, model)]
    assert len(typed) == len(found)
    return typed


def test_every_input_value_comes_back_exactly(filled_en: Path) -> None:
    result = validate(filled_en)
    for name, given in all_rows().items():
        kind = DATA_KINDS[name]
        for row, (_, record) in zip(given, result.sheets[name].records, strict=True):
            for key, value in row.items():
                got = getattr(record, key)
                if value is None:
                    assert got == kind.column(key).blank_default, (name, key)
                elif kind.column(key).type is ColumnType.DATETIME and type(value) is date:
                    # A date alone is the whole day: Start at its midnight, End at the next.
                    midnight = datetime.combine(value, time())
                    assert got == (midnight if key == "start" else midnight + timedelta(days=1))
                else:
                    assert got == value, (name, key, got, value)


# --- Layout, tables, formats ------------------------------------------------------------------


def test_sheets_in_contract_order_and_info_filled_in(book: Any) -> None:
    assert book.sheetnames == SHEETS
    info = book["Info"]
    found = {info.cell(r, 1).value: info.cell(r, 2).value for r in range(1, 20)}
    assert found["Department Code"] == "FIN"
    assert found["Period"] == "2026-10"
    assert found["Currency"] == "USD"
    assert found["Prepared By"] == "Lan Tran"
    assert found["Template Version"] == TEMPLATE_VERSION
    assert all(book[name].sheet_state == "visible" for name in SHEETS)


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_headers_and_info_keys_are_translated(folder: Path, language: str) -> None:
    path = write(folder / f"headers_{language}.xlsx", language=language)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == SHEETS  # sheet names stay English
    keys = [workbook["Info"].cell(r, 1).value for r in range(3, 3 + len(KEYS))]
    assert keys == [translate("Info", key.header, language) for key in KEYS]
    assert keys[0] != "Department Code"
    for kind in DATA_KINDS.values():
        table = workbook[kind.name].tables[kind.table_name]
        expected = [translate(kind.name, c.header, language) for c in table_columns(kind)]
        assert [column.name for column in table.tableColumns] == expected
    choices = workbook["Budget"].data_validations.dataValidation
    assert any(dv.formula1 == '"' + ",".join(budget.CATEGORIES) + '"' for dv in choices)


def test_each_data_sheet_is_a_named_table_with_inputs_then_computed(book: Any) -> None:
    for kind in DATA_KINDS.values():
        sheet = book[kind.name]
        table = sheet.tables[kind.table_name]
        headers = [c.name for c in table.tableColumns]
        assert headers == [c.header for c in kind.columns] + [c.header for c in kind.computed]
        first, last = table.ref.split(":")
        assert first == "A3"
        totals = 1 if kind.name in ("Budget", "Payroll", "Inventory") else 0
        assert (table.totalsRowCount or 0) == totals, kind.name
        last_row = int(re.sub(r"[A-Z]", "", last))
        assert last_row - 3 - totals >= 200  # room to fill in
        assert sheet.freeze_panes == "A4"
        assert table.tableStyleInfo.name == "TableStyleLight9"
        assert sheet["A1"].value.startswith(f"{kind.name} — FIN — 2026-10")


def test_totals_row_sums_money_amounts_only(book: Any) -> None:
    table = book["Payroll"].tables["tblPayroll"]
    functions = {c.name: c.totalsRowFunction for c in table.tableColumns}
    assert functions["Base Salary"] == "custom" and functions["Net Pay"] == "custom"
    assert functions["Hourly Rate"] is None and functions["Overtime Hours"] is None
    assert book["Payroll"].cell(204, 1).value == "Total"
    assert book["Payroll"].cell(204, 14).value == "=SUBTOTAL(109,tblPayroll[[#Data],[Net Pay]])"
    inventory_functions = {c.name: c.totalsRowFunction for c in
                           book["Inventory"].tables["tblInventory"].tableColumns}
    assert inventory_functions["Stock Value"] == "custom"
    assert inventory_functions["Unit Cost"] is None


def test_number_formats_follow_the_column_types(book: Any, folder: Path) -> None:
    money = '#,##0.00 "USD";[Red]-#,##0.00 "USD"'
    assert book["Budget"]["E4"].number_format == money  # Budget
    assert book["Budget"]["E150"].number_format == money  # a spare row too
    assert book["Budget"]["B4"].number_format == "@"  # Account Code: an identifier
    assert book["Budget"]["I4"].number_format == "0.0%"  # Variance %
    assert book["Payroll"]["A150"].number_format == "@"  # Employee ID
    assert book["Payroll"]["N4"].number_format == money  # Net Pay
    assert book["Inventory"]["K4"].number_format == "yyyy-mm-dd"
    assert book["Schedule"]["D4"].number_format == "yyyy-mm-dd hh:mm"
    assert book["Schedule"]["H4"].number_format == "0"
    vnd = openpyxl.load_workbook(write(folder / "vnd.xlsx", currency="VND"))
    assert vnd["Payroll"]["E4"].number_format == '#,##0 "VND";[Red]-#,##0 "VND"'


def test_text_stays_text(book: Any) -> None:
    budget_sheet = book["Budget"]
    assert budget_sheet["B4"].value == "000123" and budget_sheet["B4"].data_type == "s"
    assert budget_sheet["G7"].value == "=unplanned renewal" and budget_sheet["G7"].data_type == "s"


def test_column_widths_come_from_the_specs(book: Any) -> None:
    for kind in DATA_KINDS.values():
        sheet = book[kind.name]
        widths = {}  # openpyxl keeps a run of equal columns as one dimension (min..max)
        for dimension in sheet.column_dimensions.values():
            for index in range(dimension.min, dimension.max + 1):
                widths[index] = dimension.width
        for index, column in enumerate(table_columns(kind), start=1):
            assert abs(widths[index] - column.width) < 1, (kind.name, column.key)


# --- Formulas -------------------------------------------------------------------------------------

_A1_REFERENCE = re.compile(r"(?<![A-Za-z_\[])\$?[A-Z]{1,3}\$?[0-9]+(?![0-9A-Za-z_\]])")


def test_computed_columns_hold_fully_qualified_structured_references(book: Any) -> None:
    for kind in DATA_KINDS.values():
        sheet = book[kind.name]
        for offset, column in enumerate(kind.computed):
            col = len(kind.columns) + offset + 1
            formulas = {sheet.cell(row, col).value for row in range(4, 204)}
            assert len(formulas) == 1, (kind.name, column.key)  # one formula for the column
            formula = formulas.pop()
            assert formula.startswith("=") and "[@" not in formula
            assert "[[#This Row],[" in formula
            assert ",[#This Row]," not in formula.replace("[[#This Row],[", "")
            assert not _A1_REFERENCE.search(formula), formula


def test_hand_written_formulas(book: Any) -> None:
    assert book["Budget"]["H4"].value == (
        '=IF(tblBudget[[#This Row],[Actual]]="","",'
        "tblBudget[[#This Row],[Actual]]-tblBudget[[#This Row],[Budget]])"
    )
    assert book["Payroll"]["J4"].value == (
        '=IF(tblPayroll[[#This Row],[Base Salary]]="","",tblPayroll[[#This Row],[Base Salary]]/StdHours)'
    )
    assert book["Payroll"]["M4"].value == (
        '=IF(tblPayroll[[#This Row],[Gross Pay]]="","",ROUND(ROUND(SUMPRODUCT('
        "(tblPayroll[[#This Row],[Gross Pay]]>TaxLower)*(tblPayroll[[#This Row],[Gross Pay]]"
        "-TaxLower)*TaxStep),6),2))"
    )


def test_vietnamese_formulas_reference_the_translated_headers(folder: Path) -> None:
    workbook = openpyxl.load_workbook(write(folder / "vi_formulas.xlsx", language="vi"))
    assert workbook["Budget"]["H4"].value == (
        '=IF(tblBudget[[#This Row],[Thực tế]]="","",'
        "tblBudget[[#This Row],[Thực tế]]-tblBudget[[#This Row],[Ngân sách]])"
    )


def test_cached_results_are_the_python_values(filled_en: Path) -> None:
    values = openpyxl.load_workbook(filled_en, data_only=True)
    settings = PayrollSettings()
    for row_number, row in enumerate(all_rows()["Payroll"], start=4):
        pay = payroll.compute_pay(*pay_inputs(row), settings, "USD")
        cells = [values["Payroll"].cell(row_number, col).value for col in range(10, 15)]
        assert cells == [float(pay.hourly_rate), float(pay.overtime_pay), float(pay.gross_pay),
                         float(pay.income_tax), float(pay.net_pay)]
    assert values["Budget"]["H4"].value == 150.5
    assert values["Budget"]["H8"].value in ("", None)  # Actual blank: Variance blank
    assert values["Inventory"]["M5"].value == "Yes" and values["Inventory"]["M4"].value == "No"
    assert values["Payroll"]["J150"].value in ("", None)  # a spare row shows nothing
    assert values["Budget"]["E204"].value == 1200 + 3000 + 48000 + 0 + 1200 + 800


def test_a_kind_without_template_formulas_is_refused() -> None:
    kind = SheetKind("Assets", (), budget.BudgetRow,
                     computed=(ComputedColumn("book_value", "Book Value", ColumnType.MONEY),))
    with pytest.raises(LookupError, match="book_value"):
        formulas_for(kind)


# --- Settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["USD", "VND", "CNY"])
def test_settings_sheet_holds_the_brackets_of_the_currency(folder: Path, currency: str) -> None:
    workbook = openpyxl.load_workbook(write(folder / f"settings_{currency}.xlsx", currency=currency))
    sheet = workbook["Settings"]
    names = {name: workbook.defined_names[name].attr_text for name in workbook.defined_names}
    assert names["StdHours"] == "Settings!$B$4" and sheet["B4"].value == 160
    assert names["OTMultiplier"] == "Settings!$B$5" and sheet["B5"].value == 1.5
    brackets = PayrollSettings().brackets_for(currency)
    assert names["TaxLower"] == f"Settings!$A$9:$A${8 + len(brackets)}"
    assert names["TaxStep"] == f"Settings!$D$9:$D${8 + len(brackets)}"
    lower = Decimal(0)
    for row, bracket in enumerate(brackets, start=9):
        assert Decimal(str(sheet.cell(row, 1).value)) == lower
        assert Decimal(str(sheet.cell(row, 3).value)) == bracket.rate
        lower = bracket.up_to or lower
    assert sheet.protection.sheet


# --- Data validation -----------------------------------------------------------------------------


def validations(sheet: Any) -> dict[str, Any]:
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def data_range(col: int, last: int = 203) -> str:
    letter = openpyxl.utils.get_column_letter(col)
    return f"{letter}{FIRST_DATA_ROW}:{letter}{last}"


def test_every_input_column_has_its_rule_over_the_data_rows(book: Any) -> None:
    for kind in DATA_KINDS.values():
        found = validations(book[kind.name])
        assert set(found) == {data_range(i) for i in range(1, len(kind.columns) + 1)}, kind.name
        for index, column in enumerate(kind.columns, start=1):
            dv = found[data_range(index)]
            assert dv.promptTitle == column.header and column.help in dv.prompt
            assert dv.allow_blank
            if column.choices:
                assert (dv.type, dv.formula1) == ("list", '"' + ",".join(column.choices) + '"')
            if column.minimum is not None and column.type is not ColumnType.TEXT:
                assert Decimal(dv.formula1) == column.minimum
            if column.maximum is not None:
                assert Decimal(dv.formula2) == column.maximum
            if dv.type is not None:
                assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
                assert dv.error.startswith(column.header + " must be")


def test_hand_picked_rules(book: Any) -> None:
    category = validations(book["Budget"])["D4:D203"]
    assert (category.type, category.formula1) == (
        "list", '"Personnel,Operations,Travel,Training,IT,Facilities,Marketing,Capital,Other"')
    overtime = validations(book["Payroll"])["G4:G203"]
    assert (overtime.type, overtime.operator, overtime.formula1, overtime.formula2) == (
        "decimal", None, "0.0", "200.0")  # "between" is the default operator
    assert overtime.error == "Overtime Hours must be a number from 0 to 200."
    base = validations(book["Payroll"])["E4:E203"]
    assert (base.type, base.operator, base.formula1) == ("decimal", "greaterThanOrEqual", "0.0")
    counted = validations(book["Inventory"])["K4:K203"]
    assert (counted.type, counted.operator, counted.formula1) == ("date", "lessThanOrEqual", "TODAY()")
    attendees = validations(book["Schedule"])["H4:H203"]
    assert (attendees.type, attendees.operator, attendees.formula1) == (
        "whole", "greaterThanOrEqual", "0.0")
    end = validations(book["Schedule"])["E4:E203"]
    assert (end.type, end.formula1) == ("custom", "AND(ISNUMBER(E4),IF(E4=INT(E4),E4+1,E4)>D4)")
    period = validations(book["Budget"])["A4:A203"]
    assert period.type == "custom" and 'LEFT(A4,5)="2026-"' in period.formula1
    code = validations(book["Budget"])["B4:B203"]
    assert (code.type, code.formula1) == ("custom", "LEN(TRIM(B4))>0")
    assert validations(book["Budget"])["G4:G203"].type is None  # Notes: a message, no rule


def test_rules_cover_all_rows_of_a_larger_table(folder: Path) -> None:
    rows = {"Budget": [
        {"period": "2026-10", "account_code": f"{n:06d}", "account_name": f"Account {n}",
         "category": "Other", "budget": Decimal(n)} for n in range(300)]}
    path = write(folder / "large.xlsx", rows=rows)
    sheet = openpyxl.load_workbook(path)["Budget"]
    assert sheet.tables["tblBudget"].ref == "A3:I354"  # 300 rows + 50 spare + header + totals
    assert "E4:E353" in validations(sheet)
    assert issues_of(validate(path)) == []


# --- Protection, conditional formats, properties ---------------------------------------------


def test_sheets_are_protected_without_password(book: Any) -> None:
    for name in SHEETS:
        protection = book[name].protection
        assert protection.sheet and protection.password is None, name
        # In the file, False means "allowed on the protected sheet".
        assert not protection.formatColumns and not protection.formatRows
        assert not protection.sort and not protection.autoFilter and not protection.insertRows
        # The Validate button colours cells and adds notes on the protected sheets.
        assert not protection.formatCells and not protection.objects


def test_inputs_unlocked_formulas_and_keys_locked(book: Any) -> None:
    for kind in DATA_KINDS.values():
        sheet = book[kind.name]
        for row in (4, 100, 203):
            for col in range(1, len(kind.columns) + 1):
                assert not sheet.cell(row, col).protection.locked, (kind.name, row, col)
            for col in range(len(kind.columns) + 1, len(kind.columns) + len(kind.computed) + 1):
                assert sheet.cell(row, col).protection.locked, (kind.name, row, col)
        assert sheet.cell(3, 1).protection.locked  # header
    info = book["Info"]
    assert all(info.cell(row, 1).protection.locked for row in range(3, 9))
    assert info["B3"].protection.locked  # Department Code: set by the generator
    assert not info["B4"].protection.locked and not info["B7"].protection.locked


def test_conditional_formats_draw_attention(book: Any) -> None:
    def rules(sheet: str) -> dict[str, str]:
        return {str(cf.sqref): cf.rules[0].formula[0] for cf in book[sheet].conditional_formatting}

    assert rules("Budget")["H4:H203"] == "AND(ISNUMBER($H4),$H4<0)"
    assert rules("Payroll")["N4:N203"] == "AND(ISNUMBER($N4),$N4<0)"
    assert "$F4<=$H4" in rules("Inventory")["A4:M203"]
    assert "NOT(IF($E4=INT($E4),$E4+1,$E4)>$D4)" in rules("Schedule")["D4:D203"]


def test_document_properties(book: Any) -> None:
    properties = book.properties
    assert properties.title == "Finance — 2026-10"
    assert "FIN" in properties.subject and properties.creator == "Lan Tran"
    assert properties.created == datetime(2026, 10, 1)
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom == {"Department Code": "FIN", "Department Name": "Finance", "Period": "2026-10",
                      "Currency": "USD", "Language": "en", "Template Version": TEMPLATE_VERSION}


# --- Writing ---------------------------------------------------------------------------------------


def test_rebuilds_are_byte_identical(tmp_path: Path) -> None:
    first = write(tmp_path / "a.xlsx", rows=all_rows()).read_bytes()
    second = write(tmp_path / "b.xlsx", rows=all_rows()).read_bytes()
    assert first == second
    assert write(tmp_path / "c.xlsx", rows=all_rows(), prepared_by="Someone Else").read_bytes() != first


def test_writing_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "dept.xlsx"
    target.write_bytes(b"the previous workbook")
    bad: dict[str, list[Row]] = {"Budget": [{"period": "2026-10", "notes": object()}]}
    with pytest.raises(TypeError, match="cannot write"):
        write(target, rows=bad)
    assert target.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["dept.xlsx"]
    write(target)
    assert [p.name for p in tmp_path.iterdir()] == ["dept.xlsx"]
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"department_code": "fin"}, "department code"),
        ({"department_code": "F"}, "department code"),
        ({"department_name": " "}, "department name"),
        ({"period": "2026-13"}, "period"),
        ({"period": "Oct 2026"}, "period"),
        ({"currency": "XYZ"}, "currency"),
        ({"language": "fr"}, "unknown language"),
        ({"rows": {"Assets": []}}, "unknown sheet kind"),
        ({"rows": {"Budget": [{"acount_code": "1"}]}}, "acount_code"),
    ],
)
def test_arguments_the_contract_refuses(tmp_path: Path, options: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        write(tmp_path / "x.xlsx", **options)
    assert list(tmp_path.iterdir()) == []
