"""The organisation report writer: a :class:`~addin.consolidation.model.ConsolidatedReport`
as an Excel workbook (XlsxWriter), written atomically with the previous report archived.

Sheets, in order: Summary, Budget, Payroll, Payroll Detail (only when the
report carries it), Inventory, Schedule, Submissions, Exceptions, Sources.
"""

from __future__ import annotations

from addin.report.errors import ReportInvariantError
from addin.report.files import WrittenReport
from addin.report.writer import write_report

__all__ = ["ReportInvariantError", "WrittenReport", "write_report"]
