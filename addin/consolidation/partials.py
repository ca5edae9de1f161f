"""One workbook boiled down to what the organisation report needs.

This runs in worker processes: a workbook is read and validated there, and
only its partial results travel back (sums per group, and the few rows the
report lists one by one), because shipping a million validated rows
between processes would cost more than reading them. Sheets are boiled down a
column at a time, as validation leaves them.

Sums are exact ``Decimal`` in the department's own currency; conversion to
the reporting currency happens once, in the parent, on these exact totals.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from itertools import compress, repeat
from pathlib import Path
from typing import Any, NamedTuple

from addin.consolidation.changes import Candidates, Comparison, compare_with, snapshot
from addin.consolidation.model import SheetCount
from addin.consolidation.packing import maker, pack_rows, unpack_rows
from addin.consolidation.workers import Task, WorkerDied, alone, cycle_collection_paused
from addin.errors import NotAWorkbook, ReaderStopped, WorkbookError
from addin.files import sha256_of
from addin.issues import Issue
from addin.kinds.base import RowContext
from addin.kinds.info import InfoModel
from addin.kinds.inventory import needs_reorder, stock_value, suggested_order
from addin.scheduling.stability import read_when_stable
from addin.settings import OrgConfig
from addin.validation.batch import failure_issue
from addin.validation.rows import SheetResult
from addin.validation.workbook import WorkbookResult, read_info, validate_workbook

ZERO = Decimal(0)
PAY_FIELDS = (
    "base_salary", "allowances", "overtime_pay", "gross_pay", "income_tax", "deductions", "net_pay"
)


class Employee(NamedTuple):
    """One accepted payroll row, kept for cross-department checks and the detail sheet.

    Name, position and bank account travel only when the payroll detail is asked
    for; otherwise they are ``None`` and never leave the worker. The pay travels
    as text (see :attr:`pay`): the parent needs it only for the few employees a
    cross-department check rejects, or for the detail sheet, and a quarter of a
    million rows of Decimals cost seconds to send between processes.
    """

    employee_id: str
    cell: str  # of the Employee ID, e.g. "A7"
    employment_type: str
    amounts: str  # the pay in PAY_FIELDS order, as exact decimal text separated by spaces
    full_name: str | None
    position: str | None
    bank_account: str | None

    @property
    def pay(self) -> tuple[Decimal, ...]:
        """The pay in PAY_FIELDS order (exact: ``str`` of a Decimal reads back equal)."""
        return tuple(Decimal(amount) for amount in self.amounts.split())


# Sent as whole microseconds since 2000 (see :func:`addin.consolidation.packing.pack_rows`).
_MOMENTS = ("start", "end")


class Event(NamedTuple):
    """One accepted Schedule row."""

    event_id: str
    cell: str  # of the Event ID, e.g. "A12"
    title: str
    type: str
    start: datetime
    end: datetime
    location: str | None
    owner: str
    attendees: int


class ReorderItem(NamedTuple):
    sku: str
    item_name: str
    location: str
    quantity_on_hand: Decimal
    reorder_level: Decimal
    order_quantity: Decimal
    unit_cost: Decimal
    supplier: str | None


@dataclass(slots=True)
class FilePartial:
    """What one workbook contributes; picklable, small."""

    path: Path
    sha256: str
    size: int
    modified: datetime
    failure: Issue | None = None
    department: str | None = None
    department_name: str | None = None
    period: str | None = None
    currency: str | None = None
    template_version: int | None = None
    issues: list[Issue] = field(default_factory=list)
    counts: list[SheetCount] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)
    # Budget: (month, category) -> [budget, actual, rows with an Actual].
    budget: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    employees: list[Employee] = field(default_factory=list)
    # Payroll: employment type -> (headcount, pay sums in PAY_FIELDS order), over
    # every accepted employee (the parent takes out any it rejects later).
    pay_groups: dict[str, tuple[int, tuple[Decimal, ...]]] = field(default_factory=dict)
    # Inventory: category -> [items, stock value]
    stock: dict[str, list[Any]] = field(default_factory=dict)
    reorder: list[ReorderItem] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # What changed since an earlier workbook, when the worker was told which
    # (``compare``): the candidates it was compared with, and the outcome.
    comparison: tuple[Candidates, Comparison] | None = None

    @property
    def readable(self) -> bool:
        return self.failure is None

    # A partial travels from its worker by pickle, its events and employees as
    # columns (see addin.consolidation.packing).

    def __getstate__(self) -> dict[str, Any]:
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state["events"] = pack_rows(self.events, moments=_MOMENTS)
        state["employees"] = pack_rows(self.employees)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.events = unpack_rows(Event, state["events"], moments=_MOMENTS)
        self.employees = unpack_rows(Employee, state["employees"])


def file_facts(path: Path) -> tuple[str, int, datetime]:
    """SHA-256, size and modification time of ``path``."""
    stat = path.stat()
    return sha256_of(path), stat.st_size, datetime.fromtimestamp(stat.st_mtime).astimezone()


@dataclass(frozen=True, slots=True)
class WantedPeriods:
    """Which workbooks a consolidation reads in full, judged by their Info sheet.

    With a period asked for, only that period's. Otherwise the report is of the
    latest period found, so a workbook older than the newest one already seen
    cannot be part of it. Any other workbook (an invalid Info sheet included) is
    read in full, as the report lists its rows. Picklable: it travels to workers.
    """

    asked: str | None = None
    newest_seen: str | None = None

    def __call__(self, info: InfoModel) -> bool:
        if self.asked is not None:
            return info.period == self.asked
        return self.newest_seen is None or info.period >= self.newest_seen


def read_partial(
    path: Path, config: OrgConfig, today: date, keep_personal: bool = False,
    wanted: WantedPeriods | None = None, compare: Candidates | None = None,
) -> FilePartial:
    """Read, validate and boil down one workbook (runs in a worker process).

    ``keep_personal`` keeps employees' names and bank accounts (for the payroll
    detail sheet); without it they never leave the worker. A workbook ``wanted``
    does not want is read no further than its Info sheet (no counts, no rows).
    A workbook read in full is also compared with ``compare`` (an earlier
    workbook and its label), while its rows are at hand.
    """
    with cycle_collection_paused():
        try:
            return _read_partial(path, config, today, keep_personal, wanted, compare)
        except Exception as exc:  # a defect here: one workbook left out, not the whole run
            return _unreadable(path, config, ReaderStopped(
                path, f"reading it failed unexpectedly ({type(exc).__name__}: {exc}); this is a "
                "defect in backoffice: please report it, with the file if you can"))


def reader_died(path: Path, config: OrgConfig) -> FilePartial:
    """``path`` as left out because the process reading it died (see ``run_tasks``).

    Its Info sheet is read in a process of its own (it may kill that one too):
    a workbook of another period is then simply not part of the report, however
    far it was read, as with any workbook that cannot be read.
    """
    partial = _failed(path, ReaderStopped(
        path, "the process reading it stopped (the computer ran out of memory, or the file is "
        "damaged in a way the reader cannot handle); it is left out of the report: open it in "
        "Excel and save it again"))
    with contextlib.suppress(WorkerDied):
        _take_info(partial, alone(Task(path, _info_only, (path, config))))
    return partial


def _unreadable(path: Path, config: OrgConfig, error: WorkbookError) -> FilePartial:
    """``path`` as a workbook that could not be read, with its Info sheet if that can
    be read: an unreadable workbook of another period is simply not part of the
    report, however far it was read."""
    partial = _failed(path, error)
    _take_info(partial, _info_only(path, config))
    return partial


def _failed(path: Path, error: WorkbookError) -> FilePartial:
    """``path`` as a workbook that could not be read (its fingerprint if it is still there)."""
    try:
        partial = FilePartial(path, *file_facts(path))
    except OSError:
        partial = FilePartial(path, "", 0, datetime.now().astimezone())
    partial.failure = failure_issue(error)
    return partial


def peek_partial(path: Path, config: OrgConfig) -> FilePartial:
    """A workbook as far as its Info sheet (department, period), at once: a workbook
    that cannot be read yet is not waited for here (its full reading waits)."""
    with cycle_collection_paused():
        try:
            stat = path.stat()
        except OSError:
            return FilePartial(path, "", 0, datetime.now().astimezone())
        partial = FilePartial(path, "", stat.st_size,
                              datetime.fromtimestamp(stat.st_mtime).astimezone())
        _take_info(partial, _info_only(path, config))
        return partial


def _read_partial(
    path: Path, config: OrgConfig, today: date, keep_personal: bool, wanted: WantedPeriods | None,
    compare: Candidates | None,
) -> FilePartial:
    try:
        # A department may be saving its workbook right now: wait for it to settle.
        result = read_when_stable(path, lambda p: validate_workbook(p, config, today, wanted))
    except WorkbookError as exc:
        return _unreadable(path, config, exc)
    except OSError as exc:  # gone for good between listing and reading
        return _failed(path, NotAWorkbook(path, f"the file cannot be read ({exc.strerror})"))
    # Taken after the read, so the fingerprint is of what was read.
    partial = FilePartial(path, *file_facts(path))
    _take_info(partial, result.info)
    partial.issues = list(result.issues)
    partial.extra_sheets = result.extra_sheets
    if not result.read_in_full:
        return partial
    for name, sheet in result.sheets.items():
        partial.counts.append(SheetCount(name, sheet.rows_read, sheet.accepted, sheet.rejected))
    _boil_down(partial, result, config, keep_personal)
    if compare is not None and partial.department is not None:
        now = snapshot(result, config, partial.currency)
        del result  # one workbook's validated rows at a time
        partial.comparison = (compare, compare_with(now, compare, config, today, partial.currency))
    return partial


def _info_only(path: Path, config: OrgConfig) -> InfoModel | None:
    """The workbook's valid Info sheet, or None if there is none or it cannot be read
    (for whatever reason: the full reading of the workbook says why)."""
    try:
        return read_info(path, config)
    except Exception:
        return None


def _take_info(partial: FilePartial, info: InfoModel | None) -> None:
    if info is not None:
        partial.department = info.department_code
        partial.department_name = info.department_name
        partial.period = info.period
        partial.currency = info.currency
        partial.template_version = info.template_version


def _boil_down(
    partial: FilePartial, result: WorkbookResult, config: OrgConfig, keep_personal: bool
) -> None:
    """Sums per group and the rows the report lists, a column at a time; every sum
    adds the same amounts in the same (row) order as row by row, so it is as exact."""
    budget: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [ZERO, ZERO, 0])
    rows = result.sheets["Budget"].columns
    if rows:
        for key, planned, actual in zip(zip(rows["period"], rows["category"], strict=True),
                                        rows["budget"],
                                        rows["actual"], strict=True):
            sums = budget[key]
            sums[0] += planned
            if actual is not None:
                sums[1] += actual
                sums[2] += 1
    partial.budget = dict(budget)
    _boil_down_payroll(partial, result.sheets["Payroll"], config, keep_personal)
    _boil_down_inventory(partial, result.sheets["Inventory"])
    schedule = result.sheets["Schedule"]
    rows = schedule.columns
    if rows:
        partial.events = list(map(maker(Event), zip(
            rows["event_id"], schedule.cells("event_id"), rows["title"], rows["type"],
            rows["start"], rows["end"], rows["location"], rows["owner"],
            map(int, rows["attendees"]), strict=True)))


def _boil_down_payroll(
    partial: FilePartial, payroll: SheetResult, config: OrgConfig, keep_personal: bool
) -> None:
    rows = payroll.columns
    if not rows:
        return
    # The pay as worked out in the workbook's currency (validating worked it out with
    # the Info sheet's text; the same unless that sheet has errors).
    pay = payroll.derived(RowContext(currency=partial.currency, payroll=config.payroll))
    amounts = [pay[key] if key in pay else rows[key] for key in PAY_FIELDS]
    types = rows["employment_type"]
    # Summed a column at a time (in C), each employment type's rows in row order.
    partial.pay_groups = {}
    for kind in dict.fromkeys(types):
        mine = list(map(kind.__eq__, types))
        partial.pay_groups[kind] = (sum(mine), tuple(sum(compress(column, mine), ZERO)
                                                    for column in amounts))
    personal: tuple[Iterable[Any], ...] = \
        (rows["full_name"], rows["position"], rows["bank_account"]) if keep_personal \
        else tuple(repeat(None, len(types)) for _ in range(3))  # three: each is used up
    texts = map(" ".join, zip(*(map(str, column) for column in amounts), strict=True))
    partial.employees = list(map(maker(Employee), zip(
        rows["employee_id"], payroll.cells("employee_id"), types, texts, *personal,
        strict=True)))


def _boil_down_inventory(partial: FilePartial, inventory: SheetResult) -> None:
    rows = inventory.columns
    if not rows:
        return
    stock: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    on_hand, cost = rows["quantity_on_hand"], rows["unit_cost"]
    for category, value in zip(rows["category"], map(stock_value, on_hand, cost), strict=True):
        sums = stock[category]
        sums[0] += 1
        sums[1] += value
    partial.stock = dict(stock)
    level, quantity = rows["reorder_level"], rows["reorder_quantity"]
    for position in compress(range(len(on_hand)), map(needs_reorder, on_hand, level)):
        partial.reorder.append(
            ReorderItem(rows["sku"][position], rows["item_name"][position],
                        rows["location"][position], on_hand[position], level[position],
                        suggested_order(on_hand[position], level[position], quantity[position]),
                        cost[position], rows["supplier"][position])
        )
