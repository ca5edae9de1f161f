"""Helpers for the scheduling tests: a clock the tests control, runners, configurations.

Also runnable: ``python -m tests.scheduling_support RUNNER schedule run ...`` is the
``backoffice`` command with the scheduler's runner replaced by one of
:data:`RUNNERS`, for tests that need real scheduler processes.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from addin.errors import BackofficeError
from addin.scheduling.execution import Executor, InlineExecutor
from addin.scheduling.history import History, RunRecord
from addin.scheduling.jobs import FailureHook, shell_hook
from addin.scheduling.runner import Runner, RunRequest, RunResult
from addin.scheduling.scheduler import Scheduler
from addin.settings import OrgConfig, load_config


class FakeClock:
    """Wall time that tests set and jump; monotonic time that only ``sleep``/``advance`` move."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._monotonic = 1_000.0
        self.slept: list[float] = []
        self.on_sleep: Callable[[float], object] | None = None

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> None:
        if wake is not None and wake.is_set():
            return
        self.slept.append(seconds)
        self.advance(seconds=seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)

    def advance(self, **delta: float) -> None:
        """Time passes (both clocks move)."""
        step = timedelta(**delta)
        self._now += step
        self._monotonic += step.total_seconds()

    def set(self, moment: datetime) -> None:
        """Someone sets the wall clock (the monotonic clock does not move)."""
        self._now = moment.astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Call:
    job: str
    scheduled: datetime
    at: datetime
    period: str
    report: Path
    attempt: int


@dataclass
class RecordingRunner:
    """Records every call; fails a job's first ``failures[job]`` attempts; takes ``takes`` of clock time."""

    clock: FakeClock
    failures: dict[str, int] = field(default_factory=dict)
    always_fail: set[str] = field(default_factory=set)
    takes: dict[str, timedelta] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def __call__(self, request: RunRequest) -> RunResult:
        self.calls.append(Call(request.job, request.scheduled, self.clock.now(), request.period,
                               request.report, request.attempt))
        duration = self.takes.get(request.job)
        if duration is not None:
            self.clock.advance(seconds=duration.total_seconds())
        if request.job in self.always_fail or self.failures.get(request.job, 0) >= request.attempt:
            raise RuntimeError(f"{request.job} broke on attempt {request.attempt}")
        return RunResult(request.report, "0" * 64, rows_read=10, rows_accepted=9, rows_rejected=1,
                         issues=2, note="ok")

    def slots(self, job: str | None = None) -> list[datetime]:
        return [call.scheduled for call in self.calls if job is None or call.job == job]


def write_config(folder: Path, jobs: str, scheduler: str = "", extra: str = "") -> Path:
    """An organisation configuration with ``jobs`` ([[jobs]] TOML) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inbox").mkdir(exist_ok=True)
    path = folder / "org.toml"
    path.write_text(f"{extra}\n{jobs}\n[scheduler]\ntimezone = \"Europe/Berlin\"\n{scheduler}\n",
                    encoding="utf-8")
    return path


def job_toml(name: str, timing: str, **options: object) -> str:
    lines = ["[[jobs]]", f'name = "{name}"', 'inbox = "inbox"',
             f'report = "reports/{name}-{{period}}-{{date}}.xlsx"', f"timing = {timing}"]
    for key, value in options.items():
        text = f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) \
            else str(value)
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def make_scheduler(
    config: OrgConfig | Path, clock: FakeClock, runner: Runner, *, history: History | None = None,
    executor: Executor | None = None, hook: FailureHook = shell_hook,
) -> Scheduler:
    org = load_config(config) if isinstance(config, Path) else config
    if history is None:
        history = History(org.resolve(org.scheduler.history))
    return Scheduler(org, history=history, runner=runner, executor=executor or InlineExecutor(),
                     clock=clock, hook=hook)


def drive(scheduler: Scheduler, clock: FakeClock, until: datetime) -> None:
    """Run the loop on the fake clock up to ``until``, sleeping until the next thing is due."""
    while True:
        scheduler.run_pending()
        remaining = (until - clock.now()).total_seconds()
        if remaining <= 0:
            return
        scheduler.sleep(longest=min(math.inf, remaining))


def statuses(records: Sequence[RunRecord]) -> list[tuple[str, str, str]]:
    """(job, scheduled UTC, status) of each record, oldest first."""
    return sorted((r.job, r.scheduled.strftime("%Y-%m-%d %H:%M"), r.status) for r in records)


# --- Runners for real scheduler processes (module level: picklable) ------------------------


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def blocking_runner(request: RunRequest) -> RunResult:
    """Says it started (a file in the inbox), then waits for ``release`` to appear there."""
    (request.inbox / f"started-{request.job}.pid").write_text(str(os.getpid()), encoding="utf-8")
    (request.inbox / f"started-{request.job}").write_text(str(request.scheduled), encoding="utf-8")
    _wait_for(request.inbox / "release")
    return RunResult(request.report, None, rows_read=1, rows_accepted=1)


def quick_runner(request: RunRequest) -> RunResult:
    (request.inbox / f"ran-{request.job}").write_text(str(request.scheduled), encoding="utf-8")
    return RunResult(request.report, None, rows_read=3, rows_accepted=3)


def sleepy_runner(request: RunRequest) -> RunResult:
    time.sleep(60)
    return RunResult(request.report)


RUNNERS: dict[str, Runner] = {"blocking": blocking_runner, "quick": quick_runner, "sleepy": sleepy_runner}


def main(argv: Sequence[str]) -> int:
    from addin.cli import build_parser

    runner, *rest = argv
    args = build_parser().parse_args(rest)
    args.runner = RUNNERS[runner]
    try:
        code: int = args.run(args)
    except BackofficeError as exc:
        print(f"backoffice: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
