"""Checks made before anything is written: a report that loses rows or whose totals
do not add up is refused, with the file, sheet or column named.

* Every sheet of every source file: rows read = rows accepted + rows rejected.
* The Summary's Total row (``report.totals``) is what a recalculation of its
  formulas gives: each summed column equals the sum of the department rows to
  the cent, and Variance % equals total Variance / total Budget.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal

import pandas as pd

from addin.consolidation.model import SUMMARY_COLUMNS, ConsolidatedReport
from addin.report.errors import ReportInvariantError
from addin.report.layout import frame_rows

#: Summary columns whose Total is the SUM of the column.
SUM_COLUMNS = (
    "Budget", "Actual", "Variance", "Headcount", "Gross Pay", "Net Pay", "Stock Value",
    "Items To Reorder", "Events", "Booking Conflicts",
)
RATIO_COLUMN = "Variance %"
# Payroll columns whose cells may be blank for privacy (report.suppressed_departments).
PRIVATE_COLUMNS = ("Gross Pay", "Net Pay")
#: How far the reported total Variance % may be from Variance / Budget: the
#: consolidation may round the ratio, but not so that it shows differently at 0.0%.
RATIO_TOLERANCE = Decimal("0.00005")


def check_report(report: ConsolidatedReport) -> None:
    """Raise :class:`ReportInvariantError` if the report must not be written."""
    check_row_counts(report)
    check_totals(report)


def check_row_counts(report: ConsolidatedReport) -> None:
    for source in report.sources:
        for count in source.sheets:
            if min(count.read, count.accepted, count.rejected) < 0 or (
                count.read != count.accepted + count.rejected
            ):
                raise ReportInvariantError(
                    f"{source.path}, sheet {count.sheet}: {count.read} rows read but "
                    f"{count.accepted} accepted + {count.rejected} rejected; rows would be lost "
                    "or counted twice, so the report was not written"
                )


def exact(value: object, where: str) -> Decimal | None:
    """``value`` as an exact Decimal; None for a blank. Floats go through their shortest repr."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):  # pandas' blank in a float column
        return None
    if isinstance(value, bool):
        raise ReportInvariantError(f"{where}: expected a number, found true/false")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ReportInvariantError(f"{where}: a number that is not finite cannot be reported")
        return value
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, numbers.Real):
        return exact(Decimal(repr(float(value))), where)
    raise ReportInvariantError(f"{where}: expected a number, found {type(value).__name__}")


def column_sum(rows: list[tuple[object, ...]], name: str) -> Decimal | None:
    """Exact sum of a Summary column; None when every cell is blank (or there are no rows)."""
    index = SUMMARY_COLUMNS.index(name)
    present = [
        number
        for n, row in enumerate(rows, start=1)
        if (number := exact(row[index], f"report.summary, row {n}, column {name!r}")) is not None
    ]
    return sum(present, Decimal(0)) if present else None


def check_totals(report: ConsolidatedReport) -> None:
    rows = frame_rows(report.summary, SUMMARY_COLUMNS, "report.summary")
    for name in SUM_COLUMNS:
        if name not in report.totals:
            continue
        total = exact(report.totals[name], f"report.totals[{name!r}]")
        summed = column_sum(rows, name)
        if name in PRIVATE_COLUMNS and report.suppressed_departments:
            # The Total includes the hidden departments, so it is more than the rows show.
            if total is None or total < (summed or Decimal(0)):
                raise ReportInvariantError(
                    f"Summary: the Total of {name} is less than the departments shown; "
                    "the report was not written"
                )
            continue
        # A blank total is written as a blank cell; any other total as a SUM,
        # which gives 0 over blank cells.
        if total is None and summed is None:
            continue
        if total is None or total != (summed or Decimal(0)):
            raise ReportInvariantError(
                f"Summary: the Total of {name} is not the sum of the department rows; "
                "the Total row would change when Excel recalculates, so the report was not written"
            )
    if RATIO_COLUMN not in report.totals:
        return
    ratio = exact(report.totals[RATIO_COLUMN], f"report.totals[{RATIO_COLUMN!r}]")
    budget = exact(report.totals.get("Budget"), "report.totals['Budget']")
    variance = exact(report.totals.get("Variance"), "report.totals['Variance']")
    if budget is None or variance is None or budget == 0:
        if ratio is not None:
            raise ReportInvariantError(
                "Summary: the Total of Variance % is given but there is no total Budget and "
                "Variance to compute it from; the report was not written"
            )
        return
    if ratio is None or abs(ratio - variance / budget) > RATIO_TOLERANCE:
        raise ReportInvariantError(
            "Summary: the Total of Variance % is not total Variance / total Budget; "
            "the report was not written"
        )
