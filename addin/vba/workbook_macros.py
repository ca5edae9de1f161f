"""What a macro-enabled department workbook gets: its VBA project, code names and buttons.

:class:`MacroProject` is handed to :func:`addin.templates.write_department_workbook`
(``macros=True`` means :meth:`MacroProject.default`); its modules are read and
checked when it is made, before anything is written, and
:meth:`MacroProject.attach` adds everything to the XlsxWriter workbook once
its sheets exist.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.vba.buttons import BUTTONS, Button, add_buttons, resolve_macros
from addin.vba.modules import VBAModule
from addin.vba.project import VBAProjectBinary, build_vba_project, project_modules
from addin.vba.udf_wrappers import UDF_MODULE


@dataclass(frozen=True, slots=True)
class MacroProject:
    """The modules of a workbook's VBA project, the buttons, and which Sub each button runs."""

    modules: tuple[VBAModule, ...]
    buttons: tuple[Button, ...] = BUTTONS
    macros: dict[str, str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # Resolved now, so that a button without its Sub stops the build before a file is written.
        object.__setattr__(self, "macros", resolve_macros(self.modules, self.buttons))

    @classmethod
    def default(cls) -> MacroProject:
        """What ``backoffice init --macros`` builds: xlwings' VBA, ``macros/``, the UDF wrappers."""
        return cls(project_modules())

    @classmethod
    def from_folder(cls, folder: Path | None = None, *, xlwings: bool = True,
                    udf_module: str | None = UDF_MODULE,
                    extra: Sequence[VBAModule] = ()) -> MacroProject:
        """A project from ``folder``'s modules; see :func:`addin.vba.project.project_modules`."""
        return cls(project_modules(folder, xlwings=xlwings, udf_module=udf_module, extra=extra))

    def attach(self, workbook: Any) -> VBAProjectBinary:
        """Add the project, the matching code names and the buttons to an XlsxWriter workbook."""
        sheets = workbook.worksheets()
        project = build_vba_project([sheet.name for sheet in sheets], self.modules)
        workbook.add_vba_project(io.BytesIO(project.data), is_stream=True)
        # XlsxWriter would name them so by itself; set explicitly, they cannot drift apart.
        workbook.set_vba_name(project.workbook_code_name)
        for sheet, code_name in zip(sheets, project.sheet_code_names, strict=True):
            sheet.set_vba_name(code_name)
        add_buttons(workbook, self.macros, self.buttons)
        return project
