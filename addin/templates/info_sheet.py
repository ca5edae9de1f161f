"""The Info sheet: a key in column A and its value in column B, filled in.

Keys come from :data:`addin.kinds.info.KEYS`, translated for ``vi`` / ``zh``.
The values the generator sets and the formats depend on (Department Code,
Period, Currency, Template Version) are locked with the keys; Department Name
and Prepared By stay editable, with an input message and a "filled in" rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from addin.columns import Column, ColumnType
from addin.kinds import DATA_KINDS, INFO_SHEET
from addin.kinds.info import KEYS, TEMPLATE_VERSION
from addin.templates.context import TemplateContext
from addin.templates.styles import INTEGER_FORMAT, TEXT_FORMAT, Styles
from addin.templates.validation import TITLE_LIMIT, input_message

FIRST_KEY_ROW: Final = 2
"""0-based row of the first key (Excel row 3), below a title and a hint."""

EDITABLE: Final = frozenset({"department_name", "prepared_by"})
"""Info values a clerk may change; the others are set when the workbook is generated."""


def info_values(ctx: TemplateContext) -> dict[str, str | int]:
    """The value of every Info key, by key."""
    return {
        "department_code": ctx.department_code,
        "department_name": ctx.department_name,
        "period": ctx.period,
        "currency": ctx.currency,
        "prepared_by": ctx.prepared_by,
        "template_version": TEMPLATE_VERSION,
    }


def write_info_sheet(sheet: Any, styles: Styles, ctx: TemplateContext,
                     protection: Mapping[str, bool]) -> None:
    """Title, the keys and their values, and a short list of the data sheets."""
    title = f"{ctx.department_name} ({ctx.department_code}) — {ctx.period}"
    sheet.write_string(0, 0, title, styles.title())
    sheet.write_string(1, 0, "Department workbook. Fill in the white cells; "
                       "see each sheet's first rows.", styles.hint())
    values = info_values(ctx)
    for offset, key in enumerate(KEYS):
        row = FIRST_KEY_ROW + offset
        sheet.write_string(row, 0, ctx.header(INFO_SHEET, key.header), styles.get(bold=True))
        _write_value(sheet, styles, row, key, values[key.key])
        if key.key in EDITABLE:
            _validate_filled_in(sheet, row, key, ctx)
    _write_sheet_list(sheet, styles, FIRST_KEY_ROW + len(KEYS) + 1)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 48)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.protect("", dict(protection))


def _write_value(sheet: Any, styles: Styles, row: int, key: Column, value: str | int) -> None:
    editable = key.key in EDITABLE
    if key.type is ColumnType.INTEGER:
        fmt = styles.get(num_format=INTEGER_FORMAT, locked=True, align="left")
        sheet.write_number(row, 1, value, fmt)
        return
    fmt = styles.get(num_format=TEXT_FORMAT, locked=not editable)
    if value == "":
        sheet.write_blank(row, 1, None, fmt)
    else:
        sheet.write_string(row, 1, str(value), fmt)


def _validate_filled_in(sheet: Any, row: int, key: Column, ctx: TemplateContext) -> None:
    header = ctx.header(INFO_SHEET, key.header)
    sheet.data_validation(row, 1, row, 1, {
        "validate": "custom",
        "value": f"=LEN(TRIM(B{row + 1}))>0",
        "ignore_blank": True,
        "input_title": header[:TITLE_LIMIT],
        "input_message": input_message(key),
        "error_title": f"Check {header}"[:TITLE_LIMIT],
        "error_message": f"{header} must be filled in.",
    })


def _write_sheet_list(sheet: Any, styles: Styles, row: int) -> None:
    """What each data sheet holds: a reminder for whoever opens the workbook first."""
    bold = styles.get(bold=True)
    sheet.write_string(row, 0, "Sheet", bold)
    sheet.write_string(row, 1, "What it holds", bold)
    for offset, kind in enumerate(DATA_KINDS.values(), start=1):
        sheet.write_string(row + offset, 0, kind.name)
        sheet.write_string(row + offset, 1, kind.description)
