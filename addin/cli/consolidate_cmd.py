"""``backoffice consolidate INBOX --out REPORT.xlsx``: the organisation report."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from addin.consolidation import ConsolidationRun, NothingToConsolidate, Progress, consolidate
from addin.excel.figures import figures_from_report, record_run
from addin.settings import load_config


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "consolidate",
        help="consolidate a folder of department workbooks into one organisation report",
        description="Read and validate every .xlsx/.xlsm under INBOX (recursively; Excel lock "
        "files and hidden files are skipped), leave out rows with errors, and write the "
        "organisation report. Exit code 0: report written (even with rejected rows); 1: no "
        "report could be written; 2: usage error.",
    )
    parser.add_argument("inbox", type=Path, metavar="INBOX")
    parser.add_argument("--out", type=Path, required=True, metavar="REPORT.xlsx")
    parser.add_argument("--period", help="the month to report, YYYY-MM (default: the latest found)")
    parser.add_argument("--config", type=Path, help="organisation configuration (TOML)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--payroll-detail", action="store_true",
                        help="add a Payroll Detail sheet with names (bank accounts masked)")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.period is not None and not _is_period(args.period):
        print(f"backoffice: --period must be YYYY-MM, not {args.period!r}", file=sys.stderr)
        return 2
    config = load_config(args.config)
    show = None if args.quiet or not sys.stderr.isatty() else _ProgressLine(sys.stderr)
    try:
        outcome = consolidate(args.inbox, args.out, config=config, period=args.period,
                              payroll_detail=args.payroll_detail, progress=show)
    except NothingToConsolidate as exc:
        if show:
            show.clear()
        print(f"backoffice: {exc}", file=sys.stderr)
        return 1
    if show:
        show.clear()
    if config.source is not None:
        # The BO_ORG worksheet function reads the newest figures of the organisation's
        # reports folder; record this run there too (only for a configured organisation).
        reports = config.resolve(config.organisation.reports)
        record_run(figures_from_report(outcome.report, outcome.report_path), reports)
    if args.format == "json":
        json.dump(summary_dict(outcome), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary_text(outcome))
    return 0


def _is_period(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() \
        and 1 <= int(text[5:]) <= 12


class _ProgressLine:
    """One line on a terminal, rewritten after each workbook."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, event: Progress) -> None:
        if event.step == "comparing":
            line = (f"comparing with earlier workbooks: {event.files_done}/{event.files_total}"
                    f" - {event.current.name}")
        elif event.step == "writing":
            line = f"{event.rows_read:,} rows read; writing {event.current.name}"
        else:
            line = (f"{event.files_done}/{event.files_total} files, {event.rows_read:,} rows"
                    f" - {event.current.name}")
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def _number(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def summary_dict(outcome: ConsolidationRun) -> dict[str, Any]:
    report = outcome.report
    departments = [
        {column: _number(value) for column, value in row.items()}
        for row in report.summary.to_dict(orient="records")
    ]
    return {
        "report": str(outcome.report_path),
        "archived": str(outcome.archived) if outcome.archived else None,
        "note": outcome.note,
        "period": report.period,
        "reporting_currency": report.reporting_currency,
        "rows": {"read": outcome.rows_read, "accepted": outcome.rows_accepted,
                 "rejected": outcome.rows_rejected},
        "issues": outcome.issues,
        "missing": [s.department for s in report.missing],
        "late": [s.department for s in report.late],
        "departments": departments,
        "totals": {key: _number(value) for key, value in report.totals.items()},
        "seconds": {step: round(seconds, 2) for step, seconds in outcome.seconds.items()},
    }


def summary_text(outcome: ConsolidationRun) -> str:
    report = outcome.report
    currency = report.reporting_currency
    totals = report.totals
    lines = [
        f"Report for {report.period} written to {outcome.report_path}",
        *([outcome.note] if outcome.note else []),
        *([f"Previous report kept as {outcome.archived}"] if outcome.archived else []),
        f"Rows: {outcome.rows_read:,} read, {outcome.rows_accepted:,} accepted, "
        f"{outcome.rows_rejected:,} rejected ({outcome.issues:,} problems listed in Exceptions)",
    ]
    if report.missing:
        lines.append("Missing: " + ", ".join(f"{s.department} ({s.department_name})"
                                             for s in report.missing))
    if report.late:
        lines.append("Late: " + ", ".join(s.department for s in report.late))
    lines.append(f"Budget {_money(totals['Budget'])} {currency}, Actual {_money(totals['Actual'])}"
                 f" {currency}, Variance {_money(totals['Variance'])} {currency}")
    lines.append(f"Payroll: {totals['Headcount']} people, Gross Pay {_money(totals['Gross Pay'])} "
                 f"{currency}; Stock Value {_money(totals['Stock Value'])} {currency}; "
                 f"{totals['Items To Reorder']} items to reorder; "
                 f"{len(report.conflicts)} booking conflicts")
    if outcome.seconds:
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in outcome.seconds.items())
        lines.append(f"Took {sum(outcome.seconds.values()):.1f} s: {steps}")
    return "\n".join(lines) + "\n"


def _money(value: object) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else "-"
