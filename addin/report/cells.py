"""What goes into a cell: column kinds, plain values, and text made inert.

Every value passes through :func:`plain` (pandas and Decimal values become
what XlsxWriter writes natively) and every string through :func:`inert_text`
(so that a department's text can never become a formula, a link or a number).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePath

import numpy as np
import pandas as pd

from addin.report.errors import ReportInvariantError

#: Text starting with one of these is a formula (or starts one) in Excel, or in
#: any program that re-reads the cell as CSV; such cells get a quote prefix.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")

#: Excel's longest cell text. XlsxWriter would cut longer text without saying
#: so; :func:`inert_text` cuts it visibly instead.
MAX_CELL_CHARS = 32_767


class Kind(Enum):
    """How a column's values are written and shown."""

    TEXT = "text"  # anything: strings stay text, numbers stay numbers
    MONEY = "money"
    PERCENT = "percent"
    INTEGER = "integer"
    NUMBER = "number"
    RATE = "rate"
    DATE = "date"
    DATETIME = "datetime"
    MONTH = "month"


NUMERIC_KINDS = frozenset({Kind.MONEY, Kind.PERCENT, Kind.INTEGER, Kind.NUMBER, Kind.RATE})

# Kinds of the columns of the model's tables (model.*_COLUMNS), by name; any
# name not listed is text.
_MONEY = ("Budget", "Actual", "Variance", "Gross Pay", "Net Pay", "Stock Value", "Base Salary",
          "Allowances", "Overtime Pay", "Income Tax", "Deductions", "Unit Cost",
          "Suggested Order Value")
_INTEGER = ("Headcount", "Items To Reorder", "Events", "Booking Conflicts", "Items", "Attendees")
_NUMBER = ("Quantity On Hand", "Reorder Level", "Suggested Order Quantity")
_DATETIME = ("Start", "End", "First Start", "First End", "Second Start", "Second End")
KIND_BY_NAME: dict[str, Kind] = {
    **dict.fromkeys(_MONEY, Kind.MONEY),
    **dict.fromkeys(_INTEGER, Kind.INTEGER),
    **dict.fromkeys(_NUMBER, Kind.NUMBER),
    **dict.fromkeys(_DATETIME, Kind.DATETIME),
    "Variance %": Kind.PERCENT,
    "Month": Kind.MONTH,
}

Plain = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Column:
    """One column of a table written to the report."""

    key: str  # the DataFrame column (or record field) it comes from
    header: str  # what the header cell says, e.g. "Budget (USD)"
    kind: Kind = Kind.TEXT
    max_width: int = 45  # longer text wraps within this width
    none_text: str | None = None  # written instead of a blank (payroll: "suppressed")


def columns_for(names: Sequence[str], currency: str) -> list[Column]:
    """Columns for the model's table column ``names``; money headers name ``currency``."""
    columns = []
    for name in names:
        kind = KIND_BY_NAME.get(name, Kind.TEXT)
        header = f"{name} ({currency})" if kind is Kind.MONEY else name
        columns.append(Column(name, header, kind))
    return columns


def plain(value: object, where: str) -> Plain:
    """``value`` as a type XlsxWriter writes natively; missing values (None, NaN, NaT, NA) -> None.

    Decimal becomes float: Excel keeps numbers as doubles, and a number written
    as text would not add up. A non-finite number is refused rather than shown
    as something else.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ReportInvariantError(f"{where}: a number that is not finite cannot be reported")
        return float(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None  # pandas' missing value in a float column
        if math.isinf(number):
            raise ReportInvariantError(f"{where}: a number that is not finite cannot be reported")
        return number
    if isinstance(value, datetime):  # pd.Timestamp included
        stamp = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        # Excel has no time zones: keep the wall-clock time the department wrote.
        return stamp.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, Enum):
        return plain(value.value, where)
    if isinstance(value, PurePath | pd.Period):
        return str(value)
    return str(value)


def is_risky(text: str) -> bool:
    """True when ``text`` would be (or start) a formula if typed or re-read as CSV."""
    return text.lstrip(" ").startswith(RISKY_STARTS)


def inert_text(text: str) -> str:
    """``text`` cut visibly to Excel's cell limit; otherwise unchanged."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    marker = f" … [cut: {len(text):,} characters in all]"
    return text[: MAX_CELL_CHARS - len(marker)] + marker


def display_width(value: Plain, kind: Kind) -> int:
    """About how many characters ``value`` takes when shown, for fitting column widths."""
    if value is None:
        return 0
    if isinstance(value, str):
        if "\n" not in value and "\r" not in value:
            return len(value)
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, bool):
        return 5
    if isinstance(value, datetime):
        return 10 if kind is Kind.DATE or value == datetime.combine(value.date(), datetime.min.time()) else 16
    if isinstance(value, date):
        return 7 if kind is Kind.MONTH else 10
    if kind is Kind.MONEY:
        return len(f"{value:,.2f}")
    if kind is Kind.PERCENT:
        return len(f"{value * 100:.1f}%")
    if kind is Kind.INTEGER and float(value).is_integer():
        return len(f"{value:,.0f}")
    return min(len(f"{value:.10g}"), 15)
