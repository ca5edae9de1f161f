"""Excel-native department workbook templates, written with XlsxWriter.

:func:`write_department_workbook` writes the workbook of the contract
(``workbook-contract.md``): Info, one Excel Table per data sheet with data
validation, live formulas for the computed columns and conditional formats,
and a protected Settings sheet with the payroll settings the formulas use.
Everything is generated from the sheet kinds' Column specifications.

Modules: :mod:`.workbook` (the entry point, atomic writing, properties),
:mod:`.info_sheet`, :mod:`.data_sheet`, :mod:`.settings_sheet`,
:mod:`.formulas` (computed columns), :mod:`.validation` (data validation),
:mod:`.attention` (conditional formats), :mod:`.styles`, :mod:`.references`,
:mod:`.context`.
"""

from __future__ import annotations

from addin.templates.workbook import PROTECTION, make_context, write_department_workbook

__all__ = ["PROTECTION", "make_context", "write_department_workbook"]
