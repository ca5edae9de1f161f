"""Writing a whole department workbook: arguments checked, sheets in order, written atomically.

Sheets: Info, Budget, Payroll, Inventory, Schedule (one per registered data
kind, in registry order), Settings. The file is first written to a temporary
file in the target's folder, then moved over the target with ``os.replace``,
so a reader never sees half a workbook and a failed run leaves the old file.

Builds are deterministic: XlsxWriter writes in memory with fixed ZIP entry
times, and the document's creation date is derived from the period, never
from the clock, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import xlsxwriter

from addin import locales
from addin.cells import CellProblem, coerce_month
from addin.files import replacing
from addin.kinds import DATA_KINDS, INFO_SHEET
from addin.kinds.info import ISO_4217, TEMPLATE_VERSION
from addin.settings import PayrollSettings
from addin.templates.context import TemplateContext
from addin.templates.data_sheet import check_rows, write_data_sheet
from addin.templates.info_sheet import write_info_sheet
from addin.templates.settings_sheet import SHEET as SETTINGS_SHEET
from addin.templates.settings_sheet import write_settings_sheet
from addin.templates.styles import Styles

if TYPE_CHECKING:
    from addin.vba import MacroProject

PROTECTION: Final[Mapping[str, bool]] = {
    # The Validate button colours problem cells and adds notes: Excel refuses both
    # on a protected sheet unless formatting cells and editing objects are allowed.
    "format_cells": True,
    "objects": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "sort": True,
    "autofilter": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
"""What people may do on the protected sheets (no password: protection guards
formulas from slips, it is not a security boundary)."""

_DEPARTMENT_CODE: Final = re.compile(r"^[A-Z0-9-]{2,10}$")

Rows = Mapping[str, Sequence[Mapping[str, object]]]


def write_department_workbook(
    path: Path,
    *,
    department_code: str,
    department_name: str,
    period: str,
    currency: str = "USD",
    prepared_by: str = "",
    language: str = "en",
    settings: PayrollSettings | None = None,
    rows: Rows | None = None,
    macros: bool | MacroProject = False,
) -> Path:
    """Write a department workbook template (optionally filled with ``rows``) to ``path``.

    ``rows`` maps a kind name ("Budget") to rows keyed by column key
    ("base_salary"), with Python values (str, Decimal, date, datetime, None).
    ``macros=True`` writes a macro-enabled ``.xlsm`` with the VBA project built
    from ``macros/`` and the buttons (:meth:`addin.vba.MacroProject.default`);
    a :class:`~addin.vba.MacroProject` chooses the modules. Returns ``path``.
    Raises :class:`ValueError` for arguments the contract refuses (and
    :class:`addin.vba.ModuleError`, a ValueError, for a VBA module that cannot go in).
    """
    ctx = make_context(department_code, department_name, period, currency, prepared_by,
                       language, settings or PayrollSettings())
    given = _check_kinds(rows or {})
    path = Path(path)
    suffix = ".xlsm" if macros else ".xlsx"
    if path.suffix.lower() != suffix:
        kind = "with" if macros else "without"
        raise ValueError(f"{path.name}: a workbook {kind} macros must be saved as {suffix}")
    vba = _macro_project(macros)
    with replacing(path) as temporary:
        _write(temporary, ctx, given, vba)
    return path


def make_context(department_code: str, department_name: str, period: str, currency: str,
                 prepared_by: str, language: str, settings: PayrollSettings) -> TemplateContext:
    """The checked arguments: what the Info sheet would hold, valid by the contract."""
    if not _DEPARTMENT_CODE.match(department_code):
        raise ValueError(f"department code {department_code!r} must be 2 to 10 characters: "
                         "capital letters A-Z, digits or '-'")
    if not department_name.strip():
        raise ValueError("the department name must not be empty")
    try:
        month = coerce_month(period)
    except CellProblem:
        month = ""
    if month != period:
        raise ValueError(f"period {period!r} must be a month written YYYY-MM, e.g. 2026-10")
    if currency.upper() not in ISO_4217:
        raise ValueError(f"currency {currency!r} is not an ISO 4217 code such as USD, VND, CNY")
    if language not in locales.languages():
        raise ValueError(f"unknown language {language!r}; known: {', '.join(locales.languages())}")
    return TemplateContext(department_code, department_name.strip(), period, currency.upper(),
                           prepared_by.strip(), language, settings)


def _check_kinds(rows: Rows) -> Rows:
    """Refuse unknown kinds and column keys before anything is written."""
    unknown = sorted(set(rows) - set(DATA_KINDS))
    if unknown:
        raise ValueError(f"rows for unknown sheet kind(s) {', '.join(unknown)}; "
                         f"known: {', '.join(DATA_KINDS)}")
    for name, given in rows.items():
        check_rows(DATA_KINDS[name], given)
    return rows


def _macro_project(macros: bool | MacroProject) -> MacroProject | None:
    """The VBA project to attach, read and checked before anything is written (None: no macros)."""
    if macros is False:
        return None
    from addin.vba import MacroProject  # noqa: PLC0415 - pyopenvba and xlwings only when asked

    return MacroProject.default() if macros is True else macros


def _write(target: Path, ctx: TemplateContext, rows: Rows, vba: MacroProject | None = None) -> None:
    workbook = xlsxwriter.Workbook(str(target), {
        # Text is text: "=1+1" and "000123" are never turned into a formula or a number.
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        # Fixed ZIP entry dates and no temporary files: byte-identical rebuilds.
        "in_memory": True,
    })
    try:
        styles = Styles(workbook)
        write_info_sheet(workbook.add_worksheet(INFO_SHEET), styles, ctx, PROTECTION)
        for kind in DATA_KINDS.values():
            write_data_sheet(workbook.add_worksheet(kind.name), styles, kind,
                             rows.get(kind.name, ()), ctx, PROTECTION)
        write_settings_sheet(workbook, workbook.add_worksheet(SETTINGS_SHEET), styles, ctx,
                             PROTECTION)
        if vba is not None:
            vba.attach(workbook)  # VBA project, code names, buttons: once every sheet exists
        _set_properties(workbook, ctx)
    finally:
        workbook.close()


def _set_properties(workbook: Any, ctx: TemplateContext) -> None:
    workbook.set_properties({
        "title": f"{ctx.department_name} — {ctx.period}",
        "subject": f"Department workbook of {ctx.department_code} ({ctx.department_name})",
        "author": ctx.prepared_by or "backoffice",
        "category": "Department workbook",
        "keywords": f"{ctx.department_code}, {ctx.period}, {ctx.currency}",
        "comments": f"Written by backoffice; template version {TEMPLATE_VERSION}.",
        "created": ctx.created,
    })
    custom: dict[str, str | int] = {
        "Department Code": ctx.department_code,
        "Department Name": ctx.department_name,
        "Period": ctx.period,
        "Currency": ctx.currency,
        "Language": ctx.language,
        "Template Version": TEMPLATE_VERSION,
    }
    for name, value in custom.items():
        workbook.set_custom_property(name, value)
