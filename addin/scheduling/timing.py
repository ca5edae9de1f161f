"""Timing rules: when a job's slots fall, as pure functions of time.

A *slot* is an instant a job is meant to run at. Every rule answers two
questions, for any aware datetime ``t``:

* :meth:`~TimingRule.latest` -- the last slot at or before ``t`` (what is due);
* :meth:`~TimingRule.next` -- the first slot after ``t`` (when to wake up).

Slots depend on the rule alone, never on when the scheduler happened to
start, so the same slot gets the same key in every process and after every
restart. The vocabulary follows the ``schedule`` package:

* ``EveryMinutes(15)``: every 15 minutes of elapsed time, counted from
  1970-01-01 00:00 UTC (so :00, :15, :30, :45 in any zone with a whole-hour
  offset); a daylight-saving change neither skips nor repeats a slot.
* ``Daily(time(6), zone)``: every day at 06:00 local time.
* ``Weekly(time(7, 30), zone, weekday=0)``: every Monday (0) ... Sunday (6).
* ``Monthly(time(6), zone, day=31)``: on day 31 of every month. ``schedule``
  has no monthly rule, so this is the daily rule with a date check. A day the
  month does not have means its last day: day 31 runs on 30 April and on
  28 (or 29) February, day 30 on 28 (29) February.

Local times and daylight saving: a time that does not exist on the day the
clocks go forward (02:30 in most of Europe) runs as late as the gap is long
(03:30); a time that happens twice on the day the clocks go back runs once,
at its first occurrence.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from addin.scheduling.clock import zone_name

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# The longest gap between two slots of a calendar rule is 31 days; a generous bound.
_SEARCH_DAYS = 400


class TimingRule(Protocol):
    """When a job runs."""

    def latest(self, at_or_before: datetime) -> datetime:
        """The last slot at or before ``at_or_before``."""
        ...

    def next(self, after: datetime) -> datetime:
        """The first slot strictly after ``after``."""
        ...

    def describe(self) -> str:
        """The rule in words."""
        ...


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timing rules need timezone-aware datetimes")
    return moment


@dataclass(frozen=True, slots=True)
class EveryMinutes:
    """Every ``minutes`` minutes of elapsed time."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise ValueError("minutes must be at least 1")

    @property
    def _step(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    def latest(self, at_or_before: datetime) -> datetime:
        elapsed = _aware(at_or_before) - EPOCH
        return EPOCH + (elapsed // self._step) * self._step

    def next(self, after: datetime) -> datetime:
        return self.latest(after) + self._step

    def describe(self) -> str:
        return "every minute" if self.minutes == 1 else f"every {self.minutes} minutes"


@dataclass(frozen=True, slots=True)
class _AtTimeOfDay:
    """Base of the calendar rules: some days, at a local time of day."""

    at: time
    zone: tzinfo

    def _runs_on(self, day: date) -> bool:
        raise NotImplementedError

    def slot_on(self, day: date) -> datetime:
        """The slot on local date ``day`` (whether or not the rule runs that day), in UTC."""
        local = datetime.combine(day, self.at.replace(tzinfo=None), tzinfo=self.zone)
        return local.astimezone(UTC)

    def latest(self, at_or_before: datetime) -> datetime:
        moment = _aware(at_or_before)
        day = moment.astimezone(self.zone).date()
        for _ in range(_SEARCH_DAYS):
            if self._runs_on(day):
                slot = self.slot_on(day)
                if slot <= moment:
                    return slot
            day -= timedelta(days=1)
        raise ValueError(f"no slot of {self.describe()} before {moment.isoformat()}")

    def next(self, after: datetime) -> datetime:
        moment = _aware(after)
        day = moment.astimezone(self.zone).date()
        for _ in range(_SEARCH_DAYS):
            if self._runs_on(day):
                slot = self.slot_on(day)
                if slot > moment:
                    return slot
            day += timedelta(days=1)
        raise ValueError(f"no slot of {self.describe()} after {moment.isoformat()}")

    def _at_text(self) -> str:
        return f"at {self.at:%H:%M} ({zone_name(self.zone)})"

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Daily(_AtTimeOfDay):
    """Every day at ``at``."""

    def _runs_on(self, day: date) -> bool:
        return True

    def describe(self) -> str:
        return f"daily {self._at_text()}"


@dataclass(frozen=True, slots=True)
class Weekly(_AtTimeOfDay):
    """Every week on ``weekday`` (0 Monday ... 6 Sunday) at ``at``."""

    weekday: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")

    def _runs_on(self, day: date) -> bool:
        return day.weekday() == self.weekday

    def describe(self) -> str:
        return f"weekly on {WEEKDAYS[self.weekday].capitalize()} {self._at_text()}"


@dataclass(frozen=True, slots=True)
class Monthly(_AtTimeOfDay):
    """Every month on ``day`` (1-31; the month's last day if it is shorter) at ``at``."""

    day: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError("day must be 1 to 31")

    def _runs_on(self, day: date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.day, last)

    def describe(self) -> str:
        shorter = ", or the last day of a shorter month" if self.day > 28 else ""
        return f"monthly on day {self.day}{shorter} {self._at_text()}"


def count_between(rule: TimingRule, after: datetime, before: datetime, limit: int = 10_000) -> int:
    """How many slots fall strictly between ``after`` and ``before`` (at most ``limit``)."""
    count = 0
    slot = rule.next(after)
    while slot < before and count < limit:
        count += 1
        slot = rule.next(slot)
    return count
