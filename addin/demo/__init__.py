"""``backoffice demo``: a realistic organisation, validated and consolidated.

Writes nine department workbooks from the templates (a few hundred rows each,
in USD, VND and CNY), with a handful of realistic mistakes planted in
Procurement and Facilities, validates them all, and consolidates them into the
organisation report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from addin.consolidation import ConsolidationRun, consolidate
from addin.demo.organisation import CURRENCIES, NAMES, PERIOD, Planted, demo_config, organisation
from addin.issues import Issue
from addin.templates import write_department_workbook
from addin.validation.batch import FileOutcome, validate_paths

__all__ = ["DemoRun", "Planted", "found_mistakes", "run_demo"]


@dataclass(frozen=True, slots=True)
class DemoRun:
    inbox: Path
    outcomes: list[FileOutcome]
    planted: list[Planted]
    consolidation: ConsolidationRun


def run_demo(out: Path, today: date | None = None) -> DemoRun:
    """Write, validate and consolidate the demo organisation under ``out``."""
    config = demo_config()
    inbox = out / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    rows, planted = organisation()
    for code, name in NAMES.items():
        write_department_workbook(
            inbox / f"{code}_{PERIOD}.xlsx", department_code=code, department_name=name,
            period=PERIOD, currency=CURRENCIES.get(code, "USD"), prepared_by="Demo Clerk",
            settings=config.payroll, rows=rows[code],
        )
    outcomes = validate_paths([inbox], config, today)
    report = out / "reports" / f"org-{PERIOD}.xlsx"
    run = consolidate(inbox, report, config=config, period=PERIOD, today=today)
    return DemoRun(inbox, outcomes, planted, run)


def found_mistakes(outcomes: list[FileOutcome]) -> list[Planted]:
    """The problems validation found, in the same form as the planted ones."""
    return sorted(_as_planted(issue) for outcome in outcomes for issue in outcome.issues)


def _as_planted(issue: Issue) -> Planted:
    department = Path(issue.file).stem.split("_")[0]
    return Planted(department, issue.sheet, issue.cell, issue.rule, issue.severity.value)
