"""What a consolidation produces: the organisation report as data.

The consolidation (:mod:`addin.consolidation`) fills a
:class:`ConsolidatedReport`; the report writer (:mod:`addin.report`) turns it
into a workbook, the CLI prints its headline figures, the macros copy them into
a department workbook. Nothing here reads or writes files.

Money is ``Decimal`` throughout, in the reporting currency unless a column
says otherwise (the Summary's ``Currency`` is the currency the department
submitted in; Submission.total_changes are in that currency); a blank figure
is ``None``. ``Variance %`` is a fraction (-0.0146, not -1.46). Tables are
pandas DataFrames whose columns are listed in the ``*_COLUMNS`` constants
below, in report order; ``ConsolidatedReport.totals`` is keyed by
SUMMARY_COLUMNS names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

SUMMARY_COLUMNS = (
    "Department Code", "Department Name", "Currency", "Budget", "Actual", "Variance",
    "Variance %", "Headcount", "Gross Pay", "Net Pay", "Stock Value", "Items To Reorder",
    "Events", "Booking Conflicts",
)
BUDGET_BY_CATEGORY_COLUMNS = ("Department Code", "Category", "Budget", "Actual", "Variance")
BUDGET_BY_MONTH_COLUMNS = ("Month", "Budget", "Actual", "Variance")
PAYROLL_COLUMNS = (
    "Department Code", "Employment Type", "Headcount", "Base Salary", "Allowances",
    "Overtime Pay", "Gross Pay", "Income Tax", "Deductions", "Net Pay",
)
PAYROLL_DETAIL_COLUMNS = (
    "Department Code", "Employee ID", "Full Name", "Position", "Employment Type",
    "Gross Pay", "Income Tax", "Deductions", "Net Pay", "Bank Account",
)
INVENTORY_BY_CATEGORY_COLUMNS = ("Department Code", "Category", "Items", "Stock Value")
REORDER_COLUMNS = (
    "Department Code", "SKU", "Item Name", "Location", "Quantity On Hand", "Reorder Level",
    "Suggested Order Quantity", "Unit Cost", "Suggested Order Value", "Supplier",
)
CALENDAR_COLUMNS = (
    "Start", "End", "Department Code", "Event ID", "Title", "Type", "Location", "Owner",
    "Attendees",
)
CONFLICT_COLUMNS = (
    "Location", "First Department", "First Event", "First Title", "First Start", "First End",
    "First Source", "Second Department", "Second Event", "Second Title", "Second Start",
    "Second End", "Second Source",
)
EXCEPTION_COLUMNS = (
    "Department Code", "File", "Sheet", "Cell", "Column", "Value", "Rule", "Message", "Severity",
)


@dataclass(frozen=True, slots=True)
class SheetCount:
    """Rows of one sheet of one workbook: read = accepted + rejected, always."""

    sheet: str
    read: int
    accepted: int
    rejected: int


@dataclass(slots=True)
class SourceFile:
    """One workbook found in the inbox, and what became of it.

    ``status`` is ``included``, ``superseded`` (another workbook for the same
    department and period was used), ``other-period``, ``unreadable`` or
    ``rejected`` (for example a missing exchange rate). ``note`` says why in words.
    ``rate`` is units of ``currency`` per unit of the reporting currency.
    """

    path: Path
    sha256: str
    size: int
    modified: datetime
    status: str
    note: str = ""
    department: str | None = None
    department_name: str | None = None
    period: str | None = None
    currency: str | None = None
    rate: Decimal | None = None
    template_version: int | None = None
    sheets: list[SheetCount] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SheetChange:
    """What changed in one sheet since the workbook it is compared with."""

    sheet: str
    added: int
    removed: int
    changed: int


@dataclass(slots=True)
class Submission:
    """One expected department's submission for the period."""

    department: str
    department_name: str
    received: bool
    due: date
    received_at: datetime | None = None
    on_time: bool | None = None
    file: Path | None = None
    template_version: int | None = None
    rows_accepted: int = 0
    rows_rejected: int = 0
    compared_with: str = ""  # "2026-09" or "earlier version of 2026-10 (2026-11-02 10:15)"
    changes: list[SheetChange] = field(default_factory=list)
    # Change in headline totals, in the department's currency: Budget, Actual, Gross Pay, ...
    total_changes: dict[str, Decimal] = field(default_factory=dict)


@dataclass(slots=True)
class ConsolidatedReport:
    """The organisation-wide report for one period, as data."""

    organisation: str
    period: str
    reporting_currency: str
    generated_at: datetime
    summary: pd.DataFrame  # SUMMARY_COLUMNS, one row per included department
    totals: dict[str, Decimal | int | None]  # the Summary's Total row, by column
    budget_by_category: pd.DataFrame
    budget_by_month: pd.DataFrame
    payroll: pd.DataFrame  # suppressed figures are None; see payroll_suppressed
    payroll_suppressed: int  # how many groups were suppressed or merged
    inventory_by_category: pd.DataFrame
    reorder: pd.DataFrame
    calendar: pd.DataFrame
    conflicts: pd.DataFrame
    submissions: list[Submission]
    exceptions: pd.DataFrame
    sources: list[SourceFile]
    payroll_detail: pd.DataFrame | None = None  # only with --payroll-detail
    min_group_size: int = 3
    # Departments whose payroll figures are blank on the Summary for privacy. The
    # Total row still gives the organisation's whole payroll: with two or more
    # departments hidden, it reveals no one's pay.
    suppressed_departments: frozenset[str] = frozenset()

    @property
    def missing(self) -> list[Submission]:
        return [s for s in self.submissions if not s.received]

    @property
    def late(self) -> list[Submission]:
        return [s for s in self.submissions if s.received and s.on_time is False]
