"""Timing rules fire at the right instants: month and year boundaries, short months, DST.

All instants are written in UTC; Europe/Berlin is UTC+1 in winter and UTC+2 in
summer (2026: from 29 March to 25 October; 2027: from 28 March).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.scheduling.clock import local_zone, zone
from addin.scheduling.history import SUCCEEDED, History
from addin.scheduling.timing import Daily, EveryMinutes, Monthly, TimingRule, Weekly, count_between
from tests.scheduling_support import (
    FakeClock,
    RecordingRunner,
    drive,
    job_toml,
    make_scheduler,
    utc,
    write_config,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def slots(rule: TimingRule, start: datetime, end: datetime) -> list[datetime]:
    found, slot = [], rule.next(start)
    while slot <= end:
        found.append(slot)
        slot = rule.next(slot)
    return found


def test_monthly_day_31_is_the_last_day_of_short_months_across_a_year_and_dst() -> None:
    rule = Monthly(time(6), BERLIN, day=31)
    assert slots(rule, utc(2026, 12, 15), utc(2027, 5, 5)) == [
        utc(2026, 12, 31, 5), utc(2027, 1, 31, 5), utc(2027, 2, 28, 5),
        utc(2027, 3, 31, 4), utc(2027, 4, 30, 4),  # summer time from 28 March
    ]


def test_monthly_day_30_in_a_leap_february() -> None:
    rule = Monthly(time(0, 15), BERLIN, day=30)
    assert slots(rule, utc(2028, 1, 1), utc(2028, 4, 1)) == [
        utc(2028, 1, 29, 23, 15), utc(2028, 2, 28, 23, 15), utc(2028, 3, 29, 22, 15),
    ]


def test_daily_across_the_spring_gap_and_the_autumn_fold() -> None:
    rule = Daily(time(2, 30), BERLIN)
    # 28 March 2027: 02:30 does not exist; it runs an hour late, at 03:30 summer time.
    assert slots(rule, utc(2027, 3, 26), utc(2027, 3, 30)) == [
        utc(2027, 3, 26, 1, 30), utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30),
        utc(2027, 3, 29, 0, 30),
    ]
    # 25 October 2026: 02:30 happens twice; it runs once, at the first.
    assert slots(rule, utc(2026, 10, 24), utc(2026, 10, 27)) == [
        utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30),
    ]


def test_weekly_across_a_year_boundary_in_another_zone() -> None:
    rule = Weekly(time(23, 30), NEW_YORK, weekday=4)  # Friday 23:30 New York = Saturday 04:30 UTC
    assert slots(rule, utc(2026, 12, 20), utc(2027, 1, 10)) == [
        utc(2026, 12, 26, 4, 30), utc(2027, 1, 2, 4, 30), utc(2027, 1, 9, 4, 30),
    ]


def test_every_n_minutes_is_elapsed_time_through_the_autumn_fold() -> None:
    rule = EveryMinutes(45)
    assert slots(rule, utc(2026, 10, 24, 23, 59), utc(2026, 10, 25, 2, 15)) == [
        utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 30),
        utc(2026, 10, 25, 2, 15),
    ]
    # Local: 02:00 and 02:45 summer time, then 02:30 and 03:15 winter time.
    assert [s.astimezone(BERLIN).strftime("%H:%M%z") for s in slots(
        rule, utc(2026, 10, 24, 23, 59), utc(2026, 10, 25, 2, 15))] == [
        "02:00+0200", "02:45+0200", "02:30+0100", "03:15+0100"]


def test_count_between() -> None:
    assert count_between(Daily(time(6), BERLIN), utc(2026, 11, 1, 5), utc(2026, 11, 5, 5)) == 3
    assert count_between(EveryMinutes(1), utc(2026, 1, 1), utc(2026, 2, 1), limit=100) == 100


RULES = st.sampled_from([
    EveryMinutes(1), EveryMinutes(45), EveryMinutes(1440), Daily(time(2, 30), BERLIN),
    Daily(time(0, 0), NEW_YORK), Weekly(time(23, 59), BERLIN, weekday=6),
    Monthly(time(2, 30), BERLIN, day=31), Monthly(time(12), NEW_YORK, day=29),
])


@settings(max_examples=300, deadline=None)
@given(rule=RULES, moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                                      timezones=st.just(UTC)))
def test_latest_and_next_surround_every_instant(rule: TimingRule, moment: datetime) -> None:
    latest, following = rule.latest(moment), rule.next(moment)
    assert latest <= moment < following
    assert rule.next(latest) == following
    assert rule.latest(following) == following
    assert rule.latest(following - timedelta(microseconds=1)) == latest


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Daily(time(6), BERLIN).latest(datetime(2026, 1, 1))


def test_zone_names_and_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert zone("UTC") == ZoneInfo("UTC")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone() == NEW_YORK
    assert zone(None) == NEW_YORK


# --- Through the scheduler: each slot runs once, exactly at its instant ------------------------

SCENARIOS = {
    "monthly day 31: year end, February, DST": (
        '{ every = "month", day = 31, at = "06:00" }', None, utc(2026, 12, 15), utc(2027, 5, 5),
        [utc(2026, 12, 31, 5), utc(2027, 1, 31, 5), utc(2027, 2, 28, 5), utc(2027, 3, 31, 4),
         utc(2027, 4, 30, 4)],
    ),
    "daily 02:30 through the spring gap": (
        '{ every = "day", at = "02:30" }', None, utc(2027, 3, 26), utc(2027, 3, 30),
        [utc(2027, 3, 26, 1, 30), utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30),
         utc(2027, 3, 29, 0, 30)],
    ),
    "daily 02:30 through the autumn fold": (
        '{ every = "day", at = "02:30" }', None, utc(2026, 10, 24), utc(2026, 10, 27),
        [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
    ),
    "daily across the month and year end": (
        '{ every = "day", at = "23:45" }', None, utc(2026, 12, 30), utc(2027, 1, 2),
        [utc(2026, 12, 30, 22, 45), utc(2026, 12, 31, 22, 45), utc(2027, 1, 1, 22, 45)],
    ),
    "weekly Friday 23:30 New York across the year end": (
        '{ every = "week", weekday = "fri", at = "23:30" }', "America/New_York",
        utc(2026, 12, 20), utc(2027, 1, 10),
        [utc(2026, 12, 26, 4, 30), utc(2027, 1, 2, 4, 30), utc(2027, 1, 9, 4, 30)],
    ),
    "every 45 minutes through the autumn fold": (
        '{ every = "minutes", interval = 45 }', None, utc(2026, 10, 24, 23, 59),
        utc(2026, 10, 25, 2, 15),
        [utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1, 30),
         utc(2026, 10, 25, 2, 15)],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_scheduler_fires_each_slot_at_its_instant(tmp_path: Path, name: str) -> None:
    timing, tz, start, end, expected = SCENARIOS[name]
    options: dict[str, object] = {"timezone": tz} if tz else {}
    # No grace: a slot already past when the test starts is recorded as skipped, not run.
    path = write_config(tmp_path, job_toml("job", timing, **options), "grace_minutes = 0")
    clock = FakeClock(start)
    runner = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, end)
    assert [call.scheduled for call in runner.calls] == expected
    assert [call.at for call in runner.calls] == expected  # run at the instant, not later
    history = History(tmp_path / "backoffice-schedule.sqlite")
    ran = [run for run in history.runs() if run.status == SUCCEEDED]
    assert sorted(run.scheduled for run in ran) == expected
    assert not any(run.catch_up for run in ran)


def test_periods_and_report_paths_follow_the_slot_in_the_job_zone(tmp_path: Path) -> None:
    # 1 January 00:30 in Berlin is still 31 December in UTC: the job's zone decides.
    path = write_config(tmp_path, job_toml("prev", '{ every = "day", at = "00:30" }')
                        + job_toml("cur", '{ every = "day", at = "00:30" }', period="current-month"))
    clock = FakeClock(utc(2026, 12, 31, 23, 30))
    runner = RecordingRunner(clock)
    make_scheduler(path, clock, runner).run_pending()
    assert {(c.job, c.period, c.report.name) for c in runner.calls} == {
        ("prev", "2026-12", "prev-2026-12-2027-01-01.xlsx"),
        ("cur", "2027-01", "cur-2027-01-2027-01-01.xlsx"),
    }
    assert all(c.report.parent == tmp_path / "reports" for c in runner.calls)
