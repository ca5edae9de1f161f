"""``backoffice config example|check``: start an organisation configuration, and check one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from addin.scheduling.checking import ConfigFileMissing, check_config
from addin.scheduling.clock import SYSTEM_CLOCK
from addin.scheduling.example import EXAMPLE_CONFIG
from addin.scheduling.history import default_history_path
from addin.scheduling.jobs import scheduled_jobs
from addin.settings import OrgConfig


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "config",
        help="print an example organisation configuration, or check one",
        description="The organisation configuration (TOML): departments, currency and rates, "
        "payroll, limits, passwords, scheduled jobs.",
    )
    actions = parser.add_subparsers(dest="config_action", required=True, metavar="ACTION")
    example = actions.add_parser(
        "example",
        help="print a complete, commented configuration to start from",
        description="Print a complete, commented configuration: backoffice config example > org.toml",
    )
    example.set_defaults(run=print_example)
    check = actions.add_parser(
        "check",
        help="check a configuration file and say exactly what is wrong",
        description="Check a configuration file. Exit code 0: valid; 1: problems found (each "
        "named by its place in the file); 2: the file does not exist.",
    )
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(run=check_file)


def print_example(args: argparse.Namespace) -> int:
    sys.stdout.write(EXAMPLE_CONFIG)
    return 0


def check_file(args: argparse.Namespace) -> int:
    try:
        result = check_config(args.file)
    except ConfigFileMissing as exc:
        print(f"backoffice: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"note: {note}")
    if result.config is None or result.problems:
        count = len(result.problems)
        print(f"{args.file}: {count} problem{'' if count == 1 else 's'}")
        for problem in result.problems:
            print(f"  {problem}")
        return 1
    print(f"{args.file}: valid")
    for line in _summary(result.config):
        print(f"  {line}")
    return 0


def _summary(config: OrgConfig) -> list[str]:
    org = config.organisation
    expected = sum(1 for department in config.departments if department.expected)
    lines = [
        f"organisation: {org.name}, reporting in {org.reporting_currency}; "
        f"{len(config.departments)} departments ({expected} expected)",
        f"rates: {len(config.rates)} period(s); passwords: {len(config.passwords)} pattern(s)",
    ]
    now = SYSTEM_CLOCK.now()
    enabled = {job.name for job in scheduled_jobs(config)}
    for job in scheduled_jobs(config, enabled_only=False):
        when = f"next {job.local(job.rule.next(now))}" if job.name in enabled else "disabled"
        lines.append(f"job {job.name}: {job.rule.describe()}; {when}")
    if config.jobs:
        lines.append(f"history: {default_history_path(config)}")
    return lines
