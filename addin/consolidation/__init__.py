"""Consolidation: a folder of department workbooks into one organisation report.

:func:`build_report` reads and validates every workbook (in parallel worker
processes when there are several, :mod:`addin.consolidation.workers`), chooses
what counts (:mod:`addin.consolidation.selection`) and builds the report's
tables as data (:class:`ConsolidatedReport`). :func:`consolidate` also writes
the report workbook, atomically. The command line, the scheduler and the
Consolidate button all call :func:`consolidate`.

Reading (:func:`collect`) takes a first look at every Info sheet, to plan which
earlier workbook each is compared with (:mod:`addin.consolidation.changes`);
then reads the workbooks, newest first, each in full unless its period cannot
be the report's (:class:`~addin.consolidation.partials.WantedPeriods`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from addin.consolidation import tables
from addin.consolidation.changes import Candidates, Comparison, comparison_file
from addin.consolidation.model import ConsolidatedReport
from addin.consolidation.partials import (
    FilePartial,
    WantedPeriods,
    file_facts,
    peek_partial,
    read_partial,
    reader_died,
)
from addin.consolidation.selection import Selection, choose_period, select
from addin.consolidation.submissions import compare_submissions, submissions
from addin.consolidation.workers import (
    Task,
    WorkerPool,
    cycle_collection_paused,
    run_tasks,
    worker_pool,
)
from addin.errors import BackofficeError
from addin.reading.discover import find_workbooks
from addin.receipts import ReceiptError, read_receipt, receipt_path
from addin.settings import OrgConfig


class NothingToConsolidate(BackofficeError):
    """No workbook could be included, so no report can be written."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a consolidation is, reported as it goes.

    ``step`` is "reading" after each workbook is read, "comparing" after each
    workbook is compared with its earlier one (``files_done`` and ``files_total``
    then count comparisons), and "writing" once, as the report is written
    (``current`` is then the report).
    """

    files_done: int
    files_total: int
    rows_read: int
    current: Path
    step: str = "reading"


@dataclass(frozen=True, slots=True)
class ConsolidationRun:
    """The outcome of :func:`consolidate`."""

    report: ConsolidatedReport
    report_path: Path
    archived: Path | None
    sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    issues: int
    note: str = ""
    # Wall-clock seconds of each step: "reading" (and validating, in the
    # workers), "consolidating", "writing" (the report, checked and in place).
    seconds: dict[str, float] = field(default_factory=dict)


def consolidate(
    inbox: Path, out: Path, *, config: OrgConfig, period: str | None = None,
    payroll_detail: bool = False, progress: Callable[[Progress], None] | None = None,
    today: date | None = None, workers: int | None = None,
) -> ConsolidationRun:
    """Build the report for ``inbox`` and write it to ``out``.

    Raises :class:`NothingToConsolidate` when no workbook can be included.
    """
    from addin.report import write_report  # noqa: PLC0415 - the writer imports this package

    today = today or date.today()
    with cycle_collection_paused():
        started = time.perf_counter()
        paths = inbox_workbooks(inbox)
        with worker_pool(workers, len(paths)) as pool:
            partials = collect(paths, config, today, progress, pool,
                               keep_personal=payroll_detail, period=period, inbox=inbox)
            read = time.perf_counter()
            report = report_from(partials, inbox, config, period, payroll_detail, today, pool,
                                 progress=progress)
        built = time.perf_counter()
        if progress is not None:
            rows = sum(c.read for s in report.sources for c in s.sheets)
            progress(Progress(len(paths), len(paths), rows, out, "writing"))
        written = write_report(report, out)
        done = time.perf_counter()
    counts = [c for s in report.sources for c in s.sheets]
    return ConsolidationRun(
        report, written.path, written.archived, file_facts(written.path)[0],
        sum(c.read for c in counts), sum(c.accepted for c in counts),
        sum(c.rejected for c in counts), len(report.exceptions), written.note,
        {"reading": read - started, "consolidating": built - read, "writing": done - built},
    )


def build_report(
    inbox: Path, *, config: OrgConfig, period: str | None = None, payroll_detail: bool = False,
    progress: Callable[[Progress], None] | None = None, today: date | None = None,
    workers: int | None = None,
) -> ConsolidatedReport:
    """Read, validate and consolidate every workbook under ``inbox``, as data."""
    today = today or date.today()
    with cycle_collection_paused():
        paths = inbox_workbooks(inbox)
        with worker_pool(workers, len(paths)) as pool:
            partials = collect(paths, config, today, progress, pool,
                               keep_personal=payroll_detail, period=period, inbox=inbox)
            return report_from(partials, inbox, config, period, payroll_detail, today, pool,
                               progress=progress)


def inbox_workbooks(inbox: Path) -> list[Path]:
    """The workbooks under ``inbox`` (lock files and hidden files left out)."""
    if not inbox.is_dir():
        raise NothingToConsolidate(f"{inbox}: no such folder")
    return [found.path for found in find_workbooks([inbox]) if not found.skipped]


def report_from(
    partials: list[FilePartial], inbox: Path, config: OrgConfig, period: str | None,
    payroll_detail: bool, today: date, pool: WorkerPool | None = None,
    *, progress: Callable[[Progress], None] | None = None,
) -> ConsolidatedReport:
    """The organisation report, as data, from the workbooks' partial results.

    Working out what changed since each department's earlier workbook reads
    both again, in the ``pool``'s processes when given (``progress`` hears of
    each comparison).
    """
    chosen = choose_period(partials, period)
    if chosen is None:
        raise NothingToConsolidate(f"{inbox}: no readable department workbook was found")
    selection = select(partials, chosen, config, submitted_at)
    if not selection.included:
        raise NothingToConsolidate(
            f"{inbox}: no workbook for {chosen} could be included; see the messages above"
        )
    by_category, by_month, budget_ytd = tables.budget_tables(selection)
    payroll, suppressed, changed, pay_totals, detail = tables.payroll_tables(
        selection, config.organisation.min_group_size, payroll_detail)
    stock_by_category, reorder, stock = tables.inventory_tables(selection)
    calendar, conflicts, events = tables.schedule_tables(selection)
    summary, totals = tables.summary_table(selection, budget_ytd, pay_totals, suppressed, stock,
                                           events)
    return ConsolidatedReport(
        organisation=config.organisation.name, period=chosen,
        reporting_currency=config.organisation.reporting_currency,
        generated_at=datetime.now().astimezone().replace(microsecond=0),
        summary=summary, totals=totals, budget_by_category=by_category, budget_by_month=by_month,
        payroll=payroll, payroll_suppressed=changed, inventory_by_category=stock_by_category,
        reorder=reorder, calendar=calendar, conflicts=conflicts,
        submissions=submissions(selection, partials, inbox, config, submitted_at, today,
                                _comparisons(selection, partials, inbox, config, today, pool,
                                             progress)),
        exceptions=tables.exceptions_table(selection), sources=selection.sources,
        payroll_detail=detail, min_group_size=config.organisation.min_group_size,
        suppressed_departments=frozenset(suppressed),
    )


def _comparisons(
    selection: Selection, partials: list[FilePartial], inbox: Path, config: OrgConfig,
    today: date, pool: WorkerPool | None, progress: Callable[[Progress], None] | None,
) -> dict[Path, Comparison]:
    """What changed in each included workbook, with a "comparing" progress report each."""
    included = [i.partial for i in selection.included]
    rows = sum(c.read for p in partials for c in p.counts)
    done = 0

    def compared(path: Path, total: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(Progress(done, total, rows, path, "comparing"))

    return compare_submissions(included, partials, inbox, config, today, pool, compared)


def submitted_at(partial: FilePartial) -> datetime:
    """When a workbook was submitted.

    The Submit button leaves a receipt beside the workbook; its time counts when
    the receipt's SHA-256 is the workbook's (a workbook edited after submitting
    is not what was submitted). Otherwise: the file's modification time.
    """
    receipt_file = receipt_path(partial.path)
    if receipt_file.is_file():
        try:
            receipt = read_receipt(receipt_file)
        except ReceiptError:
            return partial.modified
        if receipt.sha256 == partial.sha256:
            return receipt.submitted_at.astimezone()
    return partial.modified


def collect(
    paths: Sequence[Path], config: OrgConfig, today: date,
    progress: Callable[[Progress], None] | None = None, pool: WorkerPool | None = None,
    *, keep_personal: bool = False, period: str | None = None, inbox: Path | None = None,
) -> list[FilePartial]:
    """Read every workbook, in the ``pool``'s processes when given.

    With the ``inbox``, a first look at every Info sheet says which earlier
    workbook each of the report's is compared with (:func:`comparison_plans`),
    and the worker reading it compares them while its rows are at hand.

    A workbook of a period the report cannot be about (not ``period``, or older
    than the newest period already seen) is read only as far as its Info sheet:
    an inbox that keeps a year of workbooks costs little more than one month's.
    The most recently modified files are read first, so the newest period is
    usually seen early. Partials come back in the order of ``paths``.
    """
    found: dict[int, FilePartial] = {}
    rows = 0
    newest: str | None = None

    def wanted() -> WantedPeriods:
        return WantedPeriods(period, newest)

    def done(index: int, partial: FilePartial) -> None:
        nonlocal rows, newest
        found[index] = partial
        if partial.readable and partial.period is not None \
                and (newest is None or partial.period > newest):
            newest = partial.period
        rows += sum(count.read for count in partial.counts)
        if progress is not None:
            progress(Progress(len(found), len(paths), rows, partial.path))

    plans = comparison_plans(paths, config, pool, inbox, period) if inbox else {}
    order = iter(_newest_first(paths))
    if pool is None:
        for index in order:
            done(index, read_partial(paths[index], config, today, keep_personal, wanted(),
                                     plans.get(index)))
        return [found[index] for index in range(len(paths))]
    # Taken one at a time as workers come free: each is sent with the newest period
    # known by then.
    tasks = (Task(index, read_partial, (paths[index], config, today, keep_personal, wanted(),
                                        plans.get(index))) for index in order)
    run_tasks(pool, tasks, done, lambda index: reader_died(paths[index], config))
    return [found[index] for index in range(len(paths))]


def comparison_plans(
    paths: Sequence[Path], config: OrgConfig, pool: WorkerPool | None, inbox: Path,
    period: str | None,
) -> dict[int, Candidates]:
    """For each workbook (by position) of the period the report is likely to be
    about, the earlier workbook it is compared with and its label, judged from a
    first look at every Info sheet. Only a plan: the report takes a comparison
    made with it only if the full reading leads to the same earlier workbook."""
    if pool is None:
        peeks = [peek_partial(path, config) for path in paths]
    else:
        try:
            peeks = list(pool.executor.map(peek_partial, paths, [config] * len(paths),
                                           chunksize=max(1, len(paths) // (4 * pool.size))))
        except BrokenProcessPool:  # a worker died: no plans; reading finds out on which file
            pool.restart()
            return {}
    periods = [peek.period for peek in peeks if peek.period is not None]
    likely = period or max(periods, default=None)
    plans: dict[int, Candidates] = {}
    for index, peek in enumerate(peeks):
        if peek.department is not None and peek.period == likely:
            found = comparison_file(peek, peeks, inbox)
            if found is not None:
                plans[index] = found
    return plans


def _newest_first(paths: Sequence[Path]) -> list[int]:
    """Positions in ``paths``, the most recently modified file first."""
    def modified(index: int) -> float:
        try:
            return paths[index].stat().st_mtime
        except OSError:
            return 0.0  # gone: read_partial says so in its turn
    return sorted(range(len(paths)), key=modified, reverse=True)
