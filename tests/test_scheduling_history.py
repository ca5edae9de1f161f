"""The history database, and `schedule status` / `schedule history` printing what it holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from addin.cli import main
from addin.scheduling.clock import SYSTEM_CLOCK
from addin.scheduling.history import History, RunRecord
from addin.scheduling.runner import RunResult
from addin.settings import load_config
from tests.scheduling_support import (
    FakeClock,
    RecordingRunner,
    drive,
    job_toml,
    make_scheduler,
    utc,
    write_config,
)


def test_the_history_is_sqlite_in_wal_mode_keyed_by_job_and_slot(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    slot = utc(2026, 11, 1, 5)
    run_id = history.claim("a", slot, started=utc(2026, 11, 1, 5, 0), catch_up=True, period="2026-10",
                           report_path=tmp_path / "r.xlsx", note="catch-up: x", pid=7)
    assert run_id is not None
    assert history.claim("a", slot, started=utc(2026, 11, 1, 6)) is None  # the slot is taken
    assert history.record("a", slot, "skipped-overlap", at=utc(2026, 11, 1, 6)) is None
    history.attempt(run_id, 1)
    history.finish(run_id, "succeeded", ended=utc(2026, 11, 1, 5, 2),
                   result=RunResult(tmp_path / "r.xlsx", "ab" * 32, 12, 10, 2, 3, "note"))
    record = history.get(run_id)
    assert record == RunRecord(
        id=run_id, job="a", scheduled=slot, status="succeeded", catch_up=True, attempts=1,
        started=utc(2026, 11, 1, 5), ended=utc(2026, 11, 1, 5, 2), period="2026-10",
        report_path=str(tmp_path / "r.xlsx"), report_sha256="ab" * 32, rows_read=12, rows_accepted=10,
        rows_rejected=2, issues=3, error=None, note="catch-up: x", pid=7,
    )
    history.close()
    with sqlite3.connect(tmp_path / "h.sqlite") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("SELECT job, scheduled, status FROM runs").fetchall() == [
            ("a", "2026-11-01T05:00:00+00:00", "succeeded")]


def _fill(tmp_path: Path) -> Path:
    path = write_config(
        tmp_path,
        job_toml("month-end", '{ every = "month", day = 1, at = "06:00" }', attempts=2,
                 retry_delay_seconds=10)
        + job_toml("weekly", '{ every = "week", weekday = "monday", at = "07:30" }', grace_minutes=60)
        + job_toml("never", '{ every = "day", at = "06:00" }', enabled=False),
    )
    clock = FakeClock(utc(2026, 10, 1, 4))
    runner = RecordingRunner(clock, failures={"month-end": 1})
    scheduler = make_scheduler(path, clock, runner)
    drive(scheduler, clock, utc(2026, 10, 20))
    runner.always_fail.add("month-end")
    drive(scheduler, clock, utc(2026, 11, 2))
    return path


def test_status_prints_each_jobs_last_run_and_next_due(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _fill(tmp_path)
    before = SYSTEM_CLOCK.now()
    assert main(["schedule", "status", "--config", str(path)]) == 1  # the month-end's last run failed
    after = SYSTEM_CLOCK.now()
    out = capsys.readouterr().out.splitlines()
    config = load_config(path)
    history = History(config.resolve(config.scheduler.history))
    month_end, weekly = history.last("month-end"), history.last("weekly")
    assert month_end is not None and weekly is not None
    from addin.scheduling.jobs import scheduled_jobs

    jobs = {job.name: job for job in scheduled_jobs(config, enabled_only=False)}
    nexts = {name: {job.local(job.rule.next(moment)) for moment in (before, after)}
             for name, job in jobs.items()}
    assert out[:4] == [
        "month-end: monthly on day 1 at 06:00 (Europe/Berlin)",
        f"  last run:  2026-11-01 06:00 CET  failed, ended {jobs['month-end'].local(month_end.ended)}",  # type: ignore[arg-type]
        "  error:     RuntimeError: month-end broke on attempt 2",
        out[3],
    ]
    assert out[3].removeprefix("  next due:  ") in nexts["month-end"]
    assert out[4:7] == [
        "weekly: weekly on Monday at 07:30 (Europe/Berlin)",
        f"  last run:  2026-10-26 07:30 CET  succeeded, ended {jobs['weekly'].local(weekly.ended)}",  # type: ignore[arg-type]
        f"  report:    {tmp_path / 'reports' / 'weekly-2026-09-2026-10-26.xlsx'}",
    ]
    assert out[8:] == ["never: daily at 06:00 (Europe/Berlin)", "  last run:  none yet",
                       "  next due:  - (disabled)"]


def test_history_lists_what_the_database_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _fill(tmp_path)
    config = load_config(path)
    records = History(config.resolve(config.scheduler.history)).runs()
    assert main(["schedule", "history", "--config", str(path), "--format", "json", "--limit", "100"]) == 0
    listed = json.loads(capsys.readouterr().out)
    keys = ("job", "scheduled", "status", "catch_up", "attempts", "error", "report_sha256", "rows_read")
    assert [tuple(r[key] for key in keys) for r in listed] == [
        (r.job, r.scheduled.isoformat(), r.status, r.catch_up, r.attempts, r.error, r.report_sha256,
         r.rows_read) for r in records]
    assert [(r["job"], r["scheduled"][:16], r["status"]) for r in listed] == [
        ("month-end", "2026-11-01T05:00", "failed"),
        ("weekly", "2026-10-26T06:30", "succeeded"),
        ("weekly", "2026-10-19T05:30", "succeeded"),
        ("weekly", "2026-10-12T05:30", "succeeded"),
        ("weekly", "2026-10-05T05:30", "succeeded"),
        ("month-end", "2026-10-01T04:00", "succeeded"),
        ("weekly", "2026-09-28T05:30", "skipped-late"),
    ]
    assert main(["schedule", "history", "--config", str(path), "--job", "month-end", "--limit", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026-11-01 06:00 CET   month-end        failed         ",
        "    started 2026-11-01 06:00 CET, 10.0 s, 2 attempts",
        "    error: RuntimeError: month-end broke on attempt 2",
    ]
    assert main(["schedule", "history", "--config", str(path), "--job", "month-end", "--limit", "2"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[3:] == [
        "2026-10-01 06:00 CEST  month-end        succeeded      ",
        "    started 2026-10-01 06:00 CEST, 10.0 s, 2 attempts",
        "    rows read 10, accepted 9, rejected 1; 2 issue(s); report "
        f"{tmp_path / 'reports' / 'month-end-2026-09-2026-10-01.xlsx'}",
        "    sha256 " + "0" * 64,
        "    attempt 1 failed: RuntimeError: month-end broke on attempt 1",
    ]
    assert main(["schedule", "history", "--config", str(path), "--job", "nobody"]) == 0
    assert capsys.readouterr().out == "no runs of job 'nobody'\n"


def test_status_and_history_before_any_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, job_toml("a", '{ every = "day", at = "06:00" }'))
    assert main(["schedule", "history", "--config", str(path)]) == 0
    where = tmp_path / "backoffice-schedule.sqlite"
    assert capsys.readouterr().out == f"no runs yet (no history file at {where})\n"
    assert main(["schedule", "status", "--config", str(path)]) == 0
    assert "  last run:  none yet" in capsys.readouterr().out.splitlines()
