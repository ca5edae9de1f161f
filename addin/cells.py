"""Cell values: A1 references, Excel error values, and the contract's coercions.

The contract (``workbook-contract.md``, "Cell values") says exactly which cell
contents are accepted for each column type. Those rules live here, once, as
small functions ``coerce_<type>(raw) -> value`` that either return the typed
value or raise :class:`CellProblem` with a rule name and a clerk-readable
reason. They are deliberately explicit so that the pydantic models behind them
can run in strict mode: ``"yes"`` never becomes ``True``, ``"12%"`` never 12.

Raw values are what a grid source hands over: ``str``, ``float``, ``int``,
``bool``, ``date``, ``datetime``, ``None`` (blank), :class:`ExcelError` (a cell
showing ``#REF!`` and friends) or :data:`NO_RESULT` (a formula saved without its
computed value).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final

# --- A1 references ---------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters to a 0-based column index: A -> 0, AA -> 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def a1(row: int, col: int) -> str:
    """0-based (row, col) to an A1 reference: (11, 5) -> F12."""
    return f"{column_letter(col)}{row + 1}"


_A1_RE: Final = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int]:
    """A1 reference to 0-based (row, col)."""
    match = _A1_RE.match(ref)
    if not match:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(match.group(2)) - 1, column_index(match.group(1))


# --- Values that are not values --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExcelError:
    """A cell showing an Excel error such as ``#REF!`` or ``#DIV/0!``."""

    code: str

    def __str__(self) -> str:
        return self.code


class _NoResult:
    """A formula cell saved without its computed value."""

    _instance: _NoResult | None = None

    def __new__(cls) -> _NoResult:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_RESULT"

    def __str__(self) -> str:
        return "(formula without a saved result)"


NO_RESULT: Final = _NoResult()

RawValue = str | float | int | bool | date | datetime | time | timedelta | ExcelError | _NoResult | None


class CellProblem(Exception):
    """Raised by a coercer: the cell's content does not fit its column.

    ``reason`` completes a sentence that starts with the column name and the
    value, e.g. ``"must be a number"``. ``severity`` is ``"error"`` unless the
    value was accepted with a warning (see :class:`AcceptedWithWarning`).
    """

    def __init__(self, rule: str, reason: str) -> None:
        self.rule = rule
        self.reason = reason
        super().__init__(reason)


class AcceptedWithWarning(Exception):
    """Raised by a coercer that accepted the cell but wants a warning shown."""

    def __init__(self, value: object, rule: str, reason: str) -> None:
        self.value = value
        self.rule = rule
        self.reason = reason
        super().__init__(reason)


def is_blank(raw: RawValue) -> bool:
    """A cell with nothing in it, or only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def check_not_broken(raw: RawValue) -> None:
    """Excel error values and formulas without results are errors in any input column."""
    if isinstance(raw, ExcelError):
        raise CellProblem(
            "excel-error",
            f"shows the Excel error {raw.code}; correct the formula or type the value",
        )
    if raw is NO_RESULT:
        raise CellProblem(
            "formula-without-result",
            "is a formula whose result was not saved; open the workbook in Excel, "
            "let it calculate, and save it again",
        )


# --- Numbers -------------------------------------------------------------------------------

# A plain number typed as text: optional sign, digits with optional thousands
# separators, optional decimals. No currency signs, no percent, no exponent.
_PLAIN_NUMBER_RE: Final = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")

# Floats read from a cell carry binary noise (0.1 + 0.2 = 0.30000000000000004).
# Amounts are rounded to this many decimal places on the way in, far below a cent.
_FLOAT_PLACES: Final = Decimal("1e-9")


def _within_range(value: Decimal) -> Decimal:
    if abs(value) >= MAX_NUMBER:
        raise CellProblem("too-large", TOO_LARGE_REASON)
    return value


def decimal_from_float(number: float) -> Decimal:
    """Exact decimal of what Excel shows for a number cell (shortest repr, noise removed)."""
    text = repr(number)
    value = Decimal(text)
    # Only long or exponent forms can carry noise below 1e-9; most amounts skip this.
    noisy = len(text) > 15 or "e" in text
    if noisy and value.as_tuple().exponent < -9:  # type: ignore[operator]
        value = value.quantize(_FLOAT_PLACES).normalize()
    return value if value else Decimal(0)


#: Numbers must be smaller than this: Excel keeps 15 significant digits, and the
#: pay and sums are exact to the cent only well within Decimal's 28.
MAX_NUMBER: Final = Decimal(10) ** 15
TOO_LARGE_REASON: Final = (
    "must be smaller than 1,000,000,000,000,000 (10^15) either side of zero: Excel keeps "
    "only 15 digits of a number, so a larger one cannot be kept to the cent"
)


def coerce_decimal(raw: RawValue) -> Decimal:
    """A number cell, or text that is a plain number (accepted with a warning)."""
    if isinstance(raw, bool):
        raise CellProblem("not-a-number", "must be a number, not TRUE/FALSE")
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            raise CellProblem("not-a-number", "must be a number")
        return _within_range(decimal_from_float(raw))
    if isinstance(raw, int):
        return _within_range(Decimal(raw))
    if isinstance(raw, str):
        text = raw.strip()
        if _PLAIN_NUMBER_RE.match(text):
            try:
                value = _within_range(Decimal(text.replace(",", "")))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise CellProblem("not-a-number", "must be a number") from None
            raise AcceptedWithWarning(
                value,
                "number-stored-as-text",
                f"was typed as text and read as the number {value}; please type it as a number",
            )
        raise CellProblem("not-a-number", "must be a number")
    raise CellProblem("not-a-number", "must be a number")


def coerce_integer(raw: RawValue) -> Decimal:
    """A whole number (same acceptance as :func:`coerce_decimal`)."""
    try:
        value = coerce_decimal(raw)
    except AcceptedWithWarning as accepted:
        if not _is_whole(accepted.value):
            raise CellProblem("not-a-whole-number", "must be a whole number") from None
        raise
    if not _is_whole(value):
        raise CellProblem("not-a-whole-number", "must be a whole number")
    return value


def _is_whole(value: object) -> bool:
    return isinstance(value, Decimal) and value == value.to_integral_value()


# --- Text ----------------------------------------------------------------------------------


def coerce_text(raw: RawValue) -> str:
    """Text stripped of surrounding spaces; a number cell becomes its plain digits."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    return str(raw)


# --- Dates ---------------------------------------------------------------------------------

EPOCH_1900: Final = datetime(1899, 12, 30)
EPOCH_1904: Final = datetime(1904, 1, 1)


def datetime_from_serial(serial: float, epoch: datetime = EPOCH_1900) -> datetime:
    """An Excel serial number (days since the workbook's epoch) as a datetime."""
    moment = epoch + timedelta(days=serial)
    # Excel stores times as fractions of a day; round away sub-second float noise.
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0) if moment.microsecond else moment


# Serial numbers outside 1900-01-01 .. 9999-12-31 are not dates.
_MAX_SERIAL: Final = 2_958_465.0


def _from_serial(raw: float, epoch: datetime) -> datetime:
    if not 1 <= raw <= _MAX_SERIAL:
        raise CellProblem("not-a-date", "must be a date")
    return datetime_from_serial(raw, epoch)


def coerce_datetime(raw: RawValue, epoch: datetime = EPOCH_1900) -> datetime | date:
    """A date or date-time cell, an ISO text date, or an Excel serial number.

    A date alone is returned as a :class:`date`, so that callers can tell "the
    whole day" from midnight.
    """
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise CellProblem("not-a-date", "must be a date")
    if isinstance(raw, int | float):
        moment = _from_serial(float(raw), epoch)
        return moment.date() if float(raw).is_integer() else moment
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text)
        except ValueError:
            raise CellProblem("not-a-date", "must be a date (for example 2026-10-31)") from None
    raise CellProblem("not-a-date", "must be a date")


def coerce_date(raw: RawValue, epoch: datetime = EPOCH_1900) -> date:
    """A date; a time of day on it is ignored."""
    value = coerce_datetime(raw, epoch)
    return value.date() if isinstance(value, datetime) else value


_MONTH_RE: Final = re.compile(r"^(\d{4})-(\d{2})$")


def coerce_month(raw: RawValue, epoch: datetime = EPOCH_1900) -> str:
    """A month as ``YYYY-MM``: that text, or a date (cell or ISO text) in the month."""
    if isinstance(raw, str):
        match = _MONTH_RE.match(raw.strip())
        if match:
            if not 1 <= int(match.group(2)) <= 12:
                raise CellProblem("not-a-month", "must be a month written YYYY-MM, e.g. 2026-10")
            return raw.strip()
    try:
        value = coerce_date(raw, epoch)
    except CellProblem:
        raise CellProblem("not-a-month", "must be a month written YYYY-MM, e.g. 2026-10") from None
    return f"{value.year:04d}-{value.month:02d}"


# --- Choices -------------------------------------------------------------------------------


def coerce_choice(raw: RawValue, choices: tuple[str, ...]) -> str:
    """One of ``choices``, matched without regard to case or surrounding spaces."""
    text = coerce_text(raw)
    folded = text.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    raise CellProblem("not-in-list", "must be one of: " + ", ".join(choices))
