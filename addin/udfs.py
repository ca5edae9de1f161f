"""Worksheet functions (``BO_...``) for Excel, written once against xlwings.

The same module serves desktop Excel on Windows (xlwings' COM UDFs: set
``UDF Modules`` to ``addin.udfs`` and click *Import Functions*), xlwings Server
and xlwings Lite (Office.js custom functions on Windows, macOS and the web).

Every function computes with the project's own code, from the same settings
as the validator and the templates' formulas: :func:`addin.kinds.payroll.
compute_pay`, :func:`addin.kinds.budget.variance`, ... in ``Decimal``;
only the result is handed to Excel as a float.

No traceback ever reaches a cell. A problem with an argument (a blank cell,
a number typed as text, TRUE where a number belongs, a range where one cell
belongs) is a one-sentence :class:`~addin.excel.arguments.UdfError`:

* desktop Excel shows it as the cell's text, ``#VALUE! Base Salary is blank; enter a number``;
* Office.js runtimes (xlwings Server, xlwings Lite) get it raised, which
  xlwings' JavaScript turns into a real ``#VALUE!`` error whose message shows
  on the cell's error flag.

Settings come from :func:`addin.excel.config.current_config` (one lookup,
cached, refreshed when the file changes).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TypeVar

import xlwings as xw

from addin.consolidation.money import to_reporting
from addin.errors import BackofficeError
from addin.excel import arguments as arg
from addin.excel import figures as org_figures
from addin.excel import ranges
from addin.excel.arguments import NOT_AVAILABLE, UdfError
from addin.excel.config import NoOrganisationFolder, current_config, organisation_folder
from addin.issues import Severity
from addin.kinds import budget as budget_kind
from addin.kinds import inventory, payroll
from addin.kinds.info import ISO_4217
from addin.settings import OrgConfig

logger = logging.getLogger(__name__)

Cell = Any
"""A cell's value as xlwings passes it (number, text, bool, date, None, or an error code).

Annotations are plain ``Any`` on purpose: xlwings picks a converter from each
annotation, and only a single registered type works there (``float | str``
would break the call), while the real checking happens in :mod:`addin.excel.arguments`.
"""

Result = Any
"""A function's result: a number, a text, blank (None), or a table (list of rows) to spill."""

CATEGORY: Final = "backoffice"
"""The category desktop Excel lists the functions under in the Insert Function dialog."""

_F = TypeVar("_F", bound=Callable[..., Any])


def raises_errors() -> bool:
    """Whether problems are raised (Office.js runtimes) rather than returned as cell text.

    xlwings Server sets ``XLWINGS_ON_SERVER``; xlwings Lite runs in Pyodide
    (``sys.platform == "emscripten"``). Desktop COM UDFs would show a raised
    exception's traceback in the cell, so there the message is returned as text.
    """
    return os.environ.get("XLWINGS_ON_SERVER") == "true" or sys.platform == "emscripten"


def _problem(problem: UdfError) -> Result:
    if raises_errors():
        raise problem
    return problem.cell_text


def guarded(function: _F) -> _F:
    """Turn every failure of ``function`` into a short message: never a traceback in a cell."""

    @functools.wraps(function)
    def wrapper(*values: Any) -> Result:
        try:
            return function(*values)
        except UdfError as problem:
            return _problem(problem)
        except BackofficeError as exc:  # the configuration, or a missing folder
            return _problem(UdfError(_one_line(str(exc))))
        except Exception as exc:
            # A bug: the details go to the log, the cell gets one readable line.
            logger.exception("%s failed", function.__name__)
            return _problem(
                UdfError(f"{function.__name__} could not compute this ({type(exc).__name__}); "
                         "please report it with the workbook")
            )

    return wrapper  # type: ignore[return-value]


def _one_line(text: str, limit: int = 250) -> str:
    """A multi-line message (a configuration's problems) as one line that fits a cell's note."""
    line = "; ".join(part.strip() for part in text.splitlines() if part.strip())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _money(value: Decimal | None) -> float | None:
    """Decimal to what Excel stores; blank stays blank."""
    return None if value is None else float(value)


def _config() -> OrgConfig:
    return current_config()


PAYROLL = payroll.KIND
INVENTORY = inventory.KIND
BUDGET = budget_kind.KIND


def _pay_inputs(base_salary: Cell, allowances: Cell, overtime_hours: Cell) -> tuple[Decimal, ...]:
    return (
        arg.column_number(base_salary, PAYROLL.column("base_salary")),
        arg.column_number(allowances, PAYROLL.column("allowances")),
        arg.column_number(overtime_hours, PAYROLL.column("overtime_hours")),
    )


def _tax_currency(currency: Cell) -> str | None:
    code = arg.currency(currency, "Currency", required=False)
    return code or None


# --- Payroll -------------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("base_salary", doc="Monthly base salary: a number, 0 or more.", err_to_str=True)
@xw.arg("allowances", doc="Monthly allowances: 0 or more; a blank cell means 0.", err_to_str=True)
@xw.arg("overtime_hours", doc="Overtime hours this month: 0 to 200; blank means 0.", err_to_str=True)
@guarded
def BO_GROSSPAY(base_salary: Cell, allowances: Cell, overtime_hours: Cell) -> Result:
    """Gross Pay as the Payroll sheet computes it: base salary + allowances + overtime pay at the organisation's standard hours and overtime multiplier."""  # noqa: E501 - one line: Excel shows it as is
    base, extra, hours = _pay_inputs(base_salary, allowances, overtime_hours)
    pay = payroll.compute_pay(base, extra, hours, Decimal(0), _config().payroll)
    return _money(pay.gross_pay)


@xw.func(category=CATEGORY)
@xw.arg("gross_pay", doc="Gross Pay for the month: a number, 0 or more.", err_to_str=True)
@xw.arg("currency_code", doc="Optional: the workbook's currency (Info sheet), which picks the tax brackets.",
        err_to_str=True)
@guarded
def BO_INCOMETAX(gross_pay: Cell, currency_code: Cell = None) -> Result:
    """Income Tax on a Gross Pay with the organisation's progressive brackets (those of the currency if given), rounded to the cent."""  # noqa: E501 - one line: Excel shows it as is
    gross = arg.number(gross_pay, "Gross Pay", minimum=Decimal(0))
    settings = _config().payroll
    code = _tax_currency(currency_code)
    brackets = settings.brackets_for(code) if code else settings.tax_brackets
    return _money(payroll.income_tax(gross, brackets))


@xw.func(category=CATEGORY)
@xw.arg("base_salary", doc="Monthly base salary: a number, 0 or more.", err_to_str=True)
@xw.arg("allowances", doc="Monthly allowances: 0 or more; a blank cell means 0.", err_to_str=True)
@xw.arg("overtime_hours", doc="Overtime hours this month: 0 to 200; blank means 0.", err_to_str=True)
@xw.arg("deductions", doc="Other deductions: 0 or more; a blank cell means 0.", err_to_str=True)
@xw.arg("currency_code", doc="Optional: the workbook's currency (Info sheet), which picks the tax brackets.",
        err_to_str=True)
@guarded
def BO_NETPAY(
    base_salary: Cell, allowances: Cell, overtime_hours: Cell, deductions: Cell,
    currency_code: Cell = None,
) -> Result:
    """Net Pay as the Payroll sheet computes it: Gross Pay - Income Tax - Deductions (negative if the deductions are too high)."""  # noqa: E501 - one line: Excel shows it as is
    base, extra, hours = _pay_inputs(base_salary, allowances, overtime_hours)
    taken = arg.column_number(deductions, PAYROLL.column("deductions"))
    pay = payroll.compute_pay(base, extra, hours, taken, _config().payroll, _tax_currency(currency_code))
    return _money(pay.net_pay)


# --- Budget --------------------------------------------------------------------------------------


def _budget_inputs(actual: Cell, amount: Cell) -> tuple[Decimal | None, Decimal]:
    planned = arg.column_number(amount, BUDGET.column("budget"))
    if arg.is_blank(arg.single(actual, "Actual")):
        return None, planned  # a month not yet closed: blank, as on the Budget sheet
    return arg.column_number(actual, BUDGET.column("actual")), planned


@xw.func(category=CATEGORY)
@xw.arg("actual", doc="Actual spending: 0 or more; blank while the month is not closed.", err_to_str=True)
@xw.arg("budget", doc="Approved budget: a number, 0 or more.", err_to_str=True)
@guarded
def BO_VARIANCE(actual: Cell, budget: Cell) -> Result:
    """Variance = Actual - Budget, as on the Budget sheet; blank while Actual is blank."""
    spent, planned = _budget_inputs(actual, budget)
    return _money(budget_kind.variance(spent, planned))


@xw.func(category=CATEGORY)
@xw.arg("actual", doc="Actual spending: 0 or more; blank while the month is not closed.", err_to_str=True)
@xw.arg("budget", doc="Approved budget: a number, 0 or more.", err_to_str=True)
@guarded
def BO_VARIANCE_PCT(actual: Cell, budget: Cell) -> Result:
    """Variance % = (Actual - Budget) / Budget as a fraction (format the cell as %); blank when Budget is 0 or Actual is blank."""  # noqa: E501 - one line: Excel shows it as is
    spent, planned = _budget_inputs(actual, budget)
    return _money(budget_kind.variance_pct(spent, planned))


# --- Inventory -----------------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("on_hand", doc="Quantity on hand: a number, 0 or more.", err_to_str=True)
@xw.arg("reorder_level", doc="Reorder when stock falls to this level: 0 or more.", err_to_str=True)
@xw.arg("reorder_quantity", doc="How much to order each time: 0 or more.", err_to_str=True)
@guarded
def BO_REORDER_QTY(on_hand: Cell, reorder_level: Cell, reorder_quantity: Cell) -> Result:
    """How much to order now: the Reorder Quantity when the quantity on hand is at or below the Reorder Level, else 0."""  # noqa: E501 - one line: Excel shows it as is
    quantity = arg.column_number(on_hand, INVENTORY.column("quantity_on_hand"))
    level = arg.column_number(reorder_level, INVENTORY.column("reorder_level"))
    order = arg.column_number(reorder_quantity, INVENTORY.column("reorder_quantity"))
    return _money(inventory.suggested_order(quantity, level, order))


@xw.func(category=CATEGORY)
@xw.arg("quantity", doc="Quantity on hand: a number, 0 or more.", err_to_str=True)
@xw.arg("unit_cost", doc="Cost of one unit: a number, 0 or more.", err_to_str=True)
@guarded
def BO_STOCKVALUE(quantity: Cell, unit_cost: Cell) -> Result:
    """Stock Value = Quantity On Hand x Unit Cost, as on the Inventory sheet."""
    count = arg.column_number(quantity, INVENTORY.column("quantity_on_hand"))
    cost = arg.column_number(unit_cost, INVENTORY.column("unit_cost"))
    return _money(inventory.stock_value(count, cost))


# --- Exchange rates ------------------------------------------------------------------------------


def convert_amount(amount: Decimal, source: str, target: str, period: str, config: OrgConfig) -> Decimal:
    """``amount`` in ``source`` currency expressed in ``target``, at ``period``'s rates, to the cent.

    Rates are units of a currency per one unit of the reporting currency, so
    the amount goes through the reporting currency. Into the reporting
    currency this is exactly the consolidation's conversion
    (:func:`addin.consolidation.money.to_reporting`).
    """
    rates: list[Decimal] = []
    for code in (source, target):
        rate = config.rate(period, code)
        if rate is None:
            raise UdfError(
                f"There is no {code} exchange rate for {period} in the organisation configuration "
                f"([rates.\"{period}\"] {code} = ...)",
                NOT_AVAILABLE,
            )
        rates.append(rate)
    if source == target:
        return amount
    if target == config.organisation.reporting_currency:
        return to_reporting(amount, rates[0])
    return payroll.round_cents(amount / rates[0] * rates[1])


def _iso_currency(raw: Cell, label: str) -> str:
    code = arg.currency(raw, label)
    if code not in ISO_4217:
        raise UdfError(f"{label} is {code}, which is not an ISO 4217 currency code such as USD, VND or EUR")
    return code


@xw.func(category=CATEGORY)
@xw.arg("amount", doc="The amount to convert (may be negative).", err_to_str=True)
@xw.arg("from_currency", doc="Its currency code, e.g. VND.", err_to_str=True)
@xw.arg("to_currency", doc="The currency wanted, e.g. USD.", err_to_str=True)
@xw.arg("period", doc="The month whose rates apply: 2026-10, or a date in that month.", err_to_str=True)
@guarded
def BO_FX(amount: Cell, from_currency: Cell, to_currency: Cell, period: Cell) -> Result:
    """Converts an amount between currencies with the organisation's exchange rates for the month, rounded to the cent as the consolidation does."""  # noqa: E501 - one line: Excel shows it as is
    value = arg.number(amount, "Amount")
    source = _iso_currency(from_currency, "From currency")
    target = _iso_currency(to_currency, "To currency")
    month = arg.month(period, "Period")
    return _money(convert_amount(value, source, target, month, _config()))


# --- Ranges --------------------------------------------------------------------------------------

VALIDATE_HEADER: Final = ["Cell", "Column", "Message"]
CONFLICT_HEADER: Final = ["Location", "First Event", "First Start", "First End",
                          "Second Event", "Second Start", "Second End"]


def _kind(raw: Cell) -> str:
    name = arg.text(raw, "Kind")
    if name.casefold() not in {k.casefold() for k in ranges.known_kinds()}:
        raise UdfError(f'Kind is "{name}"; use one of: {", ".join(ranges.known_kinds())}')
    return name


@xw.func(category=CATEGORY)
@xw.arg("table_range", ndim=2, err_to_str=True,
        doc="The range to check, its header row included (e.g. Budget!A3:I200 or tblBudget[#All]).")
@xw.arg("kind", doc="The sheet kind: Info, Budget, Payroll, Inventory or Schedule.", err_to_str=True)
@guarded
def BO_VALIDATE(table_range: Cell, kind: Cell) -> Result:
    """Checks a range (with its header row) as a sheet of the given kind and lists each problem (cell, column, message), or returns OK. Cells count from the range's first cell."""  # noqa: E501 - one line: Excel shows it as is
    name = _kind(kind)
    check = ranges.check_range(arg.grid_rows(table_range), name, _config())
    if not check.issues:
        return "OK"
    rows: list[list[str]] = [list(VALIDATE_HEADER)]
    for issue in check.issues:
        prefix = "Warning: " if issue.severity is Severity.WARNING else ""
        rows.append([issue.cell, issue.column, prefix + issue.message])
    return rows


@xw.func(category=CATEGORY)
@xw.arg("schedule_range", ndim=2, err_to_str=True,
        doc="A Schedule range with its header row (e.g. Schedule!A3:H200 or tblSchedule[#All]).")
@guarded
def BO_CONFLICTS(schedule_range: Cell) -> Result:
    """Lists the booking conflicts in a Schedule range: two events at the same location whose times overlap. Rows with errors are left out (see BO_VALIDATE)."""  # noqa: E501 - one line: Excel shows it as is
    check = ranges.check_range(arg.grid_rows(schedule_range), "Schedule", _config())
    if check.sheet is None:
        first = check.issues[0].message if check.issues else "no Schedule header row found"
        raise UdfError(first)
    conflicts = ranges.booking_conflicts(ranges.schedule_bookings(check))
    if not conflicts:
        return "No conflicts"
    rows: list[list[str]] = [list(CONFLICT_HEADER)]
    for conflict in conflicts:
        a, b = conflict.first.event, conflict.second.event
        rows.append([
            conflict.location,
            a.event_id, ranges.shown_moment(a.start), ranges.shown_moment(a.end),
            b.event_id, ranges.shown_moment(b.start), ranges.shown_moment(b.end),
        ])
    return rows


# --- The organisation report ---------------------------------------------------------------------


def _report_sources(config: OrgConfig) -> dict[str, Path | None]:
    """The reports folder (the Consolidate button's record) and the scheduler's history file."""
    if config.source is None and not config.organisation.reports.is_absolute():
        organisation_folder(config, "reports")  # raises: says how to name the configuration
    try:
        reports: Path | None = organisation_folder(config, "reports")
    except NoOrganisationFolder:
        reports = None  # not there (yet): the scheduler's reports may still answer
    history = config.scheduler.history
    if not history.is_absolute() and config.source is None:
        return {"reports": reports, "history": None}
    return {"reports": reports, "history": config.resolve(history)}


@xw.func(category=CATEGORY)
@xw.arg("metric", doc="A Summary column: Budget, Actual, Variance, Variance %, Headcount, Gross Pay, "
        "Net Pay, Stock Value, Items To Reorder, Events or Booking Conflicts.", err_to_str=True)
@xw.arg("department", doc="Optional: a department code or name; blank for the organisation's total.",
        err_to_str=True)
@xw.arg("period", doc="Optional: the month, e.g. 2026-10; blank for the latest report.", err_to_str=True)
@guarded
def BO_ORG(metric: Cell, department: Cell = None, period: Cell = None) -> Result:
    """A figure from the latest organisation report (e.g. total Actual of IT in 2026-10), in the reporting currency; #N/A when there is no such report."""  # noqa: E501 - one line: Excel shows it as is
    wanted = arg.text(metric, "Metric")
    column = org_figures.metric_named(wanted)
    if column is None:
        raise UdfError(f'Metric is "{wanted}"; use one of: {", ".join(org_figures.METRICS)}')
    who = arg.text(department, "Department", required=False)
    month = arg.month(period, "Period", required=False) or None
    found = org_figures.latest_figures(**_report_sources(_config()), period=month)
    if found is None:
        when = f" for {month}" if month else ""
        raise UdfError(f"No organisation report{when} has been recorded yet; run Consolidate first",
                       NOT_AVAILABLE)
    if not who:
        value = found.totals.get(column)
        whose = "the organisation"
    else:
        code = org_figures.department_code(found, who)
        if code is None:
            listed = ", ".join(sorted(found.departments)) or "none"
            raise UdfError(f"{who} is not in the {found.period} report (departments: {listed})",
                           NOT_AVAILABLE)
        value = found.departments[code].get(column)
        whose = code
    if value is None:
        raise UdfError(f"The {found.period} report has no {column} for {whose}", NOT_AVAILABLE)
    return value if isinstance(value, int) else float(value)

