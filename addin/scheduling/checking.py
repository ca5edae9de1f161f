"""Loading the organisation configuration with every problem said plainly, jobs by name.

``backoffice config check`` and the ``schedule`` commands use
:func:`check_config`; a problem reads like
``jobs[1] (name "weekly"): timing.at: '25:00' is not a time of day ...``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from addin.errors import ConfigError
from addin.scheduling.jobs import job_problems
from addin.settings import OrgConfig

_TIMING_TAGS = ("minutes", "day", "week", "month")
_TIMINGS = 'every = "minutes", "day", "week" or "month"'


class ConfigFileMissing(ConfigError):
    """The configuration file does not exist."""


@dataclass(slots=True)
class CheckResult:
    """The configuration (``None`` if invalid), what is wrong with it, and what to know."""

    path: Path
    config: OrgConfig | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.problems


def check_config(path: Path) -> CheckResult:
    """Read and validate ``path``. Raises :class:`ConfigFileMissing` if it does not exist."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigFileMissing(f"{path}: configuration file not found") from None
    except IsADirectoryError:
        raise ConfigFileMissing(f"{path}: is a folder, not a configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        return CheckResult(path, None, [f"not valid TOML: {exc}"])
    try:
        config = OrgConfig(**{**data, "source": path.resolve()})
    except ValidationError as exc:
        return CheckResult(path, None, [_problem(error, data) for error in exc.errors(include_url=False)])
    result = CheckResult(path, config, job_problems(config))
    missing: dict[Path, list[str]] = {}
    for job in config.jobs:
        inbox = config.resolve(job.inbox)
        if not inbox.is_dir():
            missing.setdefault(inbox, []).append(job.name)
    for inbox, names in missing.items():
        result.notes.append(f"inbox {inbox} of job(s) {', '.join(names)} does not exist (yet)")
    return result


def load_checked(path: Path) -> OrgConfig:
    """The configuration at ``path``, or :class:`ConfigError` listing every problem."""
    result = check_config(path)
    if result.config is None or result.problems:
        raise ConfigError(describe(result))
    return result.config


def describe(result: CheckResult) -> str:
    count = len(result.problems)
    lines = [f"{result.path}: {count} problem{'' if count == 1 else 's'}"]
    lines += [f"  {problem}" for problem in result.problems]
    return "\n".join(lines)


def _problem(error: ErrorDetails, data: dict[str, Any]) -> str:
    return f"{_place(error['loc'], data)}: {_message(error)}"


def _place(loc: Sequence[int | str], data: dict[str, Any]) -> str:
    parts = list(loc)
    head = ""
    if len(parts) >= 2 and parts[0] == "jobs" and isinstance(parts[1], int):
        index = parts[1]
        jobs = data.get("jobs")
        name = None
        if isinstance(jobs, list) and index < len(jobs) and isinstance(jobs[index], dict):
            name = jobs[index].get("name")
        head = f'jobs[{index}] (name "{name}")' if isinstance(name, str) else f"jobs[{index}]"
        parts = parts[2:]
        if len(parts) >= 2 and parts[0] == "timing" and parts[1] in _TIMING_TAGS:
            del parts[1]
    dotted = ""
    for part in parts:
        dotted += f"[{part}]" if isinstance(part, int) else f".{part}" if dotted else str(part)
    if head:
        return f"{head}: {dotted}" if dotted else head
    return dotted or "(top level)"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "union_tag_not_found":
        return f"say which timing: {_TIMINGS}"
    if kind == "union_tag_invalid":
        tag = (error.get("ctx") or {}).get("tag")
        return f"every = {tag!r} is not a timing; use {_TIMINGS}"
    if kind == "extra_forbidden":
        return "unknown setting (check its spelling and section)"
    if kind == "missing":
        return "required, but missing"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message
