"""Which workbooks and rows count, and why the others do not.

Rules, applied in this order, each recorded in the Sources sheet and, where
rows are left out, in the Exceptions sheet:

1. A workbook that cannot be read, or whose Info sheet is invalid, is left out
   whole (its department is unknown).
2. The report's period is ``--period``, else the latest period found. A
   workbook for another period is listed but not included.
3. Two or more workbooks for the same Department Code: when they all name the
   same department (a "- Copy", a sync-conflict copy, a resubmission), the one
   submitted last (the receipt's time, else the file's modification time) is
   used and the others are superseded; when they name *different* departments,
   none of them is used, since nothing tells which claim is right.
4. A workbook in a currency with no exchange rate for the period is left out
   (never converted at a silent 1.0).
5. An Employee ID found in two departments is an error in both: both rows are
   left out, so no one is counted twice.

A workbook left out whole counts all its rows as rejected, so that rows read =
accepted + rejected holds for every sheet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from itertools import chain

from addin.consolidation.model import SheetCount, SourceFile
from addin.consolidation.partials import FilePartial
from addin.issues import Issue, Severity
from addin.settings import OrgConfig


class Included:
    """A workbook that takes part in the report, with its rate."""

    def __init__(self, partial: FilePartial, rate: Decimal) -> None:
        self.partial = partial
        self.rate = rate
        self.rejected_employees: set[str] = set()  # cells of Employee IDs left out

    @property
    def department(self) -> str:
        assert self.partial.department is not None
        return self.partial.department


@dataclass(slots=True)
class Selection:
    period: str
    included: list[Included] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Workbooks of the period left out whole; their own issues still reach the report.
    left_out: list[FilePartial] = field(default_factory=list)


def choose_period(partials: Sequence[FilePartial], period: str | None) -> str | None:
    """``period`` if given, else the latest period among the readable workbooks."""
    if period is not None:
        return period
    periods = [p.period for p in partials if p.period is not None and p.readable]
    return max(periods) if periods else None


def select(
    partials: Sequence[FilePartial], period: str, config: OrgConfig,
    submitted_at: Callable[[FilePartial], datetime],
) -> Selection:
    selection = Selection(period)
    candidates: dict[str, list[FilePartial]] = defaultdict(list)
    for partial in partials:
        if _other_period(partial, period):
            selection.sources.append(_source(partial, "other-period",
                                             f"for period {partial.period}; not part of this "
                                             "report", counts=False))
        elif partial.failure is not None:
            selection.issues.append(partial.failure)
            selection.sources.append(_source(partial, "unreadable", partial.failure.message))
        elif partial.department is None:
            selection.left_out.append(partial)
            selection.sources.append(_left_out(partial, "rejected",
                                               "the Info sheet has errors, so the department is "
                                               "unknown; no row is included"))
        else:
            candidates[partial.department].append(partial)
    for code, group in sorted(candidates.items()):
        chosen = _one_per_department(code, group, selection, submitted_at)
        if chosen is not None:
            _with_rate(chosen, config, selection)
    _reject_shared_employees(selection)
    selection.sources.sort(key=lambda source: str(source.path))
    return selection


def _other_period(partial: FilePartial, period: str) -> bool:
    """Not part of this report: a workbook of another period, whether it was read in
    full or not (see WantedPeriods), and even an earlier one that could not be read
    past its Info sheet. A later one that cannot be read is reported as such: it may
    be the month this report should have been about (the period falls back to the
    latest readable one)."""
    if partial.period is None or partial.period == period:
        return False
    return partial.failure is None or partial.period < period


def _one_per_department(
    code: str, group: list[FilePartial], selection: Selection,
    submitted_at: Callable[[FilePartial], datetime],
) -> FilePartial | None:
    if len(group) == 1:
        return group[0]
    names = sorted({p.department_name or "" for p in group})
    files = ", ".join(p.path.name for p in sorted(group, key=lambda p: str(p.path)))
    if len(names) > 1:
        note = (f"{len(group)} workbooks claim Department Code {code} for different departments "
                f"({', '.join(names)}): {files}; none is used until the codes are corrected")
        for partial in group:
            _exclude(partial, "conflict", note, selection)
        return None
    newest = max(group, key=submitted_at)
    for partial in group:
        if partial is not newest:
            note = (f"another workbook for {code} {partial.period} was submitted later "
                    f"({newest.path.name}) and is used instead")
            _exclude(partial, "superseded", note, selection)
    return newest


def _exclude(partial: FilePartial, status: str, note: str, selection: Selection) -> None:
    selection.left_out.append(partial)
    selection.sources.append(_left_out(partial, status, note))
    selection.issues.append(
        Issue(str(partial.path), "", "", "", "", f"workbook-{status}", note[:1].upper() + note[1:],
              Severity.ERROR)
    )


def _with_rate(partial: FilePartial, config: OrgConfig, selection: Selection) -> None:
    assert partial.currency is not None
    rate = config.rate(selection.period, partial.currency)
    if rate is None:
        note = (f"no exchange rate for {partial.currency} in {selection.period}; add it to the "
                f'configuration under [rates."{selection.period}"]; no row is included')
        _exclude(partial, "rejected", note, selection)
        return
    selection.included.append(Included(partial, rate))
    selection.sources.append(_source(partial, "included", "", rate=rate))


def _reject_shared_employees(selection: Selection) -> None:
    """Employee IDs in two departments: an error at both cells, and neither is counted."""
    # Accepted IDs are unique within a workbook (a repeat is rejected there), so
    # an ID counted twice is on two payrolls; the count runs at C speed.
    counts = Counter(chain.from_iterable(
        [employee.employee_id for employee in included.partial.employees]
        for included in selection.included
    ))
    shared = {employee_id for employee_id, count in counts.items() if count > 1}
    seen: dict[str, list[tuple[Included, str]]] = defaultdict(list)
    for included in selection.included if shared else ():
        for employee in included.partial.employees:
            if employee.employee_id in shared:
                seen[employee.employee_id].append((included, employee.cell))
    for employee_id, places in seen.items():
        departments = {included.department for included, _ in places}
        if len(departments) < 2:
            continue
        for included, cell in places:
            others = "; ".join(f"{o.department} ({o.partial.path.name}, Payroll!{c})"
                               for o, c in places if (o, c) != (included, cell))
            included.rejected_employees.add(cell)
            selection.issues.append(
                Issue(str(included.partial.path), "Payroll", cell, "Employee ID", employee_id,
                      "employee-in-two-departments",
                      f"Employee ID {employee_id} is also on the payroll of {others}; an "
                      "employee is paid by one department, so neither row is counted",
                      Severity.ERROR, int("".join(ch for ch in cell if ch.isdigit())))
            )
    for included in selection.included:
        if included.rejected_employees:
            _move_to_rejected(included, "Payroll", len(included.rejected_employees), selection)


def _move_to_rejected(included: Included, sheet: str, count: int, selection: Selection) -> None:
    source = next(s for s in selection.sources if s.path == included.partial.path)
    source.sheets = [
        replace(c, accepted=c.accepted - count, rejected=c.rejected + count)
        if c.sheet == sheet else c
        for c in source.sheets
    ]


def _source(partial: FilePartial, status: str, note: str, *, rate: Decimal | None = None,
            counts: bool = True) -> SourceFile:
    return SourceFile(
        path=partial.path, sha256=partial.sha256, size=partial.size, modified=partial.modified,
        status=status, note=note, department=partial.department,
        department_name=partial.department_name, period=partial.period,
        currency=partial.currency, rate=rate, template_version=partial.template_version,
        # Neither counts nor extra sheets for a workbook the report is not about: how far
        # it was read (and so what is known of it) depends on when it was read.
        sheets=list(partial.counts) if counts else [],
        extra_sheets=list(partial.extra_sheets) if counts else [],
    )


def _left_out(partial: FilePartial, status: str, note: str) -> SourceFile:
    source = _source(partial, status, note)
    source.sheets = [SheetCount(c.sheet, c.read, 0, c.read) for c in partial.counts]
    return source
