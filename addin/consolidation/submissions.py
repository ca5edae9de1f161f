"""Who submitted, when, and what changed since last time.

A period's workbooks are due on ``organisation.due_day`` of the following
month (end of that day, local time). "Received at" is the submission receipt's
time when the Submit button left one beside the workbook, else the file's
modification time.

"What changed" compares a department's workbook with, in order of preference,
the newest earlier version of the same period kept in the inbox's
``.versions`` folder, or the department's workbook for the previous period.
Rows are matched by each sheet's key (Account Code and month, Employee ID,
SKU and Location, Event ID). Each comparison reads both workbooks again
(:func:`compare_workbooks`); :func:`compare_submissions` runs them in the
consolidation's worker processes when there are several.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from addin.consolidation.model import SheetChange, Submission
from addin.consolidation.partials import FilePartial, cycle_collection_paused
from addin.consolidation.selection import Selection
from addin.consolidation.workers import WorkerPool
from addin.errors import WorkbookError
from addin.kinds import DATA_KINDS
from addin.kinds.base import RowModel
from addin.settings import OrgConfig
from addin.validation.workbook import WorkbookResult, validate_workbook

VERSIONS_FOLDER = ".versions"
ZERO = Decimal(0)


def due_date(period: str, due_day: int) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year + month // 12, month % 12 + 1, due_day)


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed in a workbook since the one it is compared with."""

    compared_with: str  # as Submission.compared_with; ends "(unreadable)" if it could not be read
    changes: list[SheetChange] = field(default_factory=list)
    total_changes: dict[str, Decimal] = field(default_factory=dict)


def submissions(
    selection: Selection, partials: Sequence[FilePartial], inbox: Path, config: OrgConfig,
    submitted_at: Callable[[FilePartial], datetime], today: date,
    comparisons: Mapping[Path, Comparison] | None = None,
) -> list[Submission]:
    """One row per expected department, then any other department that submitted.

    ``comparisons`` (by workbook path, from :func:`compare_submissions`) are
    worked out here, one after another, when not given.
    """
    if comparisons is None:
        comparisons = compare_submissions([i.partial for i in selection.included], partials,
                                          inbox, config, today)
    due = due_date(selection.period, config.organisation.due_day)
    included = {i.department: i for i in selection.included}
    expected = [(d.code, d.name) for d in config.departments if d.expected]
    others = sorted((code, i.partial.department_name or code) for code, i in included.items()
                    if code not in {code for code, _ in expected})
    result: list[Submission] = []
    for code, name in [*expected, *others]:
        chosen = included.get(code)
        if chosen is None:
            result.append(Submission(code, name, False, due))
            continue
        partial = chosen.partial
        received_at = submitted_at(partial)
        submission = Submission(
            code, partial.department_name or name, True, due, received_at,
            received_at.date() <= due, partial.path, partial.template_version,
            sum(c.accepted for c in _counts(selection, partial.path)),
            sum(c.rejected for c in _counts(selection, partial.path)),
        )
        comparison = comparisons.get(partial.path)
        if comparison is not None:
            submission.compared_with = comparison.compared_with
            submission.changes = list(comparison.changes)
            submission.total_changes = dict(comparison.total_changes)
        result.append(submission)
    return result


def _counts(selection: Selection, path: Path) -> list[Any]:
    return next(s.sheets for s in selection.sources if s.path == path)


def compare_submissions(
    included: Sequence[FilePartial], partials: Sequence[FilePartial], inbox: Path,
    config: OrgConfig, today: date, pool: WorkerPool | None = None,
    compared: Callable[[Path, int], None] | None = None,
) -> dict[Path, Comparison]:
    """What changed in each ``included`` workbook that has something to be compared
    with (among ``partials``, or in the inbox's versions folder), by workbook path;
    in the ``pool``'s processes when there are several. ``compared`` hears of each
    workbook as its comparison is done, with how many there are."""
    pairs: list[tuple[Path, Path, str]] = []
    for partial in included:
        found = _comparison_file(partial, partials, inbox)
        if found is not None:
            pairs.append((partial.path, *found))
    comparisons: dict[Path, Comparison] = {}

    def done(current: Path, comparison: Comparison) -> None:
        comparisons[current] = comparison
        if compared is not None:
            compared(current, len(pairs))

    if pool is None or len(pairs) < 2:
        for current, earlier, label in pairs:
            done(current, compare_workbooks(current, earlier, label, config, today))
        return comparisons
    running = {pool.executor.submit(compare_workbooks, current, earlier, label, config, today):
               current for current, earlier, label in pairs}
    for future in as_completed(running):
        done(running[future], future.result())
    return {current: comparisons[current] for current, _, _ in pairs}  # in a steady order


def compare_workbooks(
    current_path: Path, earlier_path: Path, label: str, config: OrgConfig, today: date
) -> Comparison:
    """Read both workbooks and compare them (runs in a worker process).

    One workbook's validated rows are held at a time: each is boiled down to a
    snapshot of its accepted rows before the other is read.
    """
    with cycle_collection_paused():
        try:
            current = validate_workbook(current_path, config, today)
            currency = current.info.currency if current.info else None
            now = snapshot(current, config, currency)
            del current
            before = snapshot(validate_workbook(earlier_path, config, today), config, currency)
        except WorkbookError:
            return Comparison(f"{label} (unreadable)")
        return Comparison(label, *changes_between(now, before))


def _comparison_file(
    partial: FilePartial, partials: Sequence[FilePartial], inbox: Path
) -> tuple[Path, str] | None:
    stem = f"{partial.department}_{partial.period}"
    versions = sorted((inbox / VERSIONS_FOLDER).glob(f"{stem} *.xlsx"))
    if versions:
        newest = versions[-1]
        stamp = newest.stem[len(stem) + 1:]
        return newest, f"earlier version of {partial.period} ({stamp})"
    assert partial.period is not None
    before = previous_period(partial.period)
    # Any with a valid Info sheet for the department and period, readable past it or
    # not: whether a workbook of another period was read further depends on when it
    # was read (see WantedPeriods), and the report must not.
    earlier = [p for p in partials if p.department == partial.department and p.period == before]
    if earlier:
        newest_earlier = max(earlier, key=lambda p: p.modified)
        return newest_earlier.path, before
    return None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A workbook's accepted rows (per sheet, by the sheet's key) and headline totals."""

    rows: dict[str, dict[tuple[Any, ...], dict[str, Any]]]
    totals: dict[str, Decimal]


def snapshot(result: WorkbookResult, config: OrgConfig, currency: str | None) -> Snapshot:
    """What :func:`changes_between` compares of ``result`` (pay worked out in ``currency``)."""
    rows = {name: _keyed(result, name, kind.unique_keys[0]) for name, kind in DATA_KINDS.items()}
    return Snapshot(rows, headline_totals(result, config, currency))


def changes_between(
    now: Snapshot, before: Snapshot
) -> tuple[list[SheetChange], dict[str, Decimal]]:
    """Rows added, removed and changed per sheet, and the change in headline totals."""
    changes: list[SheetChange] = []
    for name in DATA_KINDS:
        current, earlier = now.rows[name], before.rows[name]
        changed = sum(1 for key in current.keys() & earlier.keys() if current[key] != earlier[key])
        changes.append(SheetChange(name, len(current.keys() - earlier.keys()),
                                   len(earlier.keys() - current.keys()), changed))
    return changes, {k: now.totals[k] - before.totals[k] for k in now.totals}


def _keyed(result: WorkbookResult, sheet: str, key: tuple[str, ...]) -> dict[tuple[Any, ...], Any]:
    records: list[tuple[int, RowModel]] = result.sheets[sheet].records
    return {tuple(getattr(r, k) for k in key): r.model_dump() for _, r in records}


def headline_totals(
    result: WorkbookResult, config: OrgConfig, currency: str | None
) -> dict[str, Decimal]:
    """Budget, Actual, Gross Pay, Net Pay and Stock Value of one workbook, own currency."""
    totals = dict.fromkeys(("Budget", "Actual", "Gross Pay", "Net Pay", "Stock Value"), ZERO)
    for _, budget in result.sheets["Budget"].records:
        totals["Budget"] += budget.budget  # type: ignore[attr-defined]
        totals["Actual"] += budget.actual or ZERO  # type: ignore[attr-defined]
    for _, employee in result.sheets["Payroll"].records:
        pay = employee.pay(config.payroll, currency)  # type: ignore[attr-defined]
        totals["Gross Pay"] += pay.gross_pay
        totals["Net Pay"] += pay.net_pay
    for _, item in result.sheets["Inventory"].records:
        totals["Stock Value"] += item.stock_value  # type: ignore[attr-defined]
    return totals
