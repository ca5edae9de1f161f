"""Conditional formats that draw attention to rows the validator or a reader cares about.

Negative Variance (over budget) and a negative Net Pay in red, stock at or
below its reorder level in amber, an End that is not after its Start in red.
Conditional formats accept no structured references, so the rules use A1
references with the column absolute and the row relative to the first data row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from addin.cells import column_letter
from addin.kinds.base import SheetKind
from addin.templates.context import table_columns
from addin.templates.styles import ATTENTION_AMBER, ATTENTION_RED, Styles
from addin.templates.validation import after_start_test

Cells = Mapping[str, str]
"""Column key -> ``$H4``: the column's first data cell, column absolute."""


@dataclass(frozen=True, slots=True)
class Attention:
    """One conditional format: the columns it colours, its test, and its colours."""

    targets: Sequence[str] | None  # None: the whole row of the table
    test: Callable[[Cells], str]
    colours: Mapping[str, str]


def _negative(key: str) -> Callable[[Cells], str]:
    return lambda c: f"AND(ISNUMBER({c[key]}),{c[key]}<0)"


ATTENTION: Final[dict[str, tuple[Attention, ...]]] = {
    "Budget": (Attention(("variance", "variance_pct"), _negative("variance"), ATTENTION_RED),),
    "Payroll": (Attention(("net_pay",), _negative("net_pay"), ATTENTION_RED),),
    "Inventory": (
        Attention(
            None,
            lambda c: f"AND(ISNUMBER({c['quantity_on_hand']}),ISNUMBER({c['reorder_level']}),"
            f"{c['quantity_on_hand']}<={c['reorder_level']})",
            ATTENTION_AMBER,
        ),
    ),
    "Schedule": (
        Attention(
            ("start", "end"),
            lambda c: f"AND(ISNUMBER({c['start']}),ISNUMBER({c['end']}),"
            f"NOT({after_start_test(c['end'], c['start'])}))",
            ATTENTION_RED,
        ),
    ),
}


def apply_attention(sheet: Any, kind: SheetKind, first_row: int, last_row: int,
                    styles: Styles) -> None:
    """Add the kind's conditional formats over its data rows."""
    keys = [c.key for c in table_columns(kind)]
    position = {key: col for col, key in enumerate(keys)}
    cells = {key: f"${column_letter(col)}{first_row + 1}" for key, col in position.items()}
    for rule in ATTENTION.get(kind.name, ()):
        options = {"type": "formula", "criteria": "=" + rule.test(cells),
                   "format": styles.attention(dict(rule.colours))}
        columns = [(0, len(keys) - 1)] if rule.targets is None else [
            (position[key], position[key]) for key in rule.targets]
        for first_col, last_col in columns:
            if sheet.conditional_format(first_row, first_col, last_row, last_col, options):
                raise ValueError(f"XlsxWriter refused a conditional format of {kind.name}")
