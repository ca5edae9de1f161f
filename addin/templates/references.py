"""Structured references to Excel Table columns, written out in full.

Formulas in a table column always use the fully qualified form
``tblBudget[[#This Row],[Actual]]``. XlsxWriter writes Excel's ``[@Actual]``
shorthand as ``[[#This Row],Actual]``, which LibreOffice computes as an error
(Err:507), and an A1 reference in a table column formula is not shifted from
row to row; the full form works in Excel and LibreOffice alike.
"""

from __future__ import annotations

from dataclasses import dataclass

# Characters Excel escapes with a leading apostrophe inside a column specifier.
_ESCAPED = str.maketrans({"'": "''", "#": "'#", "[": "'[", "]": "']"})


def escape_column(name: str) -> str:
    """A column name as written inside ``[...]`` of a structured reference."""
    return name.translate(_ESCAPED)


@dataclass(frozen=True, slots=True)
class TableRefs:
    """Structured references into one table, by (translated) column header."""

    table: str

    def this_row(self, header: str) -> str:
        """The cell of column ``header`` in the formula's own row."""
        return f"{self.table}[[#This Row],[{escape_column(header)}]]"

    def column(self, header: str) -> str:
        """The data cells of column ``header`` (no header, no totals row)."""
        return f"{self.table}[[#Data],[{escape_column(header)}]]"

    def subtotal_sum(self, header: str) -> str:
        """A totals-row sum that ignores rows hidden by the filter, as Excel's own."""
        return f"SUBTOTAL(109,{self.column(header)})"
