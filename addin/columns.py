"""Column specifications: the single description of a sheet's columns.

The reader, the validator, the template writer and the report all work from
these specifications, so that a template and the validator can never disagree
about a column's name, type, bounds or list of choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class ColumnType(StrEnum):
    TEXT = "text"
    MONEY = "money"
    NUMBER = "number"
    INTEGER = "integer"
    MONTH = "month"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Column:
    """One input column of a sheet kind.

    ``key`` is the field name in the row model; ``header`` the English header
    in the workbook. ``blank_default`` is the value a blank cell stands for in
    an optional column ("blank = 0"); ``None`` means blank stays blank.
    ``identifier`` marks codes that are text even when they look like numbers
    (leading zeros matter). ``confidential`` marks personal data that reports
    show only in aggregate.
    """

    key: str
    header: str
    type: ColumnType
    required: bool = True
    blank_default: Decimal | None = None
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    identifier: bool = False
    confidential: bool = False
    help: str = ""
    width: int = 14

    def rule_text(self) -> str:
        """The column's rule in plain words, for input messages and the README."""
        parts: list[str] = []
        if self.choices:
            parts.append("one of: " + ", ".join(self.choices))
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"from {self.minimum} to {self.maximum}")
        elif self.minimum is not None:
            parts.append(f"{self.minimum} or more")
        if self.blank_default is not None:
            parts.append(f"blank means {self.blank_default}")
        elif not self.required:
            parts.append("optional")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ComputedColumn:
    """A column the template computes with a formula and the code recomputes.

    A workbook may carry it; the reader never trusts its cached value.
    """

    key: str
    header: str
    type: ColumnType
    help: str = ""
    width: int = 14


_SPACES = re.compile(r"\s+")


def normalise_header(text: object) -> str:
    """Header text compared without regard to case, repeated or surrounding spaces."""
    if not isinstance(text, str):
        return ""
    return _SPACES.sub(" ", text).strip().casefold()
