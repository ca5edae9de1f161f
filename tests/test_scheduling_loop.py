"""The loop on a clock the tests control: catch-up, clock jumps, failures, retries, overlap."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from addin.scheduling.history import History
from tests.scheduling_support import (
    FakeClock,
    RecordingRunner,
    drive,
    job_toml,
    make_scheduler,
    statuses,
    utc,
    write_config,
)

DAILY = '{ every = "day", at = "06:00" }'  # 05:00 UTC in Berlin's winter
QUARTER = '{ every = "minutes", interval = 15 }'


def history_of(folder: Path) -> History:
    return History(folder / "backoffice-schedule.sqlite")


def test_clock_jumping_forward_three_days_gives_one_catch_up_run(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("daily", DAILY) + job_toml("quarter", QUARTER))
    clock = FakeClock(utc(2026, 11, 2, 5))
    runner = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, utc(2026, 11, 3, 12))
    before = len(runner.calls)
    clock.set(utc(2026, 11, 6, 12))  # the wall clock jumps three days (or the machine slept)
    scheduler.run_pending()
    caught_up = runner.calls[before:]
    assert sorted((c.job, c.scheduled) for c in caught_up) == [
        ("daily", utc(2026, 11, 6, 5)), ("quarter", utc(2026, 11, 6, 12))]
    history = history_of(tmp_path)
    daily = history.last("daily")
    assert daily is not None and daily.catch_up
    assert daily.note == "catch-up: slot passed 7 h before the scheduler ran it; 2 earlier slot(s) not run"
    quarter = history.last("quarter")
    assert quarter is not None and quarter.catch_up
    assert quarter.note == "catch-up: 287 earlier slot(s) not run"
    drive(scheduler, clock, utc(2026, 11, 7, 6))
    assert runner.slots("daily") == [utc(2026, 11, d, 5) for d in (2, 3, 6, 7)]
    assert [r.catch_up for r in reversed(history.runs(job="daily"))] == [False, False, True, False]
    # Nothing was run for the slots in the jump.
    assert not [s for s in runner.slots("quarter") if utc(2026, 11, 3, 12) < s < utc(2026, 11, 6, 12)]


def test_clock_set_back_twelve_hours_neither_stalls_nor_runs_a_slot_twice(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("daily", DAILY) + job_toml("quarter", QUARTER))
    clock = FakeClock(utc(2026, 11, 2, 5))
    runner = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, utc(2026, 11, 3, 0))
    clock.set(utc(2026, 11, 2, 12))  # set back 12 hours
    drive(scheduler, clock, utc(2026, 11, 3, 12))
    quarter = runner.slots("quarter")
    assert len(quarter) == len(set(quarter))  # no slot twice
    expected, slot = [], utc(2026, 11, 2, 5)
    while slot <= utc(2026, 11, 3, 12):
        expected.append(slot)
        slot += timedelta(minutes=15)
    assert quarter == expected  # and none missing after the clock went back: no stall
    assert runner.slots("daily") == [utc(2026, 11, 2, 5), utc(2026, 11, 3, 5)]
    assert all(call.at == call.scheduled for call in runner.calls if call.scheduled > utc(2026, 11, 3, 0))


def test_stopped_for_three_slots_then_started_runs_one_catch_up(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("daily", DAILY))
    clock = FakeClock(utc(2026, 11, 2, 5))
    first = RecordingRunner(clock)
    drive(make_scheduler(path, clock, first), clock, utc(2026, 11, 3, 5, 30))
    assert first.slots() == [utc(2026, 11, 2, 5), utc(2026, 11, 3, 5)]
    clock.set(utc(2026, 11, 6, 5, 30))  # stopped: the slots of 4, 5 and 6 November passed
    second = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, second)
    drive(scheduler, clock, utc(2026, 11, 7, 5))
    assert second.slots() == [utc(2026, 11, 6, 5), utc(2026, 11, 7, 5)]
    runs = history_of(tmp_path).runs(job="daily")
    assert statuses(runs) == [("daily", f"2026-11-0{d} 05:00", "succeeded") for d in (2, 3, 6, 7)]
    assert [r.catch_up for r in reversed(runs)] == [False, False, True, False]
    assert runs[1].note == (
        "catch-up: slot passed 30 min before the scheduler ran it; 2 earlier slot(s) not run")


def test_a_missed_slot_older_than_the_grace_period_is_recorded_as_skipped(tmp_path: Path) -> None:
    weekly = '{ every = "week", weekday = "monday", at = "06:00" }'
    path = write_config(tmp_path, job_toml("weekly", weekly, grace_minutes=1440))
    clock = FakeClock(utc(2026, 11, 4, 9))  # Wednesday: Monday's slot is two days old
    runner = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, utc(2026, 11, 9, 5))
    assert runner.slots() == [utc(2026, 11, 9, 5)]
    history = history_of(tmp_path)
    assert statuses(history.runs()) == [("weekly", "2026-11-02 05:00", "skipped-late"),
                                        ("weekly", "2026-11-09 05:00", "succeeded")]
    skipped = history.runs()[1]
    assert skipped.catch_up and skipped.note is not None
    assert "older than the grace period of 24 h" in skipped.note


def test_a_run_started_by_a_timer_soon_after_its_slot_is_not_a_catch_up(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("quarter", QUARTER))
    for minute in (0, 15, 30):  # `schedule run --once` from cron, a little after each slot
        clock = FakeClock(utc(2026, 11, 2, 9, minute) + timedelta(seconds=20))
        runner = RecordingRunner(clock)
        assert [r.status for r in make_scheduler(path, clock, runner).run_once()] == ["succeeded"]
    runs = history_of(tmp_path).runs()
    assert [(r.catch_up, r.attempts) for r in runs] == [(False, 1)] * 3


def test_a_failing_job_retries_with_backoff_and_the_others_still_run(tmp_path: Path) -> None:
    hook_out = tmp_path / "hook.txt"
    bad = job_toml("bad", DAILY, attempts=3, retry_delay_seconds=60) + (
        f"on_failure = 'printf \"%s|%s|%s|%s\" \"$BACKOFFICE_JOB\" \"$BACKOFFICE_STATUS\" "
        f"\"$BACKOFFICE_ATTEMPTS\" \"$BACKOFFICE_ERROR\" > \"{hook_out}\"'\n")
    flaky = job_toml("flaky", DAILY, attempts=2, retry_delay_seconds=30)
    good = job_toml("good", DAILY)
    path = write_config(tmp_path, bad + flaky + good)
    clock = FakeClock(utc(2026, 11, 2, 5))
    runner = RecordingRunner(clock, always_fail={"bad"}, failures={"flaky": 1})
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, utc(2026, 11, 3, 5))
    t0 = utc(2026, 11, 2, 5)
    assert [(c.job, c.attempt, c.at - t0) for c in runner.calls if c.scheduled == t0] == [
        ("bad", 1, timedelta(0)), ("flaky", 1, timedelta(0)), ("good", 1, timedelta(0)),
        ("flaky", 2, timedelta(seconds=30)), ("bad", 2, timedelta(seconds=60)),
        ("bad", 3, timedelta(seconds=180)),  # 60 s, then twice that
    ]
    history = history_of(tmp_path)
    runs = {(r.job, r.scheduled): r for r in history.runs()}
    failed = runs["bad", t0]
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.error == "RuntimeError: bad broke on attempt 3"
    assert (runs["flaky", t0].status, runs["flaky", t0].attempts) == ("succeeded", 2)
    assert runs["good", t0].status == "succeeded"
    assert (runs["good", t0].rows_read, runs["good", t0].rows_accepted, runs["good", t0].issues) == (10, 9, 2)
    # The next day everything ran again: the failure stopped nothing.
    assert {job for job, slot in runs if slot == utc(2026, 11, 3, 5)} == {"bad", "flaky", "good"}
    assert hook_out.read_text() == "bad|failed|3|RuntimeError: bad broke on attempt 3"


def test_a_slot_due_while_its_job_still_runs_is_skipped_as_overlap(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("slow", '{ every = "minutes", interval = 5 }'))
    clock = FakeClock(utc(2026, 11, 2, 10))
    runner = RecordingRunner(clock, takes={"slow": timedelta(minutes=12)})
    drive(make_scheduler(path, clock, runner), clock, utc(2026, 11, 2, 10, 30))
    assert statuses(history_of(tmp_path).runs()) == [
        ("slow", "2026-11-02 10:00", "succeeded"), ("slow", "2026-11-02 10:05", "skipped-overlap"),
        ("slow", "2026-11-02 10:10", "skipped-overlap"), ("slow", "2026-11-02 10:15", "succeeded"),
        ("slow", "2026-11-02 10:20", "skipped-overlap"), ("slow", "2026-11-02 10:25", "skipped-overlap"),
        ("slow", "2026-11-02 10:30", "succeeded"),  # runs until 10:42:
        ("slow", "2026-11-02 10:35", "skipped-overlap"), ("slow", "2026-11-02 10:40", "skipped-overlap"),
    ]
    assert runner.slots() == [utc(2026, 11, 2, 10), utc(2026, 11, 2, 10, 15), utc(2026, 11, 2, 10, 30)]


def test_slots_due_while_a_run_waits_to_retry_are_skipped_as_overlap(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("retrying", '{ every = "minutes", interval = 5 }',
                                           attempts=3, retry_delay_seconds=240))
    clock = FakeClock(utc(2026, 11, 2, 10))
    runner = RecordingRunner(clock, failures={"retrying": 2})
    drive(make_scheduler(path, clock, runner), clock, utc(2026, 11, 2, 10, 14))
    assert [(c.attempt, c.at) for c in runner.calls] == [
        (1, utc(2026, 11, 2, 10)), (2, utc(2026, 11, 2, 10, 4)), (3, utc(2026, 11, 2, 10, 12))]
    assert statuses(history_of(tmp_path).runs()) == [
        ("retrying", "2026-11-02 10:00", "succeeded"),
        ("retrying", "2026-11-02 10:05", "skipped-overlap"),
        ("retrying", "2026-11-02 10:10", "skipped-overlap"),
    ]


def test_stopping_while_a_run_waits_to_retry_records_it_interrupted(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("bad", DAILY, attempts=3))
    clock = FakeClock(utc(2026, 11, 2, 5))
    scheduler = make_scheduler(path, clock, RecordingRunner(clock, always_fail={"bad"}))
    scheduler.run_pending()
    scheduler.stop()
    scheduler.run_forever()  # returns at once: stopped
    run = history_of(tmp_path).last("bad")
    assert run is not None
    assert (run.status, run.attempts, run.error) == ("interrupted", 1, "RuntimeError: bad broke on attempt 1")
    assert run.note == "the scheduler stopped while the run waited to retry (after attempt 1)"


def test_a_run_left_running_by_a_dead_scheduler_is_marked_interrupted_at_start(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("daily", DAILY))
    history = history_of(tmp_path)
    history.claim("daily", utc(2026, 11, 2, 5), started=utc(2026, 11, 2, 5), pid=4242)
    clock = FakeClock(utc(2026, 11, 2, 6))
    runner = RecordingRunner(clock)
    make_scheduler(path, clock, runner, history=history).run_pending()
    assert runner.calls == []  # the slot had its run; it is not run a second time
    run = history.last("daily")
    assert run is not None and (run.status, run.pid) == ("interrupted", 4242)
    assert run.note == "the scheduler stopped during this run"


def test_run_once_waits_for_retries_and_returns_the_outcomes(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("flaky", DAILY, attempts=2, retry_delay_seconds=600))
    clock = FakeClock(utc(2026, 11, 2, 5))
    runner = RecordingRunner(clock, failures={"flaky": 1})
    records = make_scheduler(path, clock, runner).run_once()
    assert [(r.status, r.attempts) for r in records] == [("succeeded", 2)]
    assert clock.now() == utc(2026, 11, 2, 5, 10)


def test_disabled_jobs_are_not_scheduled(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("on", DAILY) + job_toml("off", DAILY, enabled=False))
    clock = FakeClock(utc(2026, 11, 2, 5))
    runner = RecordingRunner(clock)
    scheduler = make_scheduler(path, clock, runner)
    scheduler.run_pending()
    assert [c.job for c in runner.calls] == ["on"]
    assert scheduler.next_run == utc(2026, 11, 3, 5)
    assert scheduler.idle_seconds == 86_400
