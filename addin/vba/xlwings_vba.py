"""xlwings' standalone VBA, embedded in every macro-enabled workbook.

The button macros call ``RunPython`` and the worksheet-function wrappers call
``XLPy.CallUDF``; both live in xlwings' VBA module. The workbooks embed that
module and its ``Dictionary`` class, exactly as shipped inside the installed
xlwings package (``xlwings/xlwings.bas``, ``xlwings/addin/Dictionary.cls``)
and as ``xlwings quickstart --standalone`` and ``xlwings release`` import
them, rather than referencing the user's xlwings add-in, because:

* staff then install no Excel add-in: Python with the ``backoffice`` package
  (which brings xlwings) is all a PC needs;
* a VBA reference to an add-in is stored with the add-in's path on the
  machine that built the workbook; on any other PC it shows as ``MISSING``
  and then *no* module of the workbook compiles, not even Clear marks;
  ``Application.Run "xlwings.xlam!RunPython"`` avoids the reference but not
  the add-in, and cannot reach ``XLPy`` for the worksheet functions;
* the VBA and the Python side are one version: the embedded module is the
  one of the xlwings this workbook was built with (its ``XLWINGS_VERSION``
  and DLL names say so), and a test fails when a committed workbook was
  built with another.

The price: LibreOffice cannot compile xlwings' VBA (``Declare PtrSafe``,
``#If Mac``), so its VBA mode runs nothing in a project that contains it.
The builder can leave these two modules out (``xlwings=False``) for that test
only; see :func:`addin.vba.project.project_modules`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from addin.vba.modules import ModuleError, ModuleKind, VBAModule, make_module

MODULE: Final = "xlwings"
CLASS: Final = "Dictionary"
_VERSION: Final = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', re.MULTILINE)


def package_folder() -> Path:
    """The installed xlwings package's folder (its VBA ships there)."""
    import xlwings  # noqa: PLC0415 - only when a workbook with macros is built

    return Path(xlwings.__file__).parent


def installed_version() -> str:
    import xlwings  # noqa: PLC0415

    return str(xlwings.__version__)


def xlwings_modules() -> list[VBAModule]:
    """``xlwings`` (standard) and ``Dictionary`` (class), as the installed xlwings ships them.

    Raises :class:`ModuleError` when the files are missing or their version is
    not the installed package's (a broken or mixed install).
    """
    folder = package_folder()
    files = ((MODULE, ModuleKind.STANDARD, folder / "xlwings.bas"),
             (CLASS, ModuleKind.CLASS, folder / "addin" / "Dictionary.cls"))
    modules = []
    for name, kind, path in files:
        if not path.is_file():
            raise ModuleError(f"{path}: xlwings' VBA is missing from the installed xlwings "
                              f"{installed_version()}; reinstall xlwings")
        modules.append(make_module(name, kind, path.read_text(encoding="utf-8"), f"xlwings:{path.name}"))
    found = _VERSION.search(modules[0].source)
    if found is None or found.group(1) != installed_version():
        raise ModuleError(f"{files[0][2]}: XLWINGS_VERSION is "
                          f"{found.group(1) if found else 'missing'}, the package is "
                          f"{installed_version()}; reinstall xlwings")
    return modules
