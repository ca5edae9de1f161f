"""Jobs in the configuration: `config example`, `config check`, and clear messages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from addin.cli import main
from addin.scheduling.config import JobConfig, SchedulerSettings
from addin.scheduling.example import EXAMPLE_CONFIG
from addin.settings import OrgConfig, load_config
from tests.scheduling_support import job_toml, write_config

DAILY = '{ every = "day", at = "06:00" }'


def test_the_example_is_accepted_by_config_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "example"]) == 0
    text = capsys.readouterr().out
    assert text == EXAMPLE_CONFIG
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    assert main(["config", "check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: valid"
    assert "  organisation: Example Organisation, reporting in USD; 7 departments (6 expected)" in out
    assert any(line.startswith("  job month-end-draft: monthly on day 31, or the last day of a shorter "
                               "month at 18:00 (Europe/Berlin); next ") for line in out)
    assert "  job intraday: every 30 minutes; disabled" in out


def test_the_example_covers_every_section_and_setting() -> None:
    data = tomllib.loads(EXAMPLE_CONFIG)
    sections = set(OrgConfig.model_fields) - {"source"}
    assert sections <= set(data), sections - set(data)
    assert set(data["organisation"]) == set(OrgConfig.model_fields["organisation"].annotation.model_fields)  # type: ignore[union-attr]
    assert set(data["payroll"]) == {"standard_monthly_hours", "overtime_multiplier", "tax_brackets",
                                    "tax_brackets_by_currency"}
    # Scheduler and job settings: every one appears, set or in a comment.
    for name in [*SchedulerSettings.model_fields, *JobConfig.model_fields]:
        assert f"{name} = " in EXAMPLE_CONFIG, name
    timings = {job["timing"]["every"] for job in data["jobs"]}
    assert timings == {"minutes", "day", "week", "month"}
    config = OrgConfig(**data)
    assert config.organisation.reporting_currency == "USD"
    assert config.payroll.brackets_for("VND")[-1].up_to is None


BAD = [
    (job_toml("daily", DAILY) + job_toml("weekly", '{ every = "week", weekday = "monday", at = "25:00" }'),
     "jobs[1] (name \"weekly\"): timing.at: '25:00' is not a time of day: write HH:MM, from 00:00 to 23:59"),
    (job_toml("w", '{ every = "week", weekday = "someday", at = "07:00" }'),
     "jobs[0] (name \"w\"): timing.weekday: 'someday' is not a weekday: write monday, tuesday, ... sunday"),
    (job_toml("m", '{ every = "month", day = 32, at = "07:00" }'),
     'jobs[0] (name "m"): timing.day: Input should be less than or equal to 31'),
    (job_toml("f", '{ every = "fortnight" }'),
     'jobs[0] (name "f"): timing: every = \'fortnight\' is not a timing; use every = "minutes", "day", '
     '"week" or "month"'),
    (job_toml("n", '{ at = "07:00" }'),
     'jobs[0] (name "n"): timing: say which timing: every = "minutes", "day", "week" or "month"'),
    (job_toml("q", '{ every = "minutes", interval = 0 }'),
     'jobs[0] (name "q"): timing.interval: Input should be greater than or equal to 1'),
    (job_toml("p", DAILY).replace("{period}-{date}", "{month}"),
     "jobs[0] (name \"p\"): report: 'reports/p-{month}.xlsx': unknown placeholder {month}; only {period} "
     "(2026-10) and {date} (2026-11-01) may be used"),
    (job_toml("z", DAILY, timezone="Mars/Olympus"),
     "jobs[0] (name \"z\"): timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
     "\"Europe/Berlin\" or \"UTC\")"),
    (job_toml("r", DAILY, period="last-year"),
     "jobs[0] (name \"r\"): period: Input should be 'previous-month' or 'current-month'"),
    (job_toml("x", DAILY, retries=3),
     'jobs[0] (name "x"): retries: unknown setting (check its spelling and section)'),
    ('[[jobs]]\nname = "nothing"\nreport = "r.xlsx"\ntiming = { every = "day", at = "06:00" }\n',
     'jobs[0] (name "nothing"): inbox: required, but missing'),
    (job_toml("same", DAILY) + job_toml("same", DAILY),
     'jobs[1] (name "same"): name: already used by jobs[0]; every job needs its own name (it keys the run '
     "history)"),
]


@pytest.mark.parametrize(("jobs", "message"), BAD)
def test_config_check_names_the_job_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str, message: str
) -> None:
    path = write_config(tmp_path, jobs)
    assert main(["config", "check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [f"{path}: 1 problem", f"  {message}"]


def test_config_check_lists_every_problem_and_other_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, job_toml("a", '{ every = "day", at = "6" }'), "poll_seconds = 0",
                        extra="[payroll]\ntax_brackets = [{rate = 1.5}]\n")
    assert main(["config", "check", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-4:] == [
        f"{path}: 3 problems",
        "  payroll.tax_brackets[0].rate: Input should be less than or equal to 1",
        "  jobs[0] (name \"a\"): timing.at: '6' is not a time of day: write HH:MM, from 00:00 to 23:59",
        "  scheduler.poll_seconds: Input should be greater than or equal to 1",
    ]


def test_config_check_of_a_missing_or_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(tmp_path / "nope.toml")]) == 2
    assert capsys.readouterr().err == f"backoffice: {tmp_path / 'nope.toml'}: configuration file not found\n"
    broken = tmp_path / "broken.toml"
    broken.write_text("[jobs\n")
    assert main(["config", "check", str(broken)]) == 1
    assert capsys.readouterr().out.startswith(f"{broken}: 1 problem\n  not valid TOML: ")


def test_config_check_notes_a_missing_inbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, job_toml("a", DAILY).replace('inbox = "inbox"', 'inbox = "elsewhere"'))
    assert main(["config", "check", str(path)]) == 0
    note = f"note: inbox {tmp_path / 'elsewhere'} of job(s) a does not exist (yet)"
    assert note in capsys.readouterr().out


def test_jobs_load_through_load_config_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, job_toml("a", '{ every = "week", weekday = "Fri", at = 07:30:00 }'))
    monkeypatch.setenv("BACKOFFICE_SCHEDULER__POLL_SECONDS", "5")
    config = load_config(path)
    assert config.scheduler.poll_seconds == 5
    (job,) = config.jobs
    assert (job.timing.every, job.timing.weekday, str(job.timing.at)) == ("week", "friday", "07:30:00")  # type: ignore[union-attr]
    assert (job.attempts, job.timeout_minutes, job.period) == (3, 60, "previous-month")
    assert load_config().jobs == ()  # no jobs by default


def test_schedule_commands_with_a_bad_or_no_configuration_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, job_toml("a", '{ every = "day", at = "99:00" }'))
    assert main(["schedule", "run", "--once", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"backoffice: {path}: 1 problem\n  jobs[0] (name \"a\"): timing.at: '99:00' is not "
                   "a time of day: write HH:MM, from 00:00 to 23:59\n")
    monkeypatch.delenv("BACKOFFICE_CONFIG", raising=False)
    assert main(["schedule", "status"]) == 2
    assert capsys.readouterr().err == (
        "backoffice: no configuration: pass --config FILE or set BACKOFFICE_CONFIG\n")
    empty = write_config(tmp_path / "empty", "")
    assert main(["schedule", "run", "--config", str(empty)]) == 2
    assert "no enabled [[jobs]]; nothing to schedule" in capsys.readouterr().err
