"""Cell formats: number formats per column type, and one cached XlsxWriter format per look.

Number formats follow the column's type (:class:`addin.columns.ColumnType`) and
the workbook currency. Money shows the currency code after the amount
(``#,##0.00 "USD"``), a quoted literal that Excel and LibreOffice both display
the same way in any locale. Currencies without a minor unit in practice (VND,
JPY, ...) are shown without decimals; the values themselves keep their cents,
since the pay computation rounds to the cent in every currency.
"""

from __future__ import annotations

from typing import Any, Final

from addin.columns import ColumnType

TEXT_FORMAT: Final = "@"
DATE_FORMAT: Final = "yyyy-mm-dd"
DATETIME_FORMAT: Final = "yyyy-mm-dd hh:mm"
MONTH_FORMAT: Final = "yyyy-mm"
INTEGER_FORMAT: Final = "0"
NUMBER_FORMAT: Final = "General"
PERCENT_FORMAT: Final = "0.0%"

ZERO_DECIMAL_CURRENCIES: Final = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)
"""ISO 4217 currencies with no minor unit in use: shown without decimals."""

COMPUTED_FILL: Final = "#EDEDED"
HEADER_FILL: Final = "#1F4E78"
ATTENTION_RED: Final = {"font_color": "#9C0006", "bg_color": "#FFC7CE"}
ATTENTION_AMBER: Final = {"font_color": "#7F4F00", "bg_color": "#FFEB9C"}


def money_format(currency: str) -> str:
    """``#,##0.00 "USD"``; negative amounts in red with a minus sign."""
    digits = "#,##0" if currency in ZERO_DECIMAL_CURRENCIES else "#,##0.00"
    shown = f'{digits} "{currency}"'
    return f"{shown};[Red]-{shown}"


def number_format(column_type: ColumnType, currency: str) -> str:
    """The Excel number format of a column of ``column_type``."""
    match column_type:
        case ColumnType.MONEY:
            return money_format(currency)
        case ColumnType.INTEGER:
            return INTEGER_FORMAT
        case ColumnType.NUMBER:
            return NUMBER_FORMAT
        case ColumnType.DATE:
            return DATE_FORMAT
        case ColumnType.DATETIME:
            return DATETIME_FORMAT
        case ColumnType.MONTH | ColumnType.TEXT | ColumnType.CHOICE:
            # A month is written "YYYY-MM" as text: Text format keeps Excel from
            # turning what a clerk types into a date of another day.
            return TEXT_FORMAT
    raise AssertionError(f"no number format for {column_type}")  # pragma: no cover


class Styles:
    """XlsxWriter formats, created once per distinct set of properties.

    XlsxWriter keeps every format it is given; asking this cache instead keeps
    the styles part of the file small and the output deterministic.
    """

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, object], ...], Any] = {}

    def get(self, **properties: object) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(dict(properties))
        return self._cache[key]

    def title(self) -> Any:
        return self.get(bold=True, font_size=14, font_color=HEADER_FILL)

    def hint(self) -> Any:
        return self.get(italic=True, font_color="#595959")

    def header(self) -> Any:
        return self.get(bold=True, text_wrap=True, valign="top", border=1)

    def cell(self, num_format: str, *, computed: bool) -> Any:
        """A data cell: inputs unlocked and white, computed cells locked and grey."""
        if computed:
            return self.get(num_format=num_format, locked=True, bg_color=COMPUTED_FILL)
        return self.get(num_format=num_format, locked=False)

    def total(self, num_format: str) -> Any:
        return self.get(num_format=num_format, bold=True, locked=True)

    def attention(self, colours: dict[str, str]) -> Any:
        """A conditional format (only colours: Excel applies it over the cell's own)."""
        return self.get(**colours)
