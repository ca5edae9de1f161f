"""The report's tables, built from the selected workbooks' partial results.

Budget figures on the Summary are year to date through the report's period
(every Budget row whose month is in the period's year and not after it); the
monthly table shows every month of that year found. Variance = Actual -
Budget, so every row foots; Variance % = Variance / Budget.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import compress, repeat
from typing import Any

import pandas as pd

from addin.consolidation import model as m
from addin.consolidation.bookings import overlapping_pairs
from addin.consolidation.money import ratio, to_reporting
from addin.consolidation.partials import PAY_FIELDS, Event
from addin.consolidation.privacy import PayGroup, protect
from addin.consolidation.selection import Selection
from addin.issues import Issue, Severity

ZERO = Decimal(0)


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """Start of the period's month and of the next one."""
    year, month = int(period[:4]), int(period[5:7])
    start = datetime.combine(date(year, month, 1), time())
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime.combine(following, time())


def _frame(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(columns), dtype=object)


def budget_tables(selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Any]]]:
    """By department x category (YTD), by month (whole year), and YTD per department."""
    year, period = selection.period[:4], selection.period
    by_category: list[list[Any]] = []
    by_month: dict[str, list[Any]] = defaultdict(lambda: [ZERO, ZERO, 0])
    per_department: dict[str, list[Any]] = {}
    for included in selection.included:
        categories: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        months: dict[str, list[Any]] = defaultdict(lambda: [ZERO, ZERO, 0])
        for (month, category), (budget, actual, closed) in included.partial.budget.items():
            if month[:4] != year:
                continue
            months[month][0] += budget
            months[month][1] += actual
            months[month][2] += closed
            if month <= period:
                categories[category][0] += budget
                categories[category][1] += actual
        for category in sorted(categories):
            budget, actual = (to_reporting(v, included.rate) for v in categories[category])
            by_category.append([included.department, category, budget, actual, actual - budget])
        for month, (budget, actual, closed) in months.items():
            sums = by_month[month]
            sums[0] += to_reporting(budget, included.rate)
            sums[1] += to_reporting(actual, included.rate)
            sums[2] += closed
        ytd = [sum((v[i] for v in categories.values()), ZERO) for i in (0, 1)]
        budget, actual = (to_reporting(v, included.rate) for v in ytd)
        per_department[included.department] = [budget, actual]
    monthly = [
        [month, budget, actual if closed else None, actual - budget if closed else None]
        for month, (budget, actual, closed) in sorted(by_month.items())
    ]
    return (_frame(by_category, m.BUDGET_BY_CATEGORY_COLUMNS),
            _frame(monthly, m.BUDGET_BY_MONTH_COLUMNS), per_department)


def payroll_tables(
    selection: Selection, min_size: int, detail: bool
) -> tuple[pd.DataFrame, set[str], int, dict[str, list[Any]], pd.DataFrame | None]:
    """Aggregates by department and employment type, privacy applied."""
    groups: dict[str, dict[str, PayGroup]] = {}
    detail_rows: list[list[Any]] = []
    for included in selection.included:
        by_type = {kind: PayGroup(included.department, kind, headcount, sums)
                   for kind, (headcount, sums) in included.partial.pay_groups.items()}
        for employee in included.partial.employees:
            if employee.cell in included.rejected_employees:
                # On two departments' payrolls: counted in neither.
                group = by_type[employee.employment_type]
                group.headcount -= 1
                group.sums = tuple(a - b for a, b in zip(group.sums, employee.pay, strict=True))
                if not group.headcount:
                    del by_type[employee.employment_type]
            elif detail:
                gross, tax, deductions, net = employee.pay[3:7]
                detail_rows.append([
                    included.department, employee.employee_id, employee.full_name,
                    employee.position, employee.employment_type,
                    *(to_reporting(v, included.rate) for v in (gross, tax, deductions, net)),
                    mask_account(employee.bank_account),
                ])
        groups[included.department] = by_type
    shown, suppressed, changed = protect(groups, min_size)
    rates = {i.department: i.rate for i in selection.included}
    rows: list[list[Any]] = []
    per_department: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for group in shown:
        converted = [to_reporting(v, rates[group.department]) for v in group.sums]
        hidden = group.department in suppressed
        rows.append([group.department, group.label, group.headcount,
                     *([None] * len(converted) if hidden else converted)])
        totals = per_department[group.department]
        totals[0] += group.headcount
        totals[1] += converted[PAY_FIELDS.index("gross_pay")]
        totals[2] += converted[PAY_FIELDS.index("net_pay")]
    detail_frame = _frame(detail_rows, m.PAYROLL_DETAIL_COLUMNS) if detail else None
    return (_frame(rows, m.PAYROLL_COLUMNS), suppressed, changed, dict(per_department),
            detail_frame)


def mask_account(account: str | None) -> str | None:
    """Only the last 4 characters of a bank account are ever shown."""
    if not account:
        return None
    return "*" * max(len(account) - 4, 0) + account[-4:]


def inventory_tables(
    selection: Selection,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Any]]]:
    by_category: list[list[Any]] = []
    reorder: list[list[Any]] = []
    per_department: dict[str, list[Any]] = {}
    for included in selection.included:
        value = ZERO
        for category, (items, stock_value) in sorted(included.partial.stock.items()):
            by_category.append([included.department, category, items,
                                to_reporting(stock_value, included.rate)])
            value += stock_value
        for item in included.partial.reorder:
            reorder.append([
                included.department, item.sku, item.item_name, item.location,
                item.quantity_on_hand, item.reorder_level, item.order_quantity,
                to_reporting(item.unit_cost, included.rate),
                to_reporting(item.order_quantity * item.unit_cost, included.rate), item.supplier,
            ])
        per_department[included.department] = [to_reporting(value, included.rate),
                                               len(included.partial.reorder)]
    return (_frame(by_category, m.INVENTORY_BY_CATEGORY_COLUMNS),
            _frame(reorder, m.REORDER_COLUMNS), per_department)


def schedule_tables(selection: Selection) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[int]]]:
    """The calendar of the period (by start, department, event), every booking conflict
    (in any period), and per department [events in the period, conflicts].

    Worked a column at a time over all departments' events: a quarter of a million
    events cost no Python object each beyond what the workers sent.
    """
    start, end = month_bounds(selection.period)
    per_department: dict[str, list[int]] = {i.department: [0, 0] for i in selection.included}
    events = _event_columns(selection)
    starts, ends, departments = events["start"], events["end"], events["department"]
    in_period = [s < end and e > start for s, e in zip(starts, ends, strict=True)]
    for department, count in Counter(compress(departments, in_period)).items():
        per_department[department][0] = count
    keys = list(zip(starts, departments, events["event_id"], strict=True))
    order = sorted(compress(range(len(keys)), in_period), key=keys.__getitem__)
    calendar = pd.DataFrame({name: list(map(events[key].__getitem__, order))
                             for name, key in zip(m.CALENDAR_COLUMNS, _CALENDAR_KEYS, strict=True)},
                            columns=list(m.CALENDAR_COLUMNS), dtype=object)
    conflicts: list[list[Any]] = []
    for first, second in overlapping_pairs(events["location"], starts, ends, departments):
        conflicts.append([events["location"][first], *_side(events, first),
                          *_side(events, second)])
        per_department[departments[first]][1] += 1
        per_department[departments[second]][1] += 1
    return calendar, _frame(conflicts, m.CONFLICT_COLUMNS), per_department


_CALENDAR_KEYS = ("start", "end", "department", "event_id", "title", "type", "location", "owner",
                  "attendees")


def _event_columns(selection: Selection) -> dict[str, list[Any]]:
    """Every included workbook's events, a column at a time, with its department and file."""
    columns: dict[str, list[Any]] = {key: [] for key in (*Event._fields, "department", "file")}
    for included in selection.included:
        events = included.partial.events
        for key, values in zip(Event._fields, zip(*events, strict=True), strict=False):
            columns[key].extend(values)
        columns["department"].extend(repeat(included.department, len(events)))
        columns["file"].extend(repeat(included.partial.path.name, len(events)))
    return columns


def _side(events: dict[str, list[Any]], at: int) -> list[Any]:
    return [events["department"][at], events["event_id"][at], events["title"][at],
            events["start"][at], events["end"][at],
            f"{events['file'][at]} Schedule!{events['cell'][at]}"]


def exceptions_table(selection: Selection) -> pd.DataFrame:
    """Every problem in the workbooks that feed the report: errors first."""
    departments = {str(s.path): s.department or "" for s in selection.sources}
    issues: list[Issue] = list(selection.issues)
    for partial in [*(i.partial for i in selection.included), *selection.left_out]:
        issues.extend(partial.issues)
    issues.sort(key=lambda i: (i.severity is not Severity.ERROR, i.file, i.sheet, i.sort_key))
    rows = [[departments.get(i.file, ""), i.file, i.sheet, i.cell, i.column, i.value, i.rule,
             i.message, i.severity.value] for i in issues]
    return _frame(rows, m.EXCEPTION_COLUMNS)


def summary_table(
    selection: Selection, budget: dict[str, list[Any]], payroll: dict[str, list[Any]],
    suppressed: set[str], stock: dict[str, list[Any]], schedule: dict[str, list[int]],
) -> tuple[pd.DataFrame, dict[str, Decimal | int | None]]:
    rows: list[list[Any]] = []
    for included in sorted(selection.included, key=lambda i: i.department):
        code = included.department
        budget_total, actual = budget.get(code, [ZERO, ZERO])
        variance = actual - budget_total
        headcount, gross, net = payroll.get(code, [0, ZERO, ZERO])
        hidden = code in suppressed
        value, to_reorder = stock.get(code, [ZERO, 0])
        events, conflicts = schedule.get(code, [0, 0])
        rows.append([
            code, included.partial.department_name, included.partial.currency,
            budget_total, actual, variance, ratio(variance, budget_total), headcount,
            None if hidden else gross, None if hidden else net, value, to_reorder, events,
            conflicts,
        ])
    frame = _frame(rows, m.SUMMARY_COLUMNS)
    totals: dict[str, Decimal | int | None] = {}
    for column in ("Budget", "Actual", "Variance", "Stock Value"):
        totals[column] = sum(frame[column], ZERO)
    for column in ("Headcount", "Items To Reorder", "Events", "Booking Conflicts"):
        totals[column] = int(sum(frame[column], 0))
    # Payroll totals include suppressed departments: with at least two of them
    # hidden, the organisation total reveals no one's pay.
    totals["Gross Pay"] = sum((payroll[c][1] for c in payroll), ZERO)
    totals["Net Pay"] = sum((payroll[c][2] for c in payroll), ZERO)
    budget_total_all = totals["Budget"]
    variance_all = totals["Variance"]
    assert isinstance(budget_total_all, Decimal) and isinstance(variance_all, Decimal)
    totals["Variance %"] = ratio(variance_all, budget_total_all)
    return frame, totals
