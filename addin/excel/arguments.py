"""Worksheet-function arguments: from what Excel passes to typed values, or a short message.

Excel hands a worksheet function whatever the referenced cell holds: a number,
text, TRUE/FALSE, a date, nothing, an error value, or a whole range when a
single cell was expected. Desktop Excel (COM) passes dates as datetimes and
errors as codes; Office.js passes dates as serial numbers and errors as
``#DIV/0!``-style strings (with ``err_to_str``). Everything is parsed here,
once, with the column rules of :mod:`addin.kinds` (the same bounds the
validator applies), and every refusal is a :class:`UdfError` whose text a
clerk can act on. A text that is a plain number is refused too: the validator
accepts it only with a warning, and a formula should not hide that warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from addin import cells
from addin.cells import AcceptedWithWarning, CellProblem, ExcelError, RawValue
from addin.columns import Column

ERROR_CODES: Final = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#DATA!", "#PYTHON!", "#TIMEOUT!", "#EXTERNAL!",
    }
)
"""Excel's error values, as xlwings hands them over with ``err_to_str=True``."""

VALUE_ERROR: Final = "#VALUE!"
NOT_AVAILABLE: Final = "#N/A"


class UdfError(Exception):
    """A worksheet function cannot give a result; ``message`` says why, in one sentence.

    ``str()`` and ``repr()`` are both the bare message: xlwings Lite shows
    ``str(exception)`` and xlwings Server's default handler ``repr(exception)``
    in the cell's error flag, and neither should show a class name.
    """

    def __init__(self, message: str, code: str = VALUE_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    @property
    def cell_text(self) -> str:
        """What desktop Excel shows in the cell: ``#VALUE! Base Salary is blank; ...``."""
        return f"{self.code} {self.message}"


def excel_error(raw: object) -> str | None:
    """The error code if ``raw`` is an Excel error value, else ``None``."""
    if isinstance(raw, ExcelError):
        return raw.code
    if isinstance(raw, str) and raw in ERROR_CODES:
        return raw
    return None


def _shown(text: str, limit: int = 30) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def single(raw: object, label: str) -> object:
    """The value of a single cell; a range where one cell is expected is refused."""
    if isinstance(raw, list | tuple):
        if len(raw) == 1 and not isinstance(raw[0], list | tuple):
            return raw[0]
        raise UdfError(f"{label} must be a single cell, not a range")
    return raw


def _refuse_error(raw: object, label: str) -> None:
    code = excel_error(raw)
    if code is not None:
        # #N/A passes through as #N/A, as Excel's own functions do; any other error
        # becomes #VALUE! with the cell's error named in the message.
        raise UdfError(
            f"{label} shows the error {code}; correct that cell first",
            NOT_AVAILABLE if code == NOT_AVAILABLE else VALUE_ERROR,
        )


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def number(
    raw: object,
    label: str,
    *,
    blank: Decimal | None = None,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
) -> Decimal:
    """A number argument, exactly as the cell shows it (floats lose their binary noise).

    ``blank`` is what an empty cell stands for; ``None`` refuses an empty cell.
    """
    raw = single(raw, label)
    _refuse_error(raw, label)
    if is_blank(raw):
        if blank is None:
            raise UdfError(f"{label} is blank; enter a number")
        return blank
    value = _as_decimal(raw, label)
    if minimum is not None and value < minimum:
        raise UdfError(f"{label} is {_plain(value)}; it must be {_plain(minimum)} or more")
    if maximum is not None and value > maximum:
        raise UdfError(f"{label} is {_plain(value)}; it must be {_plain(maximum)} or less")
    return value


def _as_decimal(raw: object, label: str) -> Decimal:
    if isinstance(raw, bool):
        raise UdfError(f"{label} is {'TRUE' if raw else 'FALSE'}; enter a number")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise UdfError(f"{label} is not a number")
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise UdfError(f"{label} is not a number")
        return cells.decimal_from_float(raw)
    if isinstance(raw, datetime | date | time | timedelta):
        raise UdfError(f"{label} is a date or time; enter a number")
    if isinstance(raw, str):
        try:
            cells.coerce_decimal(raw)
        except AcceptedWithWarning:
            raise UdfError(f'{label} is the text "{_shown(raw)}"; type it as a number, not as text') from None
        except CellProblem:
            pass
        raise UdfError(f'{label} is the text "{_shown(raw)}"; enter a number')
    raise UdfError(f"{label} is not a number")


def _plain(value: Decimal) -> str:
    """A Decimal as people write it: 200, 0.5, 1250.75 (no exponent, no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text


def column_number(raw: object, column: Column) -> Decimal:
    """A number argument with the rules of a contract column (bounds, "blank means 0")."""
    return number(
        raw,
        column.header,
        blank=column.blank_default,
        minimum=column.minimum,
        maximum=column.maximum,
    )


def text(raw: object, label: str, *, required: bool = True) -> str:
    """A text argument, stripped; ``""`` for an empty optional one."""
    raw = single(raw, label)
    _refuse_error(raw, label)
    if is_blank(raw):
        if required:
            raise UdfError(f"{label} is blank; enter a text such as the examples in the help")
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        raise UdfError(f"{label} is {'TRUE' if raw else 'FALSE'}; enter a text")
    if isinstance(raw, float | int):
        return cells.coerce_text(raw)
    raise UdfError(f"{label} must be a text")


_CURRENCY: Final = re.compile(r"^[A-Za-z]{3}$")


def currency(raw: object, label: str, *, required: bool = True) -> str:
    """A three-letter currency code, upper-cased; ``""`` for an empty optional one."""
    code = text(raw, label, required=required)
    if not code:
        return ""
    if not _CURRENCY.match(code):
        raise UdfError(f'{label} is "{_shown(code)}"; enter a currency code such as USD, VND or EUR')
    return code.upper()


def month(raw: object, label: str, *, required: bool = True) -> str:
    """A month ``YYYY-MM``: that text, a date cell in the month, or its serial number."""
    raw = single(raw, label)
    _refuse_error(raw, label)
    if is_blank(raw):
        if required:
            raise UdfError(f"{label} is blank; enter a month such as 2026-10")
        return ""
    if isinstance(raw, bool):
        raise UdfError(f"{label} is {'TRUE' if raw else 'FALSE'}; enter a month such as 2026-10")
    try:
        return cells.coerce_month(raw if isinstance(raw, str | int | float | date) else str(raw))
    except CellProblem:
        shown = _shown(raw) if isinstance(raw, str) else str(raw)
        raise UdfError(f'{label} is "{shown}"; enter a month such as 2026-10') from None


def grid_value(raw: object) -> RawValue:
    """One cell of a range argument or a live sheet, as the reader expects it.

    Blanks become ``None``, error codes :class:`ExcelError`. A datetime at
    midnight becomes a date: Excel stores a date-only cell as midnight, and
    xlwings cannot tell the two apart, while the file reader (python-calamine)
    sees the cell's date format and returns a date; this keeps both readers in
    step for the Schedule's "a date alone means the whole day".
    """
    if raw is None or (isinstance(raw, str) and raw == ""):
        return None
    code = excel_error(raw)
    if code is not None:
        return ExcelError(code)
    if isinstance(raw, datetime):
        raw = raw.replace(tzinfo=None)
        return raw.date() if raw.time() == time() else raw
    if isinstance(raw, str | float | int | bool | date | time | timedelta):
        return raw
    if isinstance(raw, Decimal):
        return float(raw)
    return str(raw)


def grid_rows(raw: object) -> list[list[RawValue]]:
    """A range argument (any shape xlwings gives) as rows of reader values."""
    if not isinstance(raw, list | tuple):
        return [[grid_value(raw)]]
    if raw and all(not isinstance(item, list | tuple) for item in raw):
        return [[grid_value(item) for item in raw]]
    rows: list[list[RawValue]] = []
    for row in raw:
        items: Sequence[object] = row if isinstance(row, list | tuple) else [row]
        rows.append([grid_value(item) for item in items])
    return rows
