"""The workbook's VBA project (``xl/vbaProject.bin``), built with pyopenvba from module text.

No compound-file or VBA-project writer is written here. pyopenvba (MIT, pure
Python) checks every file it writes against live Excel (the file reopens
without a repair prompt and its code runs), which this project cannot do:
nobody on it has Excel. Its ``ExcelFile.add_vba_project`` starts from a
project Excel itself authored and gives it what Excel gives a workbook's
first macro: a document module for the workbook (``ThisWorkbook``) and one
for each sheet, named by the sheet's place (``Sheet1`` ... ``Sheet6``) as
Excel names them, declared as documents. It is run on a scratch workbook
with the same sheets in the same order; the project's bytes are then handed
to XlsxWriter (``add_vba_project``), which writes the same code names into
the real workbook, so every sheet's code name is a document module of the
project and each document module is a sheet's.

Builds are deterministic: the template's project, the module order (xlwings,
then ``macros/`` by file name, then the generated wrappers) and pyopenvba's
writer fix every byte (checked by the tests and by the committed workbooks).
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import xlsxwriter
from pyopenvba import ExcelFile, VBAModuleKind

from addin.vba.modules import ModuleError, ModuleKind, VBAModule, check_unique, read_folder
from addin.vba.udf_wrappers import UDF_MODULE, udf_wrapper_module
from addin.vba.xlwings_vba import xlwings_modules

WORKBOOK_CODE_NAME: Final = "ThisWorkbook"
PROJECT_ENTRY: Final = "xl/vbaProject.bin"


def default_macros_folder() -> Path:
    """The repository's ``macros/`` folder, beside the ``addin`` package."""
    return Path(__file__).resolve().parents[2] / "macros"


def sheet_code_name(position: int) -> str:
    """The code name Excel (and XlsxWriter) gives the sheet at 0-based ``position``."""
    return f"Sheet{position + 1}"


def project_modules(macros_folder: Path | None = None, *, xlwings: bool = True,
                    udf_module: str | None = UDF_MODULE,
                    extra: Sequence[VBAModule] = ()) -> tuple[VBAModule, ...]:
    """The modules of a department workbook's project, in the order they are declared.

    * ``xlwings`` and ``Dictionary``: xlwings' standalone VBA (see
      :mod:`addin.vba.xlwings_vba`). ``xlwings=False`` leaves them out; such a
      workbook cannot call Python, and exists so that LibreOffice, which cannot
      compile xlwings' VBA, can load and run the rest of the project in a test.
    * every ``.bas`` and ``.cls`` of ``macros_folder`` (default: the repository's
      ``macros/``), by file name;
    * ``xlwings_udfs``: the worksheet functions' wrappers generated from
      ``udf_module`` (None: none);
    * ``extra``: modules a caller adds (the tests' stand-in for ``RunPython``).
    """
    modules = list(xlwings_modules()) if xlwings else []
    modules += read_folder(macros_folder or default_macros_folder())
    if udf_module is not None:
        modules.append(udf_wrapper_module(udf_module))
    modules += extra
    check_unique(modules)
    return tuple(modules)


@dataclass(frozen=True, slots=True)
class VBAProjectBinary:
    """A built ``vbaProject.bin`` and the code names its document modules stand for."""

    data: bytes
    workbook_code_name: str
    sheet_code_names: tuple[str, ...]
    modules: tuple[VBAModule, ...]


def build_vba_project(sheet_names: Sequence[str], modules: Sequence[VBAModule]) -> VBAProjectBinary:
    """The VBA project of a workbook whose sheets are ``sheet_names`` (in order), holding ``modules``.

    Same arguments, same bytes. Raises :class:`~addin.vba.modules.ModuleError`
    when pyopenvba refuses a module or builds document modules other than the
    ones XlsxWriter will name.
    """
    return _build(tuple(sheet_names), tuple(modules))


@functools.lru_cache(maxsize=8)
def _build(sheet_names: tuple[str, ...], modules: tuple[VBAModule, ...]) -> VBAProjectBinary:
    # Cached: --all-departments writes many workbooks with the same sheets and modules.
    check_unique(modules)
    expected = [WORKBOOK_CODE_NAME, *(sheet_code_name(i) for i in range(len(sheet_names)))]
    with tempfile.TemporaryDirectory(prefix="backoffice-vba-") as folder:
        scratch = Path(folder) / "scratch.xlsm"
        built = Path(folder) / "built.xlsm"
        scratch.write_bytes(_scratch_workbook(sheet_names))
        with ExcelFile(scratch) as book:
            project = book.add_vba_project()
            documents = project.module_names()
            if documents != expected:
                raise ModuleError(f"pyopenvba made the document modules {documents}, "
                                  f"expected {expected}")
            for module in modules:
                kind = VBAModuleKind.standard if module.kind is ModuleKind.STANDARD else VBAModuleKind.other
                try:
                    project.add_module(module.name, module.source, kind=kind)
                except ValueError as exc:
                    raise ModuleError(f"{module.origin}: {exc}") from exc
            book.save(built)
        with zipfile.ZipFile(built) as package:
            data = package.read(PROJECT_ENTRY)
    return VBAProjectBinary(data, WORKBOOK_CODE_NAME, tuple(expected[1:]), modules)


def _scratch_workbook(sheet_names: tuple[str, ...]) -> bytes:
    """A workbook with only these sheets: all pyopenvba needs to name the document modules."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in sheet_names:
        workbook.add_worksheet(name)
    workbook.close()
    return buffer.getvalue()
