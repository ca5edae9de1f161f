"""The BO_ worksheet functions, run as xlwings Server runs them (no Excel, no fakes).

Every call goes through ``xlwings.server.custom_functions_call`` with the JSON
arguments Office.js sends; the arithmetic is checked with hypothesis against
the validator's own computation (the sheet kinds' row models) and, for the
income tax, against an independent bracket-by-bracket computation, bracket
edges included.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from addin.consolidation.money import to_reporting
from addin.excel import figures as org_figures
from addin.excel.arguments import UdfError
from addin.excel.config import config_path, current_config, default_config_path, forget_config
from addin.kinds import RowContext, inventory, payroll
from addin.kinds import budget as budget_kind
from addin.settings import CONFIG_ENV_VAR, OrgConfig, TaxBracket, load_config
from tests import excel_support as xs
from tests.generator import clean_department, write_workbook

udfs = xs.udfs
FUNCTIONS = (
    "BO_GROSSPAY", "BO_INCOMETAX", "BO_NETPAY", "BO_VARIANCE", "BO_VARIANCE_PCT", "BO_REORDER_QTY",
    "BO_STOCKVALUE", "BO_FX", "BO_VALIDATE", "BO_CONFLICTS", "BO_ORG",
)
PARAMETERS = {
    "BO_GROSSPAY": ["base_salary", "allowances", "overtime_hours"],
    "BO_INCOMETAX": ["gross_pay", "currency_code"],
    "BO_NETPAY": ["base_salary", "allowances", "overtime_hours", "deductions", "currency_code"],
    "BO_VARIANCE": ["actual", "budget"],
    "BO_VARIANCE_PCT": ["actual", "budget"],
    "BO_REORDER_QTY": ["on_hand", "reorder_level", "reorder_quantity"],
    "BO_STOCKVALUE": ["quantity", "unit_cost"],
    "BO_FX": ["amount", "from_currency", "to_currency", "period"],
    "BO_VALIDATE": ["table_range", "kind"],
    "BO_CONFLICTS": ["schedule_range"],
    "BO_ORG": ["metric", "department", "period"],
}
OPTIONAL = {("BO_INCOMETAX", "currency_code"), ("BO_NETPAY", "currency_code"), ("BO_ORG", "department"),
            ("BO_ORG", "period")}
TODAY = date(2026, 11, 15)
CENT = Decimal("0.01")


@pytest.fixture(autouse=True)
def no_organisation_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts from the built-in settings, wherever it runs."""
    monkeypatch.delenv(CONFIG_ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    forget_config()
    yield
    forget_config()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def use_config(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv(CONFIG_ENV_VAR, str(path))
    forget_config()


def value(result: Any) -> Any:
    """The single value of a 1x1 result."""
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def refused(name: str, *args: object) -> UdfError:
    """The problem a function raises (Office.js runtimes show it as #VALUE!/#N/A with the message)."""
    with pytest.raises(UdfError) as caught:
        xs.call_udf(name, *args)
    return caught.value


# --- Metadata: what Excel's function wizard shows ----------------------------------------------


def test_every_function_is_registered_with_its_parameters_and_help() -> None:
    meta = xs.udf_meta()
    assert sorted(meta) == sorted(FUNCTIONS)
    for name in FUNCTIONS:
        function = meta[name]
        assert function["id"] == name
        description = function["description"]
        # Desktop Excel keeps 255 characters of a description, on one line.
        assert 20 < len(description) <= 255 and "\n" not in description, name
        assert "Python function" not in description
        params = function["parameters"]
        assert [p["name"] for p in params] == PARAMETERS[name]
        for param in params:
            assert not param["description"].startswith("Positional argument"), (name, param)
            assert len(param["description"]) <= 255
            assert bool(param.get("optional")) == ((name, param["name"]) in OPTIONAL)
        assert function["options"] == {"requiresAddress": True, "requiresParameterAddresses": True}
        assert function["result"] == {"dimensionality": "matrix", "type": "any"}


def test_descriptions_name_what_the_functions_do() -> None:
    meta = xs.udf_meta()
    assert "Gross Pay" in meta["BO_GROSSPAY"]["description"]
    assert "brackets" in meta["BO_INCOMETAX"]["description"]
    assert "Net Pay" in meta["BO_NETPAY"]["description"]
    assert "exchange rates" in meta["BO_FX"]["description"]
    assert "#N/A" in meta["BO_ORG"]["description"]
    budget_help = meta["BO_VARIANCE"]["parameters"][1]["description"]
    assert budget_help == "Approved budget: a number, 0 or more."


def test_functions_are_in_their_own_category_for_desktop_excel() -> None:
    for name in FUNCTIONS:
        assert getattr(udfs, name).__xlfunc__["name"] == name
    assert udfs.CATEGORY == "backoffice"


# --- Results, as Excel receives them ------------------------------------------------------------


def test_payroll_functions_on_a_worked_example() -> None:
    # 3000 / 160 = 18.75 an hour; 5 h x 18.75 x 1.5 = 140.625 -> 140.63; gross 3240.63;
    # tax: 1000 at 0%, 2240.63 at 10% = 224.063 -> 224.06; net 3240.63 - 224.06 - 50.
    assert xs.call_udf("BO_GROSSPAY", 3000, 100, 5) == [[3240.63]]
    assert xs.call_udf("BO_INCOMETAX", 3240.63) == [[224.06]]
    assert xs.call_udf("BO_NETPAY", 3000, 100, 5, 50) == [[2966.57]]


def test_blank_allowances_overtime_and_deductions_mean_zero_as_in_the_contract() -> None:
    assert xs.call_udf("BO_GROSSPAY", 3000, "", "") == [[3000.0]]
    assert xs.call_udf("BO_GROSSPAY", 3000, None, None) == [[3000.0]]
    assert xs.call_udf("BO_NETPAY", 3000, "", "", "") == [[2800.0]]


def test_the_currency_picks_its_tax_brackets() -> None:
    # 20,000,000 VND: 5M x 5% + 5M x 10% + 8M x 15% + 2M x 20% = 2,350,000.
    assert xs.call_udf("BO_INCOMETAX", 20_000_000, "VND") == [[2_350_000.0]]
    assert xs.call_udf("BO_INCOMETAX", 20_000_000, "vnd") == [[2_350_000.0]]
    generic = value(xs.call_udf("BO_INCOMETAX", 20_000_000))
    assert generic != 2_350_000.0


def test_budget_functions() -> None:
    assert xs.call_udf("BO_VARIANCE", 1200.5, 1000) == [[200.5]]
    assert xs.call_udf("BO_VARIANCE_PCT", 1200, 1000) == [[0.2]]
    # Actual blank: the month is not closed, the Budget sheet shows nothing.
    assert xs.call_udf("BO_VARIANCE", "", 1000) == [[""]]
    assert xs.call_udf("BO_VARIANCE_PCT", "", 1000) == [[""]]
    # Budget 0: Variance % is blank, not #DIV/0!.
    assert xs.call_udf("BO_VARIANCE_PCT", 50, 0) == [[""]]


def test_inventory_functions() -> None:
    assert xs.call_udf("BO_STOCKVALUE", 12, 3.45) == [[41.4]]
    assert xs.call_udf("BO_REORDER_QTY", 20, 20, 100) == [[100.0]]  # at the level: reorder
    assert xs.call_udf("BO_REORDER_QTY", 21, 20, 100) == [[0.0]]


# --- Problems: a short message, never a traceback --------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 100, 5), "Base Salary is blank; enter a number"),
        ((None, 100, 5), "Base Salary is blank; enter a number"),
        (("3000", 100, 5), 'Base Salary is the text "3000"; type it as a number'),
        ((" 3,000.50 ", 100, 5), 'Base Salary is the text "3,000.50"; type it as a number'),
        (("three thousand", 100, 5), 'Base Salary is the text "three thousand"; enter a number'),
        ((True, 100, 5), "Base Salary is TRUE; enter a number"),
        ((-1, 100, 5), "Base Salary is -1; it must be 0 or more"),
        ((3000, 100, 250), "Overtime Hours is 250; it must be 200 or less"),
        ((3000, "#DIV/0!", 5), "Allowances shows the error #DIV/0!; correct that cell first"),
        (([[3000, 4000]], 100, 5), "Base Salary must be a single cell, not a range"),
    ],
)
def test_argument_problems_are_one_readable_sentence(args: tuple[object, ...], message: str) -> None:
    problem = refused("BO_GROSSPAY", *args)
    assert problem.message.startswith(message)
    # xlwings Lite shows str(exception), xlwings Server's handler repr(exception): both the sentence.
    assert str(problem) == problem.message
    assert repr(problem) == problem.message
    assert "Traceback" not in problem.message and "Error(" not in repr(problem)
    assert problem.code == "#VALUE!"


def test_an_error_value_from_office_js_is_named_in_the_message() -> None:
    # Office.js passes an error cell as a typed value; err_to_str turns it into its code.
    error = {"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}
    assert "#DIV/0!" in refused("BO_STOCKVALUE", [[error]], 2).message


def test_na_in_an_argument_gives_na() -> None:
    assert refused("BO_STOCKVALUE", "#N/A", 2).code == "#N/A"


def test_desktop_excel_gets_the_message_as_the_cell_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # COM UDFs would show a raised exception's traceback in the cell: the text is returned instead.
    monkeypatch.setattr(udfs, "raises_errors", lambda: False)
    assert xs.call_udf("BO_GROSSPAY", "", 100, 5) == [["#VALUE! Base Salary is blank; enter a number"]]
    assert value(xs.call_udf("BO_ORG", "Actual")).startswith("#VALUE! No organisation configuration")


def test_office_js_runtimes_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_ON_SERVER", "false")
    monkeypatch.setattr(sys, "platform", "emscripten")  # xlwings Lite runs in Pyodide
    assert udfs.raises_errors()
    monkeypatch.setattr(sys, "platform", "win32")
    assert not udfs.raises_errors()


def test_an_unexpected_failure_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero deep inside")

    monkeypatch.setattr(payroll, "compute_pay", broken)
    problem = refused("BO_GROSSPAY", 3000, 0, 0)
    assert problem.message == ("BO_GROSSPAY could not compute this (ZeroDivisionError); "
                               "please report it with the workbook")
    monkeypatch.setattr(udfs, "raises_errors", lambda: False)
    text = value(xs.call_udf("BO_GROSSPAY", 3000, 0, 0))
    assert text.startswith("#VALUE! BO_GROSSPAY could not compute this") and "\n" not in text


def test_a_broken_configuration_is_a_message_in_the_cell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_config(monkeypatch, write_config(tmp_path / "org.toml", "[payroll]\novertime_multiplier = 9\n"))
    problem = refused("BO_GROSSPAY", 3000, 0, 0)
    assert problem.message.startswith(f"{tmp_path / 'org.toml'}: 1 problem(s); payroll.overtime_multiplier: ")
    assert "\n" not in problem.message


# --- Arithmetic against the validator ----------------------------------------------------------

MONEY = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)
HOURS = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
CURRENCIES = st.sampled_from([None, "USD", "VND", "CNY"])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIG = load_config()


def validated_payroll(base: Decimal, allowances: Decimal, hours: Decimal, deductions: Decimal,
                      currency: str | None) -> payroll.PayrollRow:
    """The row as a row model (its cells' own rules checked; the pay needs no row rule)."""
    row = {"employee_id": "E1", "full_name": "A B", "position": "Clerk",
           "employment_type": "Full-time", "base_salary": base, "allowances": allowances,
           "overtime_hours": hours, "deductions": deductions}
    context = RowContext("2026-10", currency, CONFIG.payroll, TODAY)
    record = payroll.KIND.adapter.validate_python([row], context=context)[0]
    assert isinstance(record, payroll.PayrollRow)
    return record


def reference_tax(gross: Decimal, brackets: tuple[TaxBracket, ...]) -> Decimal:
    """Income tax worked out slice by slice, independently of addin.kinds.payroll."""
    tax, lower = Decimal(0), Decimal(0)
    for bracket in brackets:
        upper = gross if bracket.up_to is None else min(gross, bracket.up_to)
        if upper > lower:
            tax += (upper - lower) * bracket.rate
        if bracket.up_to is None:
            break
        lower = bracket.up_to
    return tax.quantize(CENT, rounding=ROUND_HALF_UP)


def brackets_for(currency: str | None) -> tuple[TaxBracket, ...]:
    return CONFIG.payroll.brackets_for(currency) if currency else CONFIG.payroll.tax_brackets


def excel(amount: Decimal) -> float:
    """What a number cell holding ``amount`` passes to a function."""
    return float(amount)


@FAST
@given(base=MONEY, allowances=MONEY, hours=HOURS, currency=CURRENCIES)
def test_gross_and_tax_match_the_validator(
    base: Decimal, allowances: Decimal, hours: Decimal, currency: str | None
) -> None:
    pay = validated_payroll(base, allowances, hours, Decimal(0), currency).pay(CONFIG.payroll, currency)
    assert value(xs.call_udf("BO_GROSSPAY", excel(base), excel(allowances), excel(hours))) == \
        float(pay.gross_pay)
    tax = value(xs.call_udf("BO_INCOMETAX", excel(pay.gross_pay), currency or ""))
    assert tax == float(pay.income_tax) == float(reference_tax(pay.gross_pay, brackets_for(currency)))


@FAST
@given(base=MONEY, allowances=MONEY, hours=HOURS, deductions=MONEY, currency=CURRENCIES)
def test_net_pay_matches_the_validator(
    base: Decimal, allowances: Decimal, hours: Decimal, deductions: Decimal, currency: str | None
) -> None:
    args = (excel(base), excel(allowances), excel(hours), excel(deductions), currency or "")
    result = value(xs.call_udf("BO_NETPAY", *args))
    try:
        record = validated_payroll(base, allowances, hours, deductions, currency)
    except ValidationError:
        # The validator refuses a negative Net Pay; the function shows it, as the sheet's formula does.
        gross = validated_payroll(base, allowances, hours, Decimal(0), currency).pay(CONFIG.payroll, currency)
        assert result == float(gross.net_pay - deductions) < 0
        return
    assert result == float(record.pay(CONFIG.payroll, currency).net_pay)


@st.composite
def bracket_edges(draw: st.DrawFn) -> tuple[Decimal, str | None]:
    """A gross pay on, or a cent either side of, a bracket limit of some currency."""
    currency = draw(CURRENCIES)
    limits = [b.up_to for b in brackets_for(currency) if b.up_to is not None]
    limit = draw(st.sampled_from(limits))
    return limit + draw(st.sampled_from([Decimal("-0.01"), Decimal(0), Decimal("0.01")])), currency


@FAST
@given(edge=bracket_edges())
def test_tax_at_bracket_edges(edge: tuple[Decimal, str | None]) -> None:
    gross, currency = edge
    # Reached through the pay computation too: a base salary equal to the gross, nothing else.
    pay = validated_payroll(gross, Decimal(0), Decimal(0), Decimal(0), currency).pay(CONFIG.payroll, currency)
    assert pay.gross_pay == gross
    expected = reference_tax(gross, brackets_for(currency))
    assert value(xs.call_udf("BO_INCOMETAX", excel(gross), currency or "")) == float(expected)
    assert value(xs.call_udf("BO_NETPAY", excel(gross), 0, 0, 0, currency or "")) == \
        float(gross - expected) == float(pay.net_pay)


def test_tax_is_continuous_across_each_limit() -> None:
    for currency in (None, "VND", "CNY"):
        for bracket in brackets_for(currency):
            if bracket.up_to is None:
                continue
            below = value(xs.call_udf("BO_INCOMETAX", excel(bracket.up_to), currency or ""))
            assert below == float(reference_tax(bracket.up_to, brackets_for(currency)))


@FAST
@given(actual=st.one_of(st.none(), MONEY), planned=MONEY)
def test_variance_matches_the_validator(actual: Decimal | None, planned: Decimal) -> None:
    row = {"period": "2026-10", "account_code": "6100", "account_name": "Salaries",
           "category": "Personnel", "budget": planned, "actual": actual}
    record = budget_kind.KIND.adapter.validate_python(
        [row], context=RowContext("2026-10", "USD", CONFIG.payroll, TODAY))[0]
    spent = "" if actual is None else excel(actual)
    expected = record.variance
    assert value(xs.call_udf("BO_VARIANCE", spent, excel(planned))) == \
        ("" if expected is None else float(expected))
    expected_pct = record.variance_pct
    assert value(xs.call_udf("BO_VARIANCE_PCT", spent, excel(planned))) == \
        ("" if expected_pct is None else float(expected_pct))


@FAST
@given(quantity=st.decimals(0, 100_000, places=2), cost=MONEY,
       level=st.decimals(0, 100_000, places=0), order=st.decimals(0, 100_000, places=0))
def test_stock_value_and_reorder_match_the_validator(
    quantity: Decimal, cost: Decimal, level: Decimal, order: Decimal
) -> None:
    row = {"sku": "S1", "item_name": "Paper", "category": "Stationery", "unit": "box",
           "location": "Main", "quantity_on_hand": quantity, "unit_cost": cost,
           "reorder_level": level, "reorder_quantity": order, "last_counted": date(2026, 10, 1)}
    record = inventory.KIND.adapter.validate_python(
        [row], context=RowContext("2026-10", "USD", CONFIG.payroll, TODAY))[0]
    assert value(xs.call_udf("BO_STOCKVALUE", excel(quantity), excel(cost))) == float(record.stock_value)
    expected = order if record.needs_reorder else Decimal(0)
    assert value(xs.call_udf("BO_REORDER_QTY", excel(quantity), excel(level), excel(order))) == \
        float(expected)


# --- Settings: one lookup, cached, refreshed ---------------------------------------------------

RATES = """
[organisation]
reporting_currency = "USD"
inbox = "inbox"
reports = "reports"

[rates."2026-10"]
VND = 25400
EUR = 0.92
"""


def test_the_settings_lookup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert config_path() is None  # no variable, no file: built-in defaults
    assert current_config().source is None
    fallback = default_config_path()
    assert fallback == tmp_path / "home" / ".backoffice" / "backoffice.toml"
    fallback.parent.mkdir(parents=True)
    write_config(fallback, RATES)
    forget_config()
    assert config_path() == fallback
    assert current_config().rate("2026-10", "VND") == Decimal(25400)
    named = write_config(tmp_path / "named.toml", '[organisation]\nname = "Named"\n')
    use_config(monkeypatch, named)  # the variable wins over the default file
    assert config_path() == named
    assert current_config().organisation.name == "Named"


def test_settings_are_cached_and_reread_when_the_file_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_config(tmp_path / "org.toml", RATES)
    use_config(monkeypatch, path)
    first = current_config()
    assert current_config() is first  # read once
    assert xs.call_udf("BO_FX", 25400, "VND", "USD", "2026-10") == [[1.0]]
    write_config(path, RATES.replace("VND = 25400", "VND = 25000"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert current_config() is not first
    assert xs.call_udf("BO_FX", 25000, "VND", "USD", "2026-10") == [[1.0]]


def test_fx_uses_the_organisations_rates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_config(monkeypatch, write_config(tmp_path / "org.toml", RATES))
    assert xs.call_udf("BO_FX", 254_000, "VND", "USD", "2026-10") == [[10.0]]
    assert xs.call_udf("BO_FX", 10, "USD", "VND", "2026-10") == [[254_000.0]]
    assert xs.call_udf("BO_FX", 100, "EUR", "EUR", "2026-10") == [[100.0]]
    assert xs.call_udf("BO_FX", 25_400, "VND", "EUR", "2026-10") == [[0.92]]
    # Into the reporting currency, exactly the consolidation's conversion (to the cent, half up).
    assert xs.call_udf("BO_FX", 12_827, "VND", "USD", "2026-10") == \
        [[float(to_reporting(Decimal(12_827), Decimal(25_400)))]] == [[0.51]]  # 0.505 -> 0.51
    # A date cell in the month works too; Office.js passes it as its serial number.
    serial = (date(2026, 10, 15) - date(1899, 12, 30)).days
    assert xs.call_udf("BO_FX", 254_000, "VND", "USD", serial) == [[10.0]]
    missing = refused("BO_FX", 100, "VND", "USD", "2026-11")
    assert missing.code == "#N/A"
    assert missing.message.startswith("There is no VND exchange rate for 2026-11")
    assert refused("BO_FX", 100, "VNX", "USD", "2026-10").message.startswith(
        "From currency is VNX, which is not an ISO 4217 currency code")
    assert refused("BO_FX", 100, "VND", "USD", "October").message == \
        'Period is "October"; enter a month such as 2026-10'


# --- Ranges ------------------------------------------------------------------------------------


def range_values(path: Path, sheet: str) -> list[list[object]]:
    """A sheet's cells as a range argument: Office.js passes date cells as serial numbers."""
    rows = xs.sheet_values(path, CONFIG)[sheet]
    return [[_serial(cell) for cell in row] for row in rows]


def _serial(cell: object) -> object:
    if isinstance(cell, str) and cell.endswith(".000Z"):
        moment = datetime.fromisoformat(cell[:-5])
        return (moment - datetime(1899, 12, 30)).total_seconds() / 86_400
    return cell


def test_validate_a_clean_range(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "FIN.xlsx", clean_department())
    for sheet in ("Info", "Budget", "Payroll", "Inventory", "Schedule"):
        assert xs.call_udf("BO_VALIDATE", range_values(path, sheet), sheet) == [["OK"]], sheet


def test_validate_spills_one_row_per_problem(tmp_path: Path) -> None:
    dept = clean_department()
    dept.rows["Budget"][1]["Actual"] = Decimal("-300")
    dept.rows["Budget"][2]["Budget"] = "1,200"
    dept.rows["Budget"][3]["Category"] = "Snacks"
    path = write_workbook(tmp_path / "FIN.xlsx", dept)
    result = xs.call_udf("BO_VALIDATE", range_values(path, "Budget"), "budget")
    assert result[0] == ["Cell", "Column", "Message"]
    assert [row[:2] for row in result[1:]] == [["F3", "Actual"], ["E4", "Budget"], ["D5", "Category"]]
    assert result[1][2] == "Actual is -300; it must be 0 or more"
    assert result[2][2].startswith("Warning: Budget is 1,200; it was typed as text")
    assert result[3][2].startswith("Category is Snacks; it must be one of: Personnel")


def test_validate_a_range_without_its_header() -> None:
    result = xs.call_udf("BO_VALIDATE", [["x", 1], ["y", 2]], "Payroll")
    assert result[0] == ["Cell", "Column", "Message"]
    assert result[1][2].startswith("No header row found in Payroll!A1:B2")


def test_validate_names_the_kinds_it_knows() -> None:
    assert refused("BO_VALIDATE", [["a"]], "Expenses").message == \
        'Kind is "Expenses"; use one of: Info, Budget, Payroll, Inventory, Schedule'


SCHEDULE_HEADER = ["Event ID", "Title", "Type", "Start", "End", "Location", "Owner", "Attendees"]


def serial(moment: datetime) -> float:
    return (moment - datetime(1899, 12, 30)).total_seconds() / 86_400


def test_conflicts_within_a_schedule_range() -> None:
    rows = [
        SCHEDULE_HEADER,
        ["EV-1", "Board", "Meeting", serial(datetime(2026, 10, 5, 9)), serial(datetime(2026, 10, 5, 11)),
         "Boardroom", "Linh", 8],
        ["EV-2", "Audit", "Meeting", serial(datetime(2026, 10, 5, 10)), serial(datetime(2026, 10, 5, 12)),
         " boardroom ", "Minh", 3],
        # Ends exactly when EV-2 ends, starts when EV-1 ends: overlaps EV-2 only.
        ["EV-3", "Lunch", "Other", serial(datetime(2026, 10, 5, 11)), serial(datetime(2026, 10, 5, 12)),
         "Boardroom", "An", ""],
        ["EV-4", "Clean", "Maintenance", serial(datetime(2026, 10, 5, 9)), serial(datetime(2026, 10, 5, 17)),
         "Room 101", "Bao", ""],
        ["EV-5", "No place", "Deadline", serial(datetime(2026, 10, 5, 9)), serial(datetime(2026, 10, 5, 17)),
         "", "Bao", ""],
    ]
    result = xs.call_udf("BO_CONFLICTS", rows)
    assert result == [
        ["Location", "First Event", "First Start", "First End", "Second Event", "Second Start",
         "Second End"],
        ["Boardroom", "EV-1", "2026-10-05 09:00", "2026-10-05 11:00", "EV-2", "2026-10-05 10:00",
         "2026-10-05 12:00"],
        ["boardroom", "EV-2", "2026-10-05 10:00", "2026-10-05 12:00", "EV-3", "2026-10-05 11:00",
         "2026-10-05 12:00"],
    ]


def test_no_conflicts(tmp_path: Path) -> None:
    dept = clean_department()
    path = write_workbook(tmp_path / "FIN.xlsx", dept)
    assert xs.call_udf("BO_CONFLICTS", range_values(path, "Schedule")) == [["No conflicts"]]
    assert refused("BO_CONFLICTS", [["a", "b"], [1, 2]]).message.startswith("No header row found")


# --- BO_ORG ------------------------------------------------------------------------------------


ORG_CONFIG = """
[organisation]
name = "Example Org"
inbox = "inbox"
reports = "reports"
"""


@pytest.fixture
def organisation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OrgConfig:
    root = tmp_path / "org"
    (root / "inbox").mkdir(parents=True)
    (root / "reports").mkdir()
    use_config(monkeypatch, write_config(root / "backoffice.toml", ORG_CONFIG))
    return current_config()


def consolidated(config: OrgConfig, out: Path) -> Any:
    """A real consolidation of two generated department workbooks."""
    from addin.consolidation import consolidate

    inbox = config.resolve(config.organisation.inbox)
    write_workbook(inbox / "FIN_2026-10.xlsx", clean_department())
    it = clean_department(code="IT", name="IT")
    it.rows["Budget"][0]["Actual"] = Decimal("99999.99")
    write_workbook(inbox / "IT_2026-10.xlsx", it)
    out.parent.mkdir(parents=True, exist_ok=True)
    return consolidate(inbox, out, config=config, period="2026-10", workers=1)


def test_org_without_any_report(organisation: OrgConfig) -> None:
    problem = refused("BO_ORG", "Actual", "IT", "2026-10")
    assert problem.code == "#N/A"
    assert problem.message == \
        "No organisation report for 2026-10 has been recorded yet; run Consolidate first"


def test_org_without_a_configuration() -> None:
    problem = refused("BO_ORG", "Actual")
    assert problem.message.startswith("No organisation configuration file was found")


def test_org_reads_the_consolidate_buttons_record(organisation: OrgConfig) -> None:
    reports = organisation.resolve(organisation.organisation.reports)
    run = consolidated(organisation, reports / "2026-10" / "report.xlsx")
    org_figures.record_run(org_figures.figures_from_report(run.report, run.report_path), reports)
    summary = run.report.summary.set_index("Department Code")
    assert xs.call_udf("BO_ORG", "Actual", "IT", "2026-10") == [[float(summary.loc["IT", "Actual"])]]
    assert xs.call_udf("BO_ORG", "actual", "it") == [[float(summary.loc["IT", "Actual"])]]
    assert xs.call_udf("BO_ORG", "Actual", "Finance") == [[float(summary.loc["FIN", "Actual"])]]
    total = run.report.totals["Actual"]
    assert xs.call_udf("BO_ORG", "Actual") == [[float(total)]]
    assert xs.call_udf("BO_ORG", "Events") == [[run.report.totals["Events"]]]
    assert refused("BO_ORG", "Actual", "LEGAL").message == \
        "LEGAL is not in the 2026-10 report (departments: FIN, IT)"
    assert refused("BO_ORG", "Profit").message.startswith('Metric is "Profit"; use one of: Budget, Actual')
    assert refused("BO_ORG", "Actual", "", "2026-09").code == "#N/A"


def test_org_reads_the_schedulers_history_and_its_report(organisation: OrgConfig) -> None:
    from addin.scheduling.history import SUCCEEDED, History
    from addin.scheduling.runner import RunResult

    assert org_figures.SUCCEEDED == SUCCEEDED
    report_file = organisation.resolve(Path("reports/2026-10/consolidated-2026-11-01.xlsx"))
    run = consolidated(organisation, report_file)
    history_file = organisation.resolve(organisation.scheduler.history)
    with History(history_file) as history:
        slot = datetime(2026, 11, 1, 6).astimezone()
        run_id = history.claim("month-end", slot, started=slot, period="2026-10", report_path=report_file)
        assert run_id is not None
        history.finish(run_id, SUCCEEDED, ended=slot, result=RunResult(report_file, run.sha256))
    summary = run.report.summary.set_index("Department Code")
    assert xs.call_udf("BO_ORG", "Budget", "FIN", "2026-10") == [[float(summary.loc["FIN", "Budget"])]]
    assert xs.call_udf("BO_ORG", "Items To Reorder") == [[run.report.totals["Items To Reorder"]]]
    assert value(xs.call_udf("BO_ORG", "Variance %")) == pytest.approx(float(run.report.totals["Variance %"]))
    # The history is only read: no journal left behind by a worksheet function.
    with sqlite3.connect(history_file) as check:
        assert check.execute("SELECT count(*) FROM runs").fetchone() == (1,)


# --- backoffice addin-code ---------------------------------------------------------------------


def test_addin_code_for_xlwings_lite(capsys: pytest.CaptureFixture[str]) -> None:
    from addin.cli import main

    assert main(["addin-code"]) == 0
    module = capsys.readouterr().out
    compile(module, "main.py", "exec")  # what the user pastes must be valid Python
    for name in FUNCTIONS:
        assert f"    {name},\n" in module
    assert "validate_script," in module and "clear_marks_script," in module
    # Submit and Consolidate need a shared folder: not offered in the browser.
    assert "submit_script" not in module and "consolidate_now_script" not in module


def test_addin_code_for_xlwings_server(capsys: pytest.CaptureFixture[str]) -> None:
    from addin.cli import main

    assert main(["addin-code", "--server"]) == 0
    text = capsys.readouterr().out
    assert "# Custom functions module: addin.udfs" in text
    assert "# Custom scripts module:   addin.macros" in text
    for name in ("validate_script", "submit_script", "consolidate_now_script", "clear_marks_script"):
        assert f"    {name},\n" in text
