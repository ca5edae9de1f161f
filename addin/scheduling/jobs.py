"""Configured jobs made ready to schedule: rule, zone, paths, and the failure hook."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from addin.scheduling.clock import zone
from addin.scheduling.config import JobConfig
from addin.scheduling.history import RunRecord
from addin.scheduling.runner import RunRequest
from addin.scheduling.timing import TimingRule

if TYPE_CHECKING:
    from addin.settings import OrgConfig

log = logging.getLogger("addin.scheduling")


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A job from the configuration, with everything the scheduler derives from it."""

    config: JobConfig
    rule: TimingRule
    zone: tzinfo
    inbox: Path
    grace: timedelta
    on_failure: str | None

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def timeout(self) -> float:
        return self.config.timeout_minutes * 60

    def period_for(self, slot: datetime) -> str:
        """The reporting period ("2026-10") of a slot, by the job's period rule."""
        day = slot.astimezone(self.zone).date()
        if self.config.period == "previous-month":
            day = day.replace(day=1) - timedelta(days=1)
        return f"{day.year:04d}-{day.month:02d}"

    def report_for(self, slot: datetime, org: OrgConfig) -> Path:
        """The report path of a slot: the pattern with {period} and {date} filled in."""
        local: date = slot.astimezone(self.zone).date()
        text = self.config.report.format(period=self.period_for(slot), date=local.isoformat())
        return org.resolve(Path(text))

    def request(self, slot: datetime, org: OrgConfig, attempt: int = 1) -> RunRequest:
        return RunRequest(
            job=self.name, scheduled=slot, period=self.period_for(slot), inbox=self.inbox,
            report=self.report_for(slot, org), config=org, payroll_detail=self.config.payroll_detail,
            attempt=attempt,
        )

    def local(self, moment: datetime) -> str:
        """``moment`` in the job's zone, for people: 2026-11-01 06:00 CET."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z").strip()


def scheduled_job(job: JobConfig, org: OrgConfig) -> ScheduledJob:
    settings = org.scheduler
    tz = zone(job.timezone or settings.timezone)
    grace = job.grace_minutes if job.grace_minutes is not None else settings.grace_minutes
    return ScheduledJob(
        config=job, rule=job.timing.rule(tz), zone=tz, inbox=org.resolve(job.inbox),
        grace=timedelta(minutes=grace), on_failure=job.on_failure or settings.on_failure,
    )


def scheduled_jobs(org: OrgConfig, *, enabled_only: bool = True) -> list[ScheduledJob]:
    return [scheduled_job(job, org) for job in org.jobs if job.enabled or not enabled_only]


def job_problems(org: OrgConfig) -> list[str]:
    """What is wrong across jobs (each job alone is checked by pydantic)."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, job in enumerate(org.jobs):
        if job.name in seen:
            problems.append(
                f'jobs[{index}] (name "{job.name}"): name: already used by jobs[{seen[job.name]}]; '
                "every job needs its own name (it keys the run history)"
            )
        else:
            seen[job.name] = index
    return problems


FailureHook = Callable[[ScheduledJob, RunRecord], None]


def shell_hook(job: ScheduledJob, record: RunRecord, *, timeout: float = 120) -> None:
    """Run the job's ``on_failure`` command, if any, with the failure in its environment.

    ``BACKOFFICE_JOB``, ``BACKOFFICE_ERROR``, ``BACKOFFICE_SCHEDULED`` (ISO 8601),
    ``BACKOFFICE_RUN_ID``, ``BACKOFFICE_STATUS``, ``BACKOFFICE_ATTEMPTS``. A hook that
    fails or hangs is logged; it never stops the scheduler.
    """
    if not job.on_failure:
        return
    env = {
        **os.environ,
        "BACKOFFICE_JOB": job.name,
        "BACKOFFICE_ERROR": record.error or "",
        "BACKOFFICE_SCHEDULED": record.scheduled.astimezone(job.zone).isoformat(),
        "BACKOFFICE_RUN_ID": str(record.id),
        "BACKOFFICE_STATUS": record.status,
        "BACKOFFICE_ATTEMPTS": str(record.attempts),
    }
    try:
        # The organisation's own command, from its configuration file: a shell on purpose.
        done = subprocess.run(  # noqa: S602
            job.on_failure, shell=True, env=env, timeout=timeout, capture_output=True, text=True,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.error("%s: the on_failure command could not run: %s", job.name, exc)
        return
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip().splitlines()
        log.error(
            "%s: the on_failure command exited with code %d%s", job.name, done.returncode,
            f": {output[-1]}" if output else "",
        )
    else:
        log.info("%s: on_failure command run", job.name)
