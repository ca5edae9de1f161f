"""Scheduled consolidation runs: never overlapping, never silently missed, with a history.

Built on the ``schedule`` package, with what it does not do itself::

    from addin.scheduling import History, Scheduler, SchedulerLock
    from addin.settings import load_config

    config = load_config("org.toml")              # [[jobs]] and [scheduler]
    history = History(config.resolve(config.scheduler.history))
    with SchedulerLock(lock_path(history.path)):
        Scheduler(config, history=history).run_forever()   # or .run_once()

Modules, one concept each: :mod:`.timing` (when slots fall), :mod:`.config`
(the TOML sections), :mod:`.history` (SQLite), :mod:`.locking` (one scheduler
per configuration), :mod:`.runner` and :mod:`.execution` (what a run does, and
in which process), :mod:`.scheduler` (the loop), :mod:`.stability` (workbooks
being saved while a run reads them), :mod:`.example` (a configuration to start from).

Names are imported on first use: :mod:`addin.settings` imports
:mod:`.config`, and the rest of the package imports :mod:`addin.settings`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from addin.scheduling.clock import SYSTEM_CLOCK as SYSTEM_CLOCK
    from addin.scheduling.clock import Clock as Clock
    from addin.scheduling.config import JobConfig as JobConfig
    from addin.scheduling.config import SchedulerSettings as SchedulerSettings
    from addin.scheduling.execution import InlineExecutor as InlineExecutor
    from addin.scheduling.execution import ProcessExecutor as ProcessExecutor
    from addin.scheduling.history import History as History
    from addin.scheduling.history import RunRecord as RunRecord
    from addin.scheduling.locking import LockHeld as LockHeld
    from addin.scheduling.locking import SchedulerLock as SchedulerLock
    from addin.scheduling.locking import lock_path as lock_path
    from addin.scheduling.runner import RunRequest as RunRequest
    from addin.scheduling.runner import RunResult as RunResult
    from addin.scheduling.runner import consolidation_runner as consolidation_runner
    from addin.scheduling.scheduler import Scheduler as Scheduler
    from addin.scheduling.stability import read_when_stable as read_when_stable
    from addin.scheduling.stability import wait_until_stable as wait_until_stable
    from addin.scheduling.timing import Daily as Daily
    from addin.scheduling.timing import EveryMinutes as EveryMinutes
    from addin.scheduling.timing import Monthly as Monthly
    from addin.scheduling.timing import Weekly as Weekly

_WHERE = {
    "Clock": "clock", "SYSTEM_CLOCK": "clock",
    "JobConfig": "config", "SchedulerSettings": "config",
    "InlineExecutor": "execution", "ProcessExecutor": "execution",
    "History": "history", "RunRecord": "history",
    "LockHeld": "locking", "SchedulerLock": "locking",
    "RunRequest": "runner", "RunResult": "runner", "consolidation_runner": "runner",
    "Scheduler": "scheduler", "lock_path": "locking",
    "read_when_stable": "stability", "wait_until_stable": "stability",
    "Daily": "timing", "EveryMinutes": "timing", "Monthly": "timing", "Weekly": "timing",
}

__all__ = sorted(_WHERE)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
