"""What a scheduled run does: one call of :func:`addin.consolidation.consolidate`.

The scheduler hands a :class:`RunRequest` to a *runner*, any callable
``RunRequest -> RunResult``. :func:`consolidation_runner` is the real one and
goes through the same code path as ``backoffice consolidate``; tests pass their
own. A runner that is run in a child process (:class:`ProcessExecutor`) must be
picklable: a module-level function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from addin.settings import OrgConfig


@dataclass(frozen=True, slots=True)
class RunRequest:
    """One attempt of one job for one slot, with every path resolved."""

    job: str
    scheduled: datetime
    period: str  # "2026-10"
    inbox: Path
    report: Path
    config: OrgConfig
    payroll_detail: bool = False
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a successful run produced."""

    report_path: Path | None
    sha256: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    issues: int = 0
    note: str = ""


Runner = Callable[[RunRequest], RunResult]


def consolidation_runner(request: RunRequest) -> RunResult:
    """Run ``consolidate(inbox, report, config=..., period=...)`` for the request."""
    # Imported here: the consolidation pulls in pandas and the report writer,
    # which the scheduler's own commands (status, history) do not need.
    from addin.consolidation import consolidate  # noqa: PLC0415

    request.report.parent.mkdir(parents=True, exist_ok=True)
    run = consolidate(
        request.inbox,
        request.report,
        config=request.config,
        period=request.period,
        payroll_detail=request.payroll_detail,
    )
    return RunResult(
        report_path=run.report_path,
        sha256=run.sha256,
        rows_read=int(run.rows_read),
        rows_accepted=int(run.rows_accepted),
        rows_rejected=int(run.rows_rejected),
        issues=int(run.issues),
        note=str(run.note or ""),
    )
