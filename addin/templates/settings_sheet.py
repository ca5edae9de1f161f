"""The Settings sheet: the payroll settings the Payroll formulas compute with.

It holds the standard monthly hours, the overtime multiplier and the income
tax brackets of the workbook's currency (``settings.brackets_for(currency)``),
each under a workbook-level defined name, so that the workbook alone computes
Net Pay exactly as :func:`addin.kinds.payroll.compute_pay` does. The sheet is
visible, so people can see how their pay is computed, and protected.

The progressive tax is computed with "rate steps": a bracket's step is its
rate minus the previous bracket's rate, so that
``tax = SUM(MAX(0, gross - lower_i) * step_i)``, which one ``SUMPRODUCT``
evaluates over the bracket table.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from addin.settings import TaxBracket
from addin.templates.context import TemplateContext
from addin.templates.styles import Styles, money_format

SHEET: Final = "Settings"

STD_HOURS: Final = "StdHours"
OT_MULTIPLIER: Final = "OTMultiplier"
TAX_LOWER: Final = "TaxLower"
TAX_STEP: Final = "TaxStep"
TAX_RATE: Final = "TaxRate"

_FIRST_VALUE_ROW: Final = 3  # 0-based: Excel row 4
_BRACKET_HEADER_ROW: Final = 7
_RATE_FORMAT: Final = "0.00%"


def rate_steps(brackets: tuple[TaxBracket, ...]) -> list[tuple[Decimal, Decimal | None, Decimal, Decimal]]:
    """(lower, up_to, rate, step) per bracket; ``step`` = rate - previous rate."""
    rows = []
    lower = previous = Decimal(0)
    for bracket in brackets:
        rows.append((lower, bracket.up_to, bracket.rate, bracket.rate - previous))
        previous = bracket.rate
        lower = bracket.up_to if bracket.up_to is not None else lower
    return rows


def write_settings_sheet(workbook: Any, sheet: Any, styles: Styles, ctx: TemplateContext,
                         protection: Mapping[str, bool]) -> None:
    """Fill the Settings sheet and define the names the Payroll formulas use."""
    label = styles.get(bold=True)
    sheet.write_string(0, 0, f"{ctx.header(SHEET, 'Payroll settings')} ({ctx.currency})", styles.title())
    sheet.write_string(1, 0, ctx.header(SHEET, "From the organisation's configuration; "
                                        "the Payroll formulas use these values."), styles.hint())
    scalars = (
        ("Standard Monthly Hours", STD_HOURS, ctx.settings.standard_monthly_hours),
        ("Overtime Multiplier", OT_MULTIPLIER, ctx.settings.overtime_multiplier),
    )
    for offset, (text, name, value) in enumerate(scalars):
        row = _FIRST_VALUE_ROW + offset
        sheet.write_string(row, 0, ctx.header(SHEET, text), label)
        sheet.write_number(row, 1, float(value), styles.get(num_format="General"))
        workbook.define_name(name, f"={SHEET}!$B${row + 1}")
    sheet.write_string(_FIRST_VALUE_ROW + 2, 0, ctx.header(SHEET, "Currency"), label)
    sheet.write_string(_FIRST_VALUE_ROW + 2, 1, ctx.currency)
    _write_brackets(workbook, sheet, styles, ctx)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 3, 18)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.protect("", dict(protection))


def _write_brackets(workbook: Any, sheet: Any, styles: Styles, ctx: TemplateContext) -> None:
    header = styles.header()
    for col, text in enumerate(("Over", "Up To", "Rate", "Rate Step")):
        sheet.write_string(_BRACKET_HEADER_ROW, col, ctx.header(SHEET, text), header)
    money = styles.get(num_format=money_format(ctx.currency))
    rate = styles.get(num_format=_RATE_FORMAT)
    steps = rate_steps(ctx.settings.brackets_for(ctx.currency))
    first = _BRACKET_HEADER_ROW + 1
    for index, (lower, up_to, bracket_rate, step) in enumerate(steps):
        row = first + index
        sheet.write_number(row, 0, float(lower), money)
        if up_to is None:
            sheet.write_string(row, 1, ctx.header(SHEET, "and above"))
        else:
            sheet.write_number(row, 1, float(up_to), money)
        sheet.write_number(row, 2, float(bracket_rate), rate)
        # The step is a formula, so the table stays consistent if a rate is changed;
        # ROUND strips the binary noise of the subtraction (0.35 - 0.30).
        previous = f"-C{row}" if index else ""
        sheet.write_formula(row, 3, f"=ROUND(C{row + 1}{previous},10)", rate, float(step))
    last = first + len(steps)
    workbook.define_name(TAX_LOWER, f"={SHEET}!$A${first + 1}:$A${last}")
    workbook.define_name(TAX_RATE, f"={SHEET}!$C${first + 1}:$C${last}")
    workbook.define_name(TAX_STEP, f"={SHEET}!$D${first + 1}:$D${last}")
