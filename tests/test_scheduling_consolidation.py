"""Real runs: the real `consolidate` on generated workbooks, and workbooks edited during a run."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from addin.errors import NotAWorkbook
from addin.scheduling.execution import InlineExecutor, ProcessExecutor
from addin.scheduling.history import SKIPPED_OVERLAP, History
from addin.scheduling.runner import consolidation_runner
from addin.scheduling.stability import read_when_stable, wait_until_stable
from addin.settings import load_config
from addin.validation.workbook import validate_workbook
from tests.generator import clean_department, write_workbook
from tests.scheduling_support import FakeClock, job_toml, make_scheduler, utc, write_config

ROOT = Path(__file__).resolve().parent.parent
MONTHLY = '{ every = "month", day = 1, at = "06:00" }'


def _consolidation_available() -> bool:
    if importlib.util.find_spec("addin.consolidation") is None:
        return False
    return hasattr(importlib.import_module("addin.consolidation"), "consolidate")


needs_consolidation = pytest.mark.skipif(not _consolidation_available(), reason="consolidation not available")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def departments(inbox: Path, period: str = "2026-10") -> list[Path]:
    inbox.mkdir(parents=True, exist_ok=True)
    return [
        write_workbook(inbox / f"FIN_{period}.xlsx", clean_department(code="FIN", period=period)),
        write_workbook(inbox / f"HR_{period}.xlsx",
                       clean_department(code="HR", name="Human Resources", period=period)),
    ]


@needs_consolidation
def test_a_scheduled_job_runs_the_real_consolidation_in_a_child_process(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("month-end", MONTHLY))
    departments(tmp_path / "inbox")
    clock = FakeClock(utc(2026, 11, 1, 5))  # 06:00 in Berlin: the report for the previous month
    scheduler = make_scheduler(path, clock, consolidation_runner, executor=ProcessExecutor(poll=0.05))
    (run,) = scheduler.run_once()
    assert (run.status, run.period, run.error) == ("succeeded", "2026-10", None)
    report = tmp_path / "reports" / "month-end-2026-10-2026-11-01.xlsx"
    assert run.report_path == str(report) and report.is_file()
    assert run.report_sha256 == sha256(report)
    assert run.rows_read is not None and run.rows_read > 0
    assert run.rows_read == (run.rows_accepted or 0) + (run.rows_rejected or 0)


@needs_consolidation
def test_schedule_run_once_from_the_command_line(tmp_path: Path) -> None:
    jobs = job_toml("minutely", '{ every = "minutes", interval = 1 }', period="current-month")
    path = write_config(tmp_path, jobs, 'timezone = "UTC"')
    path.write_text(path.read_text().replace('timezone = "Europe/Berlin"\n', ""))
    now = datetime.now(UTC)
    departments(tmp_path / "inbox", f"{now:%Y-%m}")
    soon = now + timedelta(minutes=10)
    if soon.month != now.month:  # the run may fall in the next month: give it workbooks too
        departments(tmp_path / "inbox", f"{soon:%Y-%m}")
    command = [sys.executable, "-m", "addin.cli", "schedule", "run", "--once", "--config", str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    runs = History(tmp_path / "backoffice-schedule.sqlite").runs()
    # A run that crosses a minute boundary records the next slot as overlapped: that row, no other.
    (run,) = [record for record in runs if record.status != SKIPPED_OVERLAP]
    assert all(record.scheduled > run.scheduled for record in runs if record is not run)
    assert run.status == "succeeded" and run.report_path is not None
    assert run.report_sha256 == sha256(Path(run.report_path))
    assert f"minutely: run for {run.scheduled:%Y-%m-%d %H:%M} UTC succeeded" in done.stderr
    log = (tmp_path / "backoffice-schedule.log").read_text()
    assert f"report {run.report_path} (sha256 {run.report_sha256[:12]}); rows read {run.rows_read}" in log


@needs_consolidation
def test_a_workbook_rewritten_during_a_run_does_not_fail_it(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("month-end", MONTHLY, attempts=1))
    fin, _ = departments(tmp_path / "inbox")
    content = fin.read_bytes()
    stop = threading.Event()
    rewrites = 0

    def keep_saving() -> None:  # a clerk saving again and again, written in two halves
        nonlocal rewrites
        while not stop.is_set():
            with fin.open("wb") as handle:
                handle.write(content[: len(content) // 2])
                handle.flush()
                stop.wait(0.002)
                handle.write(content[len(content) // 2:])
            rewrites += 1
            stop.wait(0.002)

    saver = threading.Thread(target=keep_saving)
    clock = FakeClock(utc(2026, 11, 1, 5))
    scheduler = make_scheduler(path, clock, consolidation_runner, executor=InlineExecutor())
    saver.start()
    try:
        records = scheduler.run_once()
    finally:
        stop.set()
        saver.join()
    assert rewrites > 0
    assert [(r.status, r.error) for r in records] == [("succeeded", None)]


@needs_consolidation
def test_with_the_mid_save_hook_a_workbook_being_saved_is_read_once_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the consolidation does once it reads each workbook through ``read_when_stable``.

    Until ``addin.consolidation.partials.read_partial`` calls it, the test puts it there.
    """
    from addin.consolidation import consolidate, partials

    if "read_when_stable" not in vars(partials):
        real = vars(partials)["validate_workbook"]
        monkeypatch.setattr(partials, "validate_workbook", lambda path, config, today: read_when_stable(
            path, lambda p: real(p, config, today), interval=0.2))
    fin, hr = departments(tmp_path / "inbox")
    content = fin.read_bytes()
    size = len(content) // 10 + 1
    started = threading.Event()

    def slow_save() -> None:  # one save, written in ten pieces over a few tenths of a second
        with fin.open("wb") as handle:
            for offset in range(0, len(content), size):
                handle.write(content[offset: offset + size])
                handle.flush()
                started.set()
                threading.Event().wait(0.03)

    saver = threading.Thread(target=slow_save)
    saver.start()
    started.wait(10)
    try:
        run = consolidate(tmp_path / "inbox", tmp_path / "report.xlsx", config=load_config(),
                          period="2026-10")
    finally:
        saver.join()
    assert {source.path.name: source.status for source in run.report.sources} == {
        fin.name: "included", hr.name: "included"}


# --- The mid-save checks themselves, on a clock that writes the file as it "sleeps" --------------


def test_wait_until_stable_waits_for_the_size_to_stop_changing(tmp_path: Path) -> None:
    (workbook,) = departments(tmp_path)[:1]
    content = workbook.read_bytes()
    steps = [content[:100], content[: len(content) // 2], content]
    workbook.write_bytes(b"")
    clock = FakeClock(utc(2026, 11, 1))
    clock.on_sleep = lambda _: workbook.write_bytes(steps.pop(0)) if steps else None
    assert wait_until_stable(workbook, clock=clock, attempts=5, interval=1.0)
    assert clock.slept == [1.0] * 4  # grew, grew, grew, then the same at two looks


def test_wait_until_stable_gives_up_on_a_file_that_stays_broken(tmp_path: Path) -> None:
    clock = FakeClock(utc(2026, 11, 1))
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(b"PK\x03\x04" + b"\0" * 500)  # a zip start, no zip directory
    assert not wait_until_stable(truncated, clock=clock, attempts=3, interval=0.5)
    assert clock.slept == [0.5] * 3
    assert not wait_until_stable(tmp_path / "missing.xlsx", clock=clock, attempts=2)
    text = tmp_path / "renamed.xlsx"
    text.write_text("a,b\n1,2\n")  # not a zip: stable, and the reader will say what it is
    assert wait_until_stable(text, clock=clock, attempts=1)


def test_read_when_stable_reads_again_once_the_save_completes(tmp_path: Path) -> None:
    (workbook,) = departments(tmp_path)[:1]
    content = workbook.read_bytes()
    config = load_config()
    workbook.write_bytes(content[: len(content) // 2])  # mid-save
    clock = FakeClock(utc(2026, 11, 1))
    clock.on_sleep = lambda _: workbook.write_bytes(content)
    result = read_when_stable(workbook, lambda p: validate_workbook(p, config), clock=clock)
    assert result.info is not None and result.info.department_code == "FIN"
    assert clock.slept == [1.0]


def test_read_when_stable_reports_a_workbook_that_never_completes(tmp_path: Path) -> None:
    (workbook,) = departments(tmp_path)[:1]
    workbook.write_bytes(workbook.read_bytes()[:2000])
    clock = FakeClock(utc(2026, 11, 1))
    config = load_config()
    with pytest.raises(NotAWorkbook):
        read_when_stable(workbook, lambda p: validate_workbook(p, config), clock=clock, attempts=3)
    # One wait before the first read (it does not look complete), one more look
    # after the failure: the file did not change, so nobody is writing it.
    assert len(clock.slept) == 2
    assert not zipfile.is_zipfile(workbook)


def test_read_when_stable_does_not_wait_for_an_old_broken_file(tmp_path: Path) -> None:
    stray = tmp_path / "notes.xlsx"
    stray.write_text("a,b\n1,2\n")
    os.utime(stray, (1_700_000_000, 1_700_000_000))  # untouched for a long time
    clock = FakeClock(utc(2026, 11, 1))
    with pytest.raises(NotAWorkbook):
        read_when_stable(stray, lambda p: validate_workbook(p, load_config()), clock=clock)
    assert clock.slept == []
