"""What every part of a template needs to know about the workbook being written.

:class:`TemplateContext` is built once by :func:`addin.templates.workbook.
write_department_workbook` from its arguments (checked there) and handed to the
sheet writers, so that headers, formats and formulas all agree on the language,
the currency and the payroll settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from addin import locales
from addin.columns import Column, ComputedColumn
from addin.kinds.base import SheetKind
from addin.settings import PayrollSettings

TABLE_HEADER_ROW = 2
"""0-based row of every data sheet's table header (Excel row 3): a title and a hint above."""

MIN_DATA_ROWS = 200
"""A data table always has at least this many rows to fill in."""

SPARE_ROWS = 50
"""Blank rows left below the rows given, so a filled template still has room.

Tables cannot grow on a protected sheet (Excel refuses to resize them), so the
room must be there from the start; data validation and formats cover it all.
"""


@dataclass(frozen=True, slots=True)
class TemplateContext:
    """The department, period, currency, language and payroll settings of one workbook."""

    department_code: str
    department_name: str
    period: str
    currency: str
    prepared_by: str
    language: str
    settings: PayrollSettings = field(default_factory=PayrollSettings)

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def created(self) -> datetime:
        """The document's fixed creation date: midnight on the first of the period.

        Derived from the inputs, never from the clock, so rebuilding the same
        template gives the same bytes.
        """
        return datetime(self.year, int(self.period[5:7]), 1)

    def header(self, kind: SheetKind | str, english: str) -> str:
        """A header or label of ``kind`` in the workbook's language."""
        sheet = kind if isinstance(kind, str) else kind.name
        return locales.translate(sheet, english, self.language)


def table_columns(kind: SheetKind) -> tuple[Column | ComputedColumn, ...]:
    """The columns of ``kind``'s table in order: inputs in Column order, then computed ones."""
    return (*kind.columns, *kind.computed)
