"""What changed in a department's workbook since an earlier one.

A workbook is compared with, in order of preference, the newest earlier version
of the same period kept in the inbox's ``.versions`` folder, or the
department's workbook for the previous period (:func:`comparison_file`); one
that cannot be read is passed over for the next in that order. Rows
are matched by each sheet's key (Account Code and month, Employee ID, SKU and
Location, Event ID); the headline totals are compared in the department's own
currency. Each side is boiled down to a :class:`Snapshot` before the other is
read, so that only one workbook's validated rows are held at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin.consolidation.model import SheetChange
from addin.consolidation.workers import cycle_collection_paused
from addin.kinds import DATA_KINDS
from addin.kinds.base import RowContext
from addin.kinds.inventory import stock_value
from addin.settings import OrgConfig
from addin.validation.workbook import WorkbookResult, validate_workbook

if TYPE_CHECKING:
    from addin.consolidation.partials import FilePartial

VERSIONS_FOLDER = ".versions"
ZERO = Decimal(0)


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed in a workbook since the one it is compared with."""

    compared_with: str  # as Submission.compared_with; ends "(unreadable)" if it could not be read
    changes: list[SheetChange] = field(default_factory=list)
    total_changes: dict[str, Decimal] = field(default_factory=dict)


# The earlier workbooks a workbook may be compared with, in order of preference,
# each with how the report names it: the first that can be read is used.
Candidates = tuple[tuple[Path, str], ...]


def comparison_file(
    partial: FilePartial, partials: Sequence[FilePartial], inbox: Path
) -> Candidates | None:
    """The workbooks ``partial`` may be compared with, best first (None: there are none)."""
    stem = f"{partial.department}_{partial.period}"
    versions = sorted((inbox / VERSIONS_FOLDER).glob(f"{stem} *.xlsx"), reverse=True)
    if versions:
        return tuple((version, f"earlier version of {partial.period} "
                               f"({version.stem[len(stem) + 1:]})") for version in versions)
    assert partial.period is not None
    before = previous_period(partial.period)
    # Any with a valid Info sheet for the department and period, readable past it or
    # not: whether a workbook of another period was read further depends on when it
    # was read (see WantedPeriods), and the report must not. The last modified first;
    # one that cannot be read is passed over when the comparison is made.
    earlier = [p for p in partials if p.department == partial.department and p.period == before]
    earlier.sort(key=lambda p: (p.modified, str(p.path)), reverse=True)
    return tuple((p.path, before) for p in earlier) or None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A workbook's accepted rows (per sheet, by the sheet's key) and headline totals."""

    rows: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]
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
    """Every accepted row's input values, by the row's key."""
    rows = result.sheets[sheet].columns
    if not rows:
        return {}
    fields = result.sheets[sheet].kind.model.model_fields
    return dict(zip(zip(*(rows[k] for k in key), strict=True),
                    zip(*(rows[k] for k in fields), strict=True), strict=True))


def headline_totals(
    result: WorkbookResult, config: OrgConfig, currency: str | None
) -> dict[str, Decimal]:
    """Budget, Actual, Gross Pay, Net Pay and Stock Value of one workbook, own currency."""
    totals = dict.fromkeys(("Budget", "Actual", "Gross Pay", "Net Pay", "Stock Value"), ZERO)
    budget = result.sheets["Budget"].columns
    if budget:
        totals["Budget"] = sum(budget["budget"], ZERO)
        totals["Actual"] = sum((actual for actual in budget["actual"] if actual is not None), ZERO)
    pay = result.sheets["Payroll"].derived(RowContext(currency=currency, payroll=config.payroll))
    if pay:
        totals["Gross Pay"] = sum(pay["gross_pay"], ZERO)
        totals["Net Pay"] = sum(pay["net_pay"], ZERO)
    stock = result.sheets["Inventory"].columns
    if stock:
        totals["Stock Value"] = sum(map(stock_value, stock["quantity_on_hand"],
                                        stock["unit_cost"]), ZERO)
    return totals


def compare_workbooks(
    current_path: Path, candidates: Candidates, config: OrgConfig, today: date
) -> Comparison:
    """Read the workbook and compare it with the first of ``candidates`` that can be
    read (runs in a worker process)."""
    with cycle_collection_paused():
        current = _validated(current_path, config, today)
        if current is None:  # its own reading says why
            return Comparison(f"{candidates[0][1]} (unreadable)")
        currency = current.info.currency if current.info else None
        now = snapshot(current, config, currency)
        del current  # one workbook's validated rows at a time
        return compare_with(now, candidates, config, today, currency)


def compare_with(
    now: Snapshot, candidates: Candidates, config: OrgConfig, today: date, currency: str | None,
) -> Comparison:
    """Compare a workbook, boiled down to ``now``, with the first of ``candidates``
    that can be read; when none can, the comparison says so and lists no changes."""
    with cycle_collection_paused():
        for path, label in candidates:
            earlier = _validated(path, config, today)
            if earlier is not None:
                return Comparison(label, *changes_between(now, snapshot(earlier, config, currency)))
        return Comparison(f"{candidates[0][1]} (unreadable)")


def _validated(path: Path, config: OrgConfig, today: date) -> WorkbookResult | None:
    """The workbook validated, or None when it cannot be read, whatever the reason
    (damaged, being saved, gone, a folder, a defect): a comparison only says so."""
    try:
        return validate_workbook(path, config, today)
    except Exception:
        return None
