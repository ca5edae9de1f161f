"""The form buttons of a macro-enabled department workbook, and the macro each one runs.

Four buttons, on the Info sheet and on each data sheet: Validate, Submit,
Consolidate now, Clear marks. Each is an Excel form button (XlsxWriter
``insert_button``, a legacy VML control) assigned to a VBA Sub. Which Sub is
not hard-wired: it is the one public Sub of the project's own standard
modules (``macros/*.bas``) that names the button's Python entry point
(``run_validate``, ... in :mod:`addin.macros`), so renaming a Sub there cannot
leave a button pointing at nothing, and a button whose Sub is missing or
ambiguous stops the build.

Layout. Info: the buttons stacked in column D (rows 3-6, taller rows), each
with its line of help beside it in column E. Data sheets: the buttons side
by side in the title row (made taller), right of the title and above the
frozen header, so they stay in view while scrolling down; one line of help
follows them. Buttons on a protected sheet still click; they cannot be moved
or edited there. A button never runs anything by itself.

Printing: buttons are not printed, and the print area stops before the
buttons' help (Info: columns A-B; data sheets: the table's columns), or the
sheets' "fit to one page wide" would shrink the table to make room for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from addin.kinds import DATA_KINDS, INFO_SHEET
from addin.kinds.base import SheetKind
from addin.templates.context import table_columns
from addin.vba.modules import ModuleError, ModuleKind, VBAModule, public_procedures


@dataclass(frozen=True, slots=True)
class Button:
    """A button's caption, the Python entry point its Sub runs, and its line of help."""

    key: str
    caption: str
    entry_point: str
    help: str


BUTTONS: Final = (
    Button("validate", "Validate", "run_validate",
           "Check every sheet; problems are marked and listed on a Validation sheet."),
    Button("submit", "Submit", "run_submit",
           "Validate, then send a copy to the organisation's inbox (only without errors)."),
    Button("consolidate_now", "Consolidate now", "run_consolidate_now",
           "Consolidate the workbooks in the inbox; the figures appear on an Org Summary sheet."),
    Button("clear_marks", "Clear marks", "run_clear_marks",
           "Remove the validation marks and the Validation sheet."),
)

DATA_SHEET_HELP: Final = "What each button does is written beside it on the Info sheet."

# Sizes in pixels at 100 % zoom with the default font (Calibri 11).
BUTTON_HEIGHT: Final = 28
INFO_BUTTON_WIDTH: Final = 130
INFO_COLUMN: Final = 3  # D; C stays empty between the Info values and the buttons
INFO_FIRST_ROW: Final = 2  # 0-based: Excel row 3, level with the first Info key
INFO_ROW_HEIGHT: Final = 24  # points (32 px): room for a 28 px button
DATA_BUTTON_WIDTH: Final = 112
DATA_BUTTON_GAP: Final = 6
DATA_TITLE_ROW_HEIGHT: Final = 30  # points (40 px)
DATA_TITLE_ROOM: Final = 340
"""Pixels kept free for a data sheet's title ("Inventory — <10-character code> — 2026-10", 14 pt bold)."""
LAST_ROW: Final = 1_048_575


def column_pixels(width: float) -> int:
    """A column width in characters as pixels, the way Excel and XlsxWriter convert it."""
    if width < 1:
        return int(width * 12 + 0.5)
    return int(width * 7 + 0.5) + 5


def resolve_macros(modules: Sequence[VBAModule],
                   buttons: Sequence[Button] = BUTTONS) -> dict[str, str]:
    """Each button's key -> the name of the Sub it runs.

    Only standard modules read from ``.bas`` files count: not xlwings' (its
    origin is ``xlwings:...``), the generated wrappers, nor a caller's extras.
    """
    candidates = [module for module in modules
                  if module.kind is ModuleKind.STANDARD and module.origin.endswith(".bas")
                  and not module.origin.startswith("xlwings:")]
    found: dict[str, str] = {}
    for button in buttons:
        pattern = re.compile(rf"\b{re.escape(button.entry_point)}\b")
        subs = [f"{module.name}.{name}" for module in candidates for name in public_procedures(module)
                if _is_sub(module, name) and pattern.search(module.procedure_body(name))]
        if len(subs) != 1:
            where = ", ".join(m.origin for m in candidates) or "no module"
            what = "no public Sub" if not subs else f"{len(subs)} Subs ({', '.join(subs)})"
            raise ModuleError(f"the {button.caption} button needs one public Sub that runs "
                              f"{button.entry_point}; found {what} in {where}")
        found[button.key] = subs[0].split(".", 1)[1]
    return found


def _is_sub(module: VBAModule, name: str) -> bool:
    return bool(re.search(rf"^[ \t]*(?:Public[ \t]+)?Sub[ \t]+{re.escape(name)}\b", module.source,
                          re.IGNORECASE | re.MULTILINE))


def add_buttons(workbook: Any, macros: dict[str, str], buttons: Sequence[Button] = BUTTONS) -> None:
    """Buttons on the Info sheet and on each data sheet of an XlsxWriter ``workbook``."""
    help_format = workbook.add_format({"valign": "vcenter", "font_color": "#404040"})
    short_help = workbook.add_format({"valign": "vcenter", "font_color": "#404040", "font_size": 9,
                                      "text_wrap": True})
    for sheet in workbook.worksheets():
        if sheet.name == INFO_SHEET:
            _info_buttons(sheet, macros, buttons, help_format)
        elif sheet.name in DATA_KINDS:
            _data_buttons(sheet, DATA_KINDS[sheet.name], macros, buttons, short_help)


def _options(button: Button, macros: dict[str, str], width: int, x: int, y: int) -> dict[str, Any]:
    return {"macro": macros[button.key], "caption": button.caption, "width": width,
            "height": BUTTON_HEIGHT, "x_offset": x, "y_offset": y, "description": button.help}


def _info_buttons(sheet: Any, macros: dict[str, str], buttons: Sequence[Button],
                  help_format: Any) -> None:
    sheet.set_column(INFO_COLUMN, INFO_COLUMN, 19)
    sheet.set_column(INFO_COLUMN + 1, INFO_COLUMN + 1, 78)
    sheet.print_area(0, 0, LAST_ROW, INFO_COLUMN - 2)
    for offset, button in enumerate(buttons):
        row = INFO_FIRST_ROW + offset
        sheet.set_row(row, INFO_ROW_HEIGHT)
        _insert(sheet, row, INFO_COLUMN, _options(button, macros, INFO_BUTTON_WIDTH, 4, 2))
        sheet.write_string(row, INFO_COLUMN + 1, button.help, help_format)


def _data_buttons(sheet: Any, kind: SheetKind, macros: dict[str, str], buttons: Sequence[Button],
                  help_format: Any) -> None:
    widths = [column_pixels(column.width) for column in table_columns(kind)]
    start, left = 0, 0
    while left < DATA_TITLE_ROOM:  # the first column boundary right of the title
        left += widths[start] if start < len(widths) else column_pixels(8.43)
        start += 1
    sheet.set_row(0, DATA_TITLE_ROW_HEIGHT)
    sheet.print_area(0, 0, LAST_ROW, len(widths) - 1)
    step = DATA_BUTTON_WIDTH + DATA_BUTTON_GAP
    y = (DATA_TITLE_ROW_HEIGHT * 4 // 3 - BUTTON_HEIGHT) // 2
    for offset, button in enumerate(buttons):
        # x_offset past a column's edge carries on into the next columns (XlsxWriter sums the widths).
        _insert(sheet, 0, start, _options(button, macros, DATA_BUTTON_WIDTH, offset * step, y))
    right = left + len(buttons) * step
    column = start
    while left < right + DATA_BUTTON_GAP:
        left += widths[column] if column < len(widths) else column_pixels(8.43)
        column += 1
    if column < len(widths) - 1:
        # Within the table's width (and so the print area): wrapped over the rest of the row.
        sheet.merge_range(0, column, 0, len(widths) - 1, DATA_SHEET_HELP, help_format)
    else:
        sheet.write_string(0, column, DATA_SHEET_HELP, help_format)


def _insert(sheet: Any, row: int, col: int, options: dict[str, Any]) -> None:
    # XlsxWriter warns and returns -1 instead of raising: make it an error.
    if sheet.insert_button(row, col, options):
        raise ValueError(f"XlsxWriter refused the {options['caption']} button on {sheet.name}")
