"""The ``[[jobs]]`` and ``[scheduler]`` sections of the organisation configuration.

A job, in TOML::

    [[jobs]]
    name = "month-end"
    inbox = "inbox"                                  # relative to the configuration file
    report = "reports/{period}/consolidated-{date}.xlsx"
    period = "previous-month"                        # or "current-month"
    timing = { every = "month", day = 1, at = "06:00" }

Timings: ``{ every = "minutes", interval = 15 }``, ``{ every = "day", at = "06:00" }``,
``{ every = "week", weekday = "monday", at = "07:30" }``,
``{ every = "month", day = 31, at = "18:00" }`` (day 31 means the last day of a
shorter month). See :mod:`addin.scheduling.timing`.

This module imports nothing from :mod:`addin.settings`, which imports it.
"""

from __future__ import annotations

import re
import string
from datetime import time, tzinfo
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from addin.scheduling.clock import zone
from addin.scheduling.timing import WEEKDAYS, Daily, EveryMinutes, Monthly, TimingRule, Weekly

PLACEHOLDERS = ("period", "date")


def _time_of_day(value: object) -> object:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"{value!r} is not a time of day: write HH:MM, from 00:00 to 23:59")
        return time(int(match[1]), int(match[2]))
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError("write the time without an offset; the zone is scheduler.timezone")
        return value
    raise ValueError(f"{value!r} is not a time of day: write \"HH:MM\", e.g. \"06:00\"")


TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]


def _weekday(value: object) -> object:
    if isinstance(value, str):
        key = value.strip().lower()
        for name in WEEKDAYS:
            if len(key) >= 3 and name.startswith(key):
                return name
    raise ValueError(f"{value!r} is not a weekday: write monday, tuesday, ... sunday")


Weekday = Annotated[
    Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    BeforeValidator(_weekday),
]


def _zone_name(value: str) -> str:
    zone(value)  # raises ValueError with a message for people
    return value


ZoneName = Annotated[str, AfterValidator(_zone_name)]


def _report_pattern(value: str) -> str:
    if not value.strip():
        raise ValueError("the report path is empty")
    try:
        fields = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"{value!r}: {exc}; write {{period}} or {{date}}, and {{{{ for a brace") from None
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            raise ValueError(
                f"{value!r}: unknown placeholder {{{field}}}; only {{period}} (2026-10) and "
                "{date} (2026-11-01) may be used"
            )
    return value


ReportPattern = Annotated[str, AfterValidator(_report_pattern)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EveryMinutesTiming(_Section):
    """``{ every = "minutes", interval = 15 }``"""

    every: Literal["minutes"]
    interval: Annotated[int, Field(ge=1, le=1440)]

    def rule(self, tz: tzinfo) -> TimingRule:
        return EveryMinutes(self.interval)


class DailyTiming(_Section):
    """``{ every = "day", at = "06:00" }``"""

    every: Literal["day"]
    at: TimeOfDay

    def rule(self, tz: tzinfo) -> TimingRule:
        return Daily(self.at, tz)


class WeeklyTiming(_Section):
    """``{ every = "week", weekday = "monday", at = "07:30" }``"""

    every: Literal["week"]
    weekday: Weekday
    at: TimeOfDay

    def rule(self, tz: tzinfo) -> TimingRule:
        return Weekly(self.at, tz, weekday=WEEKDAYS.index(self.weekday))


class MonthlyTiming(_Section):
    """``{ every = "month", day = 31, at = "18:00" }``: day 31 is the last day of shorter months."""

    every: Literal["month"]
    day: Annotated[int, Field(ge=1, le=31)]
    at: TimeOfDay

    def rule(self, tz: tzinfo) -> TimingRule:
        return Monthly(self.at, tz, day=self.day)


Timing = Annotated[
    EveryMinutesTiming | DailyTiming | WeeklyTiming | MonthlyTiming, Field(discriminator="every")
]


class JobConfig(_Section):
    """One scheduled consolidation."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    # Where the departments' workbooks are, and where the report goes (may use
    # {period} and {date}); relative paths are taken from the configuration file's folder.
    inbox: Path
    report: ReportPattern
    # Which month the report is for, seen from the slot's date.
    period: Literal["previous-month", "current-month"] = "previous-month"
    timing: Timing
    # Overrides scheduler.timezone for this job.
    timezone: ZoneName | None = None
    enabled: bool = True
    payroll_detail: bool = False
    # A failed attempt is tried again after retry_delay_seconds, doubling each time.
    attempts: Annotated[int, Field(ge=1, le=10)] = 3
    retry_delay_seconds: Annotated[float, Field(ge=0, le=86_400)] = 60
    # An attempt running longer is stopped and counts as failed.
    timeout_minutes: Annotated[float, Field(gt=0, le=1440)] = 60
    # Override the scheduler-wide values.
    grace_minutes: Annotated[float, Field(ge=0)] | None = None
    on_failure: str | None = None


class SchedulerSettings(_Section):
    """How ``backoffice schedule run`` behaves; paths relative to the configuration file."""

    # IANA zone for the jobs' times ("Europe/Berlin"); default: this machine's zone.
    timezone: ZoneName | None = None
    history: Path = Path("backoffice-schedule.sqlite")
    log_file: Path = Path("backoffice-schedule.log")
    log_max_bytes: Annotated[int, Field(ge=10_000)] = 1_000_000
    log_backups: Annotated[int, Field(ge=0, le=100)] = 5
    # Longest sleep between two looks at the clock.
    poll_seconds: Annotated[float, Field(ge=1, le=300)] = 30
    # A slot missed while the scheduler was not running is run once at start
    # (a catch-up run) unless it is older than this; then it is recorded as skipped.
    grace_minutes: Annotated[float, Field(ge=0)] = 1440
    # A slot found at start less than this late is an ordinary run, not a catch-up.
    catch_up_after_minutes: Annotated[float, Field(ge=0)] = 5
    # After SIGINT/SIGTERM, how long a run in progress may take to finish before
    # it is stopped and recorded as interrupted.
    shutdown_grace_seconds: Annotated[float, Field(ge=0, le=3600)] = 30
    # A shell command run when a job fails for good, with BACKOFFICE_JOB,
    # BACKOFFICE_ERROR, BACKOFFICE_SCHEDULED and BACKOFFICE_RUN_ID set.
    on_failure: str | None = None
