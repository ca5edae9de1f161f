"""write_report: the organisation report as an .xlsx workbook, put in place safely.

Order of work, each step a guard for the next:

1. :func:`~addin.report.checks.check_report` -- refuse data that would lose
   rows or show totals a recalculation would change (nothing is written).
2. Build the whole workbook in memory with XlsxWriter, one module per sheet.
   Text is never turned into formulas, numbers or links; see the options below.
3. :func:`~addin.report.files.publish` -- write it to a temporary file, read it
   back (:func:`~addin.report.verify.verify_report`), archive the previous
   report and rename the new one into place.
"""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from addin.consolidation.model import ConsolidatedReport
from addin.report import (
    budget,
    exceptions_sheet,
    inventory,
    payroll,
    schedule,
    sources,
    submissions,
    summary,
)
from addin.report.bulk import BulkWorkbook
from addin.report.checks import check_report
from addin.report.files import WrittenReport, publish
from addin.report.layout import ReportBook
from addin.report.verify import verify_report

#: XlsxWriter's write() would turn text starting with "=" into a formula, text
#: that looks like a number into a number and "http://..." into a link; the
#: report writes every value with an explicit type, and these options make
#: sure no path through XlsxWriter converts text anyway.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def sheet_names(report: ConsolidatedReport) -> list[str]:
    """The report's sheets, in order."""
    names = [summary.SHEET, budget.SHEET, payroll.SHEET]
    if report.payroll_detail is not None:
        names.append(payroll.DETAIL_SHEET)
    names += [inventory.SHEET, schedule.SHEET, submissions.SHEET, exceptions_sheet.SHEET,
              sources.SHEET]
    return names


def write_report(report: ConsolidatedReport, path: Path, *, now: datetime | None = None) -> WrittenReport:
    """Write ``report`` to ``path`` (an .xlsx file), archiving any report already there.

    ``now`` (default: the current local time) names the archive copy, or the
    file written beside ``path`` when ``path`` is open in another program.
    Raises :class:`~addin.report.errors.ReportInvariantError` (and writes
    nothing) when the report would lose rows or its totals do not add up.
    """
    path = Path(path)
    when = now if now is not None else datetime.now()
    check_report(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    # XlsxWriter assembles each sheet's XML in a temporary file. In memory it
    # would take 4 bytes a character (300 MB more for a 250,000-event calendar).
    # The files go beside the report, where its data is going anyway, in a
    # private folder that is removed whatever happens.
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.work-", dir=path.parent) as work:
        data, layout = build_workbook(report, Path(work))
    expected_sheets = sheet_names(report)

    def check(written: Path) -> None:
        verify_report(written, expected_sheets, layout.total_row, layout.expected_total)

    return publish(path, data, check, when)


def build_workbook(report: ConsolidatedReport, work: Path) -> tuple[bytes, summary.SummaryLayout]:
    """The report as .xlsx bytes, and where its Summary Total row is.

    ``work`` is a private folder for XlsxWriter's temporary files.
    """
    buffer = io.BytesIO()
    workbook = BulkWorkbook(buffer, {**WORKBOOK_OPTIONS, "tmpdir": str(work)})
    # Fixed properties: the same report gives the same file, byte for byte.
    workbook.set_properties({
        "title": f"{report.organisation}: organisation report {report.period}",
        "subject": f"Back-office consolidation for {report.period}",
        "author": "backoffice",
        "company": report.organisation,
        "comments": f"Amounts in {report.reporting_currency}",
        "created": _utc(report.generated_at),
    })
    workbook.set_calc_mode("auto")
    book = ReportBook(workbook, report)
    layout = summary.write_summary_sheet(book, report)
    budget.write_budget_sheet(book, report)
    payroll.write_payroll_sheet(book, report)
    if report.payroll_detail is not None:
        payroll.write_payroll_detail_sheet(book, report)
    inventory.write_inventory_sheet(book, report)
    schedule.write_schedule_sheet(book, report)
    submissions.write_submissions_sheet(book, report)
    exceptions_sheet.write_exceptions_sheet(book, report)
    sources.write_sources_sheet(book, report)
    workbook.get_worksheet_by_name(summary.SHEET).activate()
    workbook.close()
    return buffer.getvalue(), layout


def _utc(moment: datetime) -> datetime:
    """The document's creation time as naive UTC, which is how XlsxWriter stores it."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
