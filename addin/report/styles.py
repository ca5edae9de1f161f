"""Cell formats, created once per look and shared by every sheet of one workbook."""

from __future__ import annotations

from typing import Any, Final

from addin.report.cells import Kind

MONEY_FORMAT: Final = "#,##0.00;[Red]-#,##0.00"
NUMBER_FORMATS: Final[dict[Kind, str]] = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.PERCENT: "0.0%",
    Kind.INTEGER: "#,##0",
    Kind.NUMBER: "General",
    Kind.RATE: "General",  # exchange rates keep every digit they were given
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.MONTH: "yyyy-mm",
}
DATE_FORMAT: Final = NUMBER_FORMATS[Kind.DATE]
DATETIME_FORMAT: Final = NUMBER_FORMATS[Kind.DATETIME]

HEADER: Final[dict[str, Any]] = {
    "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "border": 1,
    "border_color": "#BFBFBF", "valign": "top",
}
TITLE: Final[dict[str, Any]] = {"bold": True, "font_size": 14, "font_color": "#1F4E78"}
SECTION: Final[dict[str, Any]] = {"bold": True, "font_size": 12, "font_color": "#1F4E78"}
LABEL: Final[dict[str, Any]] = {"bold": True}
NOTE: Final[dict[str, Any]] = {"italic": True, "font_color": "#595959"}
TOTAL: Final[dict[str, Any]] = {"bold": True, "top": 1, "bottom": 6}
BAD: Final[dict[str, Any]] = {"font_color": "#9C0006", "bg_color": "#FFC7CE"}
WARN: Final[dict[str, Any]] = {"font_color": "#7F4F00", "bg_color": "#FFEB9C"}
GOOD: Final[dict[str, Any]] = {"font_color": "#006100", "bg_color": "#C6EFCE"}
SUPPRESSED: Final[dict[str, Any]] = {"italic": True, "font_color": "#595959", "align": "right"}


class Styles:
    """One XlsxWriter Format per distinct set of properties (Excel limits the number of formats)."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, props: dict[str, Any]) -> Any:
        """The Format with exactly ``props`` (an empty dict gives the default look)."""
        key = tuple(sorted(props.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._workbook.add_format(dict(props))
            self._cache[key] = found
        return found
