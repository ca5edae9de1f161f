"""Between real processes: the lock, kill -9, SIGTERM, --wait, and a run's timeout.

The schedulers here are real `backoffice schedule run` processes whose runner
is replaced (``python -m tests.scheduling_support RUNNER ...``) by one that
waits for the test to release it. Every wait has a deadline; nothing asserts
how long anything took.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from addin.scheduling.execution import ProcessExecutor
from addin.scheduling.history import History
from tests.scheduling_support import FakeClock, job_toml, make_scheduler, sleepy_runner, utc, write_config

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parent.parent
EVERY_MINUTE = '{ every = "minutes", interval = 1 }'


def until(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


def start(runner: str, config: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.scheduling_support", runner, "schedule", "run", "--config",
         str(config), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def config(tmp_path: Path, grace: float = 30) -> Path:
    """A job due every minute (so one is due at once), in UTC, polling every second."""
    path = tmp_path / "org.toml"
    (tmp_path / "inbox").mkdir(exist_ok=True)
    path.write_text(job_toml("minutely", EVERY_MINUTE) + "[scheduler]\ntimezone = \"UTC\"\n"
                    f"poll_seconds = 1\nshutdown_grace_seconds = {grace}\n", encoding="utf-8")
    return path


def history(tmp_path: Path) -> History:
    return History(tmp_path / "backoffice-schedule.sqlite")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_second_scheduler_refuses_and_kill_9_leaves_no_running_run_nor_lock(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    path = config(tmp_path)
    inbox = tmp_path / "inbox"
    first = start("blocking", path)
    processes.append(first)
    until((inbox / "started-minutely").exists)
    child = int((inbox / "started-minutely.pid").read_text())

    second = start("quick", path)
    processes.append(second)
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert f"backoffice: another scheduler is already running on this configuration (pid {first.pid} " in err
    assert not (inbox / "ran-minutely").exists()

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    until(lambda: not alive(child))  # the run's own process ends with its scheduler

    third = start("quick", path, "--once")
    processes.append(third)
    _out, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    runs = history(tmp_path).runs()
    assert "running" not in {run.status for run in runs}
    killed = [run for run in runs if run.pid == first.pid]
    assert [(run.status, run.note) for run in killed] == [
        ("interrupted", "the scheduler stopped during this run")]
    assert "was left running by a scheduler that stopped; recorded as interrupted" in err


def test_sigterm_gives_a_run_its_grace_then_records_it_interrupted(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    path = config(tmp_path, grace=0.5)
    first = start("blocking", path)
    processes.append(first)
    until((tmp_path / "inbox" / "started-minutely").exists)
    first.send_signal(signal.SIGTERM)
    _out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "SIGTERM: stopping; a run in progress has 0.5 s to finish" in err
    (run,) = history(tmp_path).runs()
    assert (run.status, run.note) == ("interrupted", "the scheduler was stopped before the run finished")
    assert (tmp_path / "backoffice-schedule.log").read_text().count("SIGTERM: stopping") == 1


def test_wait_takes_over_when_the_other_scheduler_finishes_its_run_and_stops(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    path = config(tmp_path, grace=60)
    inbox = tmp_path / "inbox"
    first = start("blocking", path)
    processes.append(first)
    until((inbox / "started-minutely").exists)
    waiting = start("quick", path, "--once", "--wait")
    processes.append(waiting)
    until(lambda: "waiting for it to stop" in (tmp_path / "backoffice-schedule.log").read_text())
    first.send_signal(signal.SIGTERM)
    (inbox / "release").write_text("go")  # the run in progress finishes within its grace
    assert first.wait(timeout=60) == 0
    _out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    statuses = [run.status for run in history(tmp_path).runs()]
    assert statuses[-1] == "succeeded" and "running" not in statuses and "interrupted" not in statuses


def test_a_run_over_its_timeout_is_stopped_and_recorded_failed(tmp_path: Path) -> None:
    path = write_config(tmp_path, job_toml("hangs", '{ every = "day", at = "06:00" }', attempts=1,
                                           timeout_minutes=0.01))
    clock = FakeClock(utc(2026, 11, 2, 5))
    scheduler = make_scheduler(path, clock, sleepy_runner, executor=ProcessExecutor(poll=0.05))
    (record,) = scheduler.run_once()
    assert (record.status, record.error) == ("failed", "stopped after the job's timeout of 0.6 s")


def test_a_run_in_a_child_process_returns_its_result_and_its_error(tmp_path: Path) -> None:
    from tests.scheduling_support import quick_runner

    path = write_config(tmp_path, job_toml("ok", '{ every = "day", at = "06:00" }')
                        + job_toml("bad", '{ every = "day", at = "06:00" }', attempts=1))
    clock = FakeClock(utc(2026, 11, 2, 5))
    (tmp_path / "inbox" / "ran-bad").mkdir()  # quick_runner cannot write its marker: IsADirectoryError
    records = make_scheduler(path, clock, quick_runner, executor=ProcessExecutor(poll=0.05)).run_once()
    outcome = {r.job: (r.status, r.rows_read, (r.error or "")[:18]) for r in records}
    assert outcome == {"ok": ("succeeded", 3, ""), "bad": ("failed", None, "IsADirectoryError:")}
