"""``backoffice demo``: a realistic organisation, validated and consolidated.

Writes nine department workbooks from the templates (a few hundred rows each,
in USD, VND and CNY), with a handful of realistic mistakes planted in
Procurement and Facilities, validates them all, and consolidates them into the
organisation report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from addin.consolidation import ConsolidationRun, consolidate
from addin.consolidation.changes import VERSIONS_FOLDER
from addin.demo.organisation import (
    CURRENCIES,
    NAMES,
    PERIOD,
    Planted,
    Rows,
    demo_config,
    organisation,
)
from addin.files import sha256_of
from addin.issues import Issue
from addin.kinds.info import TEMPLATE_VERSION
from addin.receipts import Receipt, receipt_path, write_receipt
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
    _leave_receipts(inbox, rows)
    outcomes = validate_paths([inbox], config, today)
    report = out / "reports" / f"org-{PERIOD}.xlsx"
    run = consolidate(inbox, report, config=config, period=PERIOD, today=today)
    return DemoRun(inbox, outcomes, planted, run)


# When each department pressed Submit (due 5 November): one is late.
SUBMITTED = {
    "FIN": "2026-11-02T16:40", "HR": "2026-11-03T09:15", "ADMIN": "2026-11-03T11:02",
    "IT": "2026-11-04T17:55", "OPS": "2026-11-04T10:20", "LEGAL": "2026-11-05T15:30",
    "PROC": "2026-11-05T17:45", "FAC": "2026-11-04T14:05", "CS": "2026-11-07T09:12",
}


def _leave_receipts(inbox: Path, rows: dict[str, Rows]) -> None:
    """Receipts as the Submit button leaves them, and Finance's earlier version."""
    for code, when in SUBMITTED.items():
        workbook = inbox / f"{code}_{PERIOD}.xlsx"
        receipt = Receipt(code, PERIOD, "Demo Clerk",
                          datetime.fromisoformat(when).replace(tzinfo=timezone(timedelta(hours=7))),
                          sha256_of(workbook), TEMPLATE_VERSION, workbook.name)
        write_receipt(receipt, receipt_path(workbook))
    # Finance submitted once before, with one budget line and two people fewer.
    earlier = {sheet: [dict(row) for row in sheet_rows] for sheet, sheet_rows in rows["FIN"].items()}
    earlier["Budget"][0]["actual"] = earlier["Budget"][0]["actual"] - 1500
    del earlier["Payroll"][-2:]
    versions = inbox / VERSIONS_FOLDER
    versions.mkdir(exist_ok=True)
    write_department_workbook(
        versions / f"FIN_{PERIOD} 2026-11-01 101500.xlsx", department_code="FIN",
        department_name=NAMES["FIN"], period=PERIOD, prepared_by="Demo Clerk", rows=earlier,
    )


def found_mistakes(outcomes: list[FileOutcome]) -> list[Planted]:
    """The problems validation found, in the same form as the planted ones."""
    return sorted(_as_planted(issue) for outcome in outcomes for issue in outcome.issues)


def _as_planted(issue: Issue) -> Planted:
    department = Path(issue.file).stem.split("_")[0]
    return Planted(department, issue.sheet, issue.cell, issue.rule, issue.severity.value)
