"""Converting department figures into the reporting currency.

Each figure is summed exactly in the department's own currency first, then
converted once and rounded to the cent (half away from zero). Rates are
quoted as units of the department's currency per one unit of the reporting
currency (USD/VND 25,400 means VND = 25400), so converting divides.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_reporting(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` in the department's currency, in the reporting currency, to the cent."""
    return (amount / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part / whole``, or blank when either is blank or ``whole`` is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole
