"""Who submitted, when, and what changed since last time.

A period's workbooks are due on ``organisation.due_day`` of the following
month (end of that day, local time). "Received at" is the submission receipt's
time when the Submit button left one beside the workbook, else the file's
modification time.

"What changed" (:mod:`addin.consolidation.changes`) is mostly worked out by the
workers as they read each workbook; :func:`compare_submissions` works out the
rest, reading both workbooks again, in the worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from addin.consolidation.changes import Candidates, Comparison, compare_workbooks, comparison_file
from addin.consolidation.model import Submission
from addin.consolidation.partials import FilePartial
from addin.consolidation.selection import Selection
from addin.consolidation.workers import Task, WorkerPool, run_tasks
from addin.settings import OrgConfig


def due_date(period: str, due_day: int) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year + month // 12, month % 12 + 1, due_day)


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
    with (among ``partials``, or in the inbox's versions folder), by workbook path.

    A comparison its worker made while reading the workbook is taken when it was
    with the same earlier workbook; any other is made here, in the ``pool``'s
    processes when there are several. ``compared`` hears of each workbook as its
    comparison is done, with how many there are.
    """
    pairs: list[tuple[Path, Candidates]] = []
    made: dict[Path, Comparison] = {}
    for partial in included:
        found = comparison_file(partial, partials, inbox)
        if found is None:
            continue
        if partial.comparison is not None and partial.comparison[0] == found:
            made[partial.path] = partial.comparison[1]
        pairs.append((partial.path, found))
    comparisons: dict[Path, Comparison] = {}

    def done(current: Path, comparison: Comparison) -> None:
        comparisons[current] = comparison
        if compared is not None:
            compared(current, len(pairs))

    for current, comparison in made.items():
        done(current, comparison)
    to_make = [pair for pair in pairs if pair[0] not in made]
    if pool is None or len(to_make) < 2:
        for current, candidates in to_make:
            done(current, compare_workbooks(current, candidates, config, today))
    else:
        candidates_of = dict(to_make)
        tasks = (Task(current, compare_workbooks, (current, candidates, config, today))
                 for current, candidates in to_make)
        run_tasks(pool, tasks, done,
                  lambda current: Comparison(f"{candidates_of[current][0][1]} (unreadable)"))
    return {current: comparisons[current] for current, _ in pairs}  # in a steady order
