"""A sheet as a grid of raw cell values, whatever it was read with.

The rest of the reader (finding the header, cutting rows, coercing values)
works on a :class:`Grid`, so the same code serves a file read with
python-calamine, a live workbook range handed over by xlwings, or a list of
lists in a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from addin.cells import EPOCH_1900, RawValue, a1


@dataclass(slots=True)
class Grid:
    """Cell values of one sheet; ``rows[0][0]`` is ``origin`` (A1 unless said)."""

    sheet: str
    rows: Sequence[Sequence[RawValue]]
    epoch: datetime = EPOCH_1900
    origin: tuple[int, int] = (0, 0)
    # Rows that are never data: an Excel Table's totals row (absolute, 0-based).
    totals_rows: frozenset[int] = frozenset()
    # Merged areas as absolute 0-based (first_row, first_col, last_row, last_col).
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def ref(self, row: int, col: int) -> str:
        """A1 reference of grid position (row, col)."""
        return a1(row + self.origin[0], col + self.origin[1])

    def value(self, row: int, col: int) -> RawValue:
        cells = self.rows[row]
        return cells[col] if col < len(cells) else None

    @property
    def width(self) -> int:
        return max((len(cells) for cells in self.rows), default=0)
