"""``backoffice schedule run|status|history``: scheduled consolidations and their history."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from addin.errors import ConfigError
from addin.scheduling.checking import load_checked
from addin.scheduling.clock import SYSTEM_CLOCK, zone
from addin.scheduling.execution import Shutdown, handle_signals
from addin.scheduling.history import (
    FAILED,
    INTERRUPTED,
    SUCCEEDED,
    History,
    RunRecord,
    default_history_path,
)
from addin.scheduling.jobs import ScheduledJob, scheduled_jobs
from addin.scheduling.locking import LockHeld, SchedulerLock, lock_path
from addin.scheduling.logs import configure_logging, remove_handlers
from addin.scheduling.runner import Runner, consolidation_runner
from addin.scheduling.scheduler import Scheduler
from addin.settings import CONFIG_ENV_VAR, OrgConfig

log = logging.getLogger("addin.scheduling")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "schedule",
        help="run the configured consolidation jobs on their schedule; show their history",
        description="Run the [[jobs]] of the organisation configuration when they are due, "
        "and show what ran. The configuration is --config FILE or $BACKOFFICE_CONFIG.",
    )
    actions = parser.add_subparsers(dest="schedule_action", required=True, metavar="ACTION")

    run = actions.add_parser(
        "run",
        help="run due jobs until stopped (or once, with --once)",
        description="Run jobs when due, in the foreground, until SIGINT/SIGTERM. A slot runs at "
        "most once; slots missed while stopped are caught up once at start. Log: stderr and "
        "scheduler.log_file. Exit code 0: stopped cleanly (--once: every run succeeded); 1: "
        "another scheduler holds this configuration's lock (--once: a run failed); 2: bad "
        "configuration.",
    )
    _config_option(run)
    run.add_argument("--once", action="store_true",
                     help="run every job due now, catch-up included, then exit (for cron and timers)")
    run.add_argument("--wait", action="store_true",
                     help="if another scheduler holds the lock, wait for it instead of exiting with 1")
    run.add_argument("--verbose", action="store_true", help="log debug detail (tracebacks of failures)")
    run.set_defaults(run=run_scheduler, runner=None)

    status = actions.add_parser(
        "status",
        help="each job's last run, its outcome and the next due time",
        description="Each job's last run, its outcome and when it is next due. Exit code 1 if a "
        "job's last run failed or was interrupted.",
    )
    _config_option(status)
    status.set_defaults(run=show_status)

    history = actions.add_parser("history", help="list past runs, latest first",
                                 description="List runs from the history database, latest slot first.")
    _config_option(history)
    history.add_argument("--job", metavar="NAME", help="only this job's runs")
    history.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N runs (20)")
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.set_defaults(run=show_history)


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help=f"organisation configuration (TOML); default ${CONFIG_ENV_VAR}")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _load(args: argparse.Namespace) -> OrgConfig:
    path: Path | None = args.config
    if path is None and os.environ.get(CONFIG_ENV_VAR):
        path = Path(os.environ[CONFIG_ENV_VAR])
    if path is None:
        raise ConfigError(f"no configuration: pass --config FILE or set {CONFIG_ENV_VAR}")
    return load_checked(path)


# -- run ------------------------------------------------------------------------------


def run_scheduler(args: argparse.Namespace) -> int:
    config = _load(args)
    if not scheduled_jobs(config):
        print(f"backoffice: {config.source}: no enabled [[jobs]]; nothing to schedule", file=sys.stderr)
        return EXIT_CANNOT_RUN
    settings = config.scheduler
    runner: Runner = args.runner or consolidation_runner
    handlers = configure_logging(
        config.resolve(settings.log_file), max_bytes=settings.log_max_bytes,
        backups=settings.log_backups, verbose=args.verbose,
    )
    history_path = default_history_path(config)
    lock = SchedulerLock(lock_path(history_path))
    shutdown = Shutdown(settings.shutdown_grace_seconds)
    try:
        with handle_signals(shutdown):
            try:
                lock.acquire(wait=args.wait, cancel=shutdown.event, on_wait=_say_waiting)
            except LockHeld as exc:
                if shutdown.requested:
                    print("backoffice: stopped while waiting for the lock", file=sys.stderr)
                    return EXIT_OK
                print(f"backoffice: {exc}", file=sys.stderr)
                return EXIT_PROBLEMS
            try:
                with History(history_path) as history:
                    scheduler = Scheduler(config, history=history, runner=runner, shutdown=shutdown)
                    if not args.once:
                        scheduler.run_forever()
                        return EXIT_OK
                    records = scheduler.run_once()
                    if not records:
                        log.info("nothing due")
                    bad = [r for r in records if r.status in (FAILED, INTERRUPTED)]
                    return EXIT_PROBLEMS if bad else EXIT_OK
            finally:
                lock.release()
    finally:
        remove_handlers(handlers)


def _say_waiting(owner: str) -> None:
    log.info("another scheduler holds the lock (%s); waiting for it to stop", owner or "owner unknown")


# -- status and history ---------------------------------------------------------------------


def _open_history(config: OrgConfig) -> History | None:
    path = default_history_path(config)
    if not path.is_file():
        print(f"no runs yet (no history file at {path})")
        return None
    return History(path)


def _when(moment: datetime | None, tz: tzinfo) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip()


def show_status(args: argparse.Namespace) -> int:
    config = _load(args)
    jobs = scheduled_jobs(config, enabled_only=False)
    if not jobs:
        print(f"{config.source}: no [[jobs]] configured")
        return EXIT_OK
    history = _open_history(config)
    now = SYSTEM_CLOCK.now()
    problems = False
    try:
        for job in jobs:
            last = history.last(job.name) if history is not None else None
            print(f"{job.name}: {job.rule.describe()}")
            print(f"  last run:  {_last_text(job, last)}")
            if last is not None and last.error:
                print(f"  error:     {last.error}")
            if last is not None and last.report_path and last.status == SUCCEEDED:
                print(f"  report:    {last.report_path}")
            following = _when(job.rule.next(now), job.zone) if job.config.enabled else "- (disabled)"
            print(f"  next due:  {following}")
            problems = problems or (last is not None and last.status in (FAILED, INTERRUPTED))
    finally:
        if history is not None:
            history.close()
    return EXIT_PROBLEMS if problems else EXIT_OK


def _last_text(job: ScheduledJob, last: RunRecord | None) -> str:
    if last is None:
        return "none yet"
    text = f"{_when(last.scheduled, job.zone)}  {last.status}"
    if last.catch_up:
        text += " (catch-up)"
    if last.ended is not None:
        text += f", ended {_when(last.ended, job.zone)}"
    return text


def show_history(args: argparse.Namespace) -> int:
    config = _load(args)
    zones = {job.name: job.zone for job in scheduled_jobs(config, enabled_only=False)}
    fallback = zone(config.scheduler.timezone)
    history = _open_history(config) if args.format == "text" else None
    if args.format == "json":
        path = default_history_path(config)
        history = History(path) if path.is_file() else None
    try:
        runs = history.runs(job=args.job, limit=args.limit) if history is not None else []
    finally:
        if history is not None:
            history.close()
    if args.format == "json":
        json.dump([_as_json(run) for run in runs], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if history is not None and not runs:
        print(f"no runs of job {args.job!r}" if args.job else "no runs yet")
    for run in runs:
        print(_history_line(run, zones.get(run.job, fallback)))
    return EXIT_OK


def _history_line(run: RunRecord, tz: tzinfo) -> str:
    flags = " catch-up" if run.catch_up else ""
    head = f"{_when(run.scheduled, tz):<22} {run.job:<16} {run.status:<15}{flags}"
    details: list[str] = []
    if run.started is not None:
        took = f", {(run.ended - run.started).total_seconds():.1f} s" if run.ended else ""
        tries = f", {run.attempts} attempts" if run.attempts > 1 else ""
        details.append(f"started {_when(run.started, tz)}{took}{tries}")
    if run.status == SUCCEEDED:
        details.append(
            f"rows read {run.rows_read}, accepted {run.rows_accepted}, rejected {run.rows_rejected}; "
            f"{run.issues} issue(s); report {run.report_path or '-'}"
        )
        if run.report_sha256:
            details.append(f"sha256 {run.report_sha256}")
    if run.error:
        details.append(f"error: {run.error}")
    if run.note:
        details.append(run.note)
    return head + ("\n    " + "\n    ".join(details) if details else "")


def _as_json(run: RunRecord) -> dict[str, object]:
    def text(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {
        "id": run.id, "job": run.job, "scheduled": text(run.scheduled), "status": run.status,
        "catch_up": run.catch_up, "attempts": run.attempts, "started": text(run.started),
        "ended": text(run.ended), "period": run.period, "report_path": run.report_path,
        "report_sha256": run.report_sha256, "rows_read": run.rows_read,
        "rows_accepted": run.rows_accepted, "rows_rejected": run.rows_rejected, "issues": run.issues,
        "error": run.error, "note": run.note,
    }
