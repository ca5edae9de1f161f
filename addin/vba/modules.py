"""VBA modules as text: read from ``.bas`` / ``.cls`` files, checked before they are built in.

The text is the truth: a workbook's VBA project is built from these files and
nothing else, and nobody edits the binary. A module is refused, with the
file named, when it could not be what Excel would import:

* its ``Attribute VB_Name`` differs from its file name (two names for one module);
* it defines a procedure that runs by itself (``Auto_Open``, ``Workbook_Open``,
  any ``Workbook_``/``Worksheet_`` event, ...): the workbooks' macros run only
  when a button is clicked, never on open;
* it would replace a document module (``ThisWorkbook``, ``Sheet1``, ...), which
  the builder makes, empty, one per sheet;
* its text does not fit the project's code page (Windows-1252, the one of the
  Excel-authored project the builder starts from), where Excel would show ``?``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

CODE_PAGE: Final = "cp1252"
"""The project's code page: module text is stored in it (the template's PROJECTCODEPAGE is 1252)."""

_VB_NAME: Final = re.compile(r'^Attribute\s+VB_Name\s*=\s*"([^"]*)"\s*$', re.IGNORECASE | re.MULTILINE)
_PROCEDURE: Final = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Friend|Static)[ \t]+)*(?:Sub|Function|Property[ \t]+(?:Get|Let|Set))"
    r"[ \t]+([A-Za-z_][A-Za-z0-9_]*)",
    re.IGNORECASE | re.MULTILINE,
)
_AUTO_RUN: Final = re.compile(
    r"^(?:auto_?(?:open|close|exec|exit|new|activate|deactivate)"
    r"|(?:workbook|worksheet|document|app|application)_[a-z0-9_]+)$",
    re.IGNORECASE,
)
"""Procedure names Excel (or Word, whose names olevba also flags) runs without a click.

``Auto_Open``/``Auto_Close`` in a standard module, and event procedures such as
``Workbook_Open`` or ``Worksheet_Change`` in a document module.
"""
RESERVED_IDENTIFIERS: Final = frozenset(word.casefold() for word in (
    # MS-VBAL 3.3.5.2. None of them can name a variable or a parameter:
    # "Function F(currency)" does not compile in Excel.
    # statements
    "Call", "Case", "Close", "Const", "Declare", "DefBool", "DefByte", "DefCur", "DefDate",
    "DefDbl", "DefInt", "DefLng", "DefLngLng", "DefLngPtr", "DefObj", "DefSng", "DefStr", "DefVar",
    "Dim", "Do", "Else", "ElseIf", "End", "EndIf", "Enum", "Erase", "Event", "Exit", "For",
    "Friend", "Function", "Get", "Global", "GoSub", "GoTo", "If", "Implements", "Input", "Let",
    "Lock", "Loop", "LSet", "Next", "On", "Open", "Option", "Print", "Private", "Public", "Put",
    "RaiseEvent", "ReDim", "Resume", "Return", "RSet", "Seek", "Select", "Set", "Static", "Stop",
    "Sub", "Type", "Unlock", "Wend", "While", "With", "Write", "Rem",
    # markers and operators
    "Any", "As", "ByRef", "ByVal", "Each", "In", "New", "Shared", "Until", "WithEvents", "Optional",
    "ParamArray", "Preserve", "Spc", "Tab", "Then", "To", "AddressOf", "And", "Eqv", "Imp", "Is",
    "Like", "Mod", "Not", "Or", "TypeOf", "Xor",
    # reserved names and special forms
    "Abs", "CBool", "CByte", "CCur", "CDate", "CDbl", "CDec", "CInt", "CLng", "CLngLng", "CLngPtr",
    "CSng", "CStr", "CVar", "CVErr", "Date", "Debug", "DoEvents", "Fix", "Int", "Len", "LenB", "Me",
    "PSet", "Scale", "Sgn", "String", "Array", "Circle", "InputB", "LBound", "UBound",
    # types, literals, future-reserved
    "Boolean", "Byte", "Currency", "Double", "Integer", "Long", "LongLong", "LongPtr", "Single",
    "Variant", "True", "False", "Nothing", "Empty", "Null", "CDecl", "Decimal", "DefDec",
    "Attribute",
))
"""Words VBA reserves (MS-VBAL 3.3.5.2), compared case-insensitively."""
_DOCUMENT_NAME: Final = re.compile(r"^(?:ThisWorkbook|Sheet\d+|Chart\d+)$", re.IGNORECASE)
_IDENTIFIER: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


class ModuleKind(enum.Enum):
    """A standard module (``.bas``) or a class module (``.cls``)."""

    STANDARD = "standard"
    CLASS = "class"

    @property
    def suffix(self) -> str:
        return ".bas" if self is ModuleKind.STANDARD else ".cls"


class ModuleError(ValueError):
    """A module file that cannot go into a workbook's VBA project; the message names it."""


@dataclass(frozen=True, slots=True)
class VBAModule:
    """One module: its name, kind and text (CRLF line ends, as VBA keeps them), and where it came from."""

    name: str
    kind: ModuleKind
    source: str
    origin: str

    @property
    def procedures(self) -> tuple[str, ...]:
        """The names of the module's Subs, Functions and Properties, in order."""
        return tuple(match.group(1) for match in _PROCEDURE.finditer(self.source))

    def procedure_body(self, name: str) -> str:
        """The text of procedure ``name``, from its first line to its ``End`` line."""
        lines = self.source.split("\r\n")
        for start, line in enumerate(lines):
            found = _PROCEDURE.match(line)
            if found and found.group(1).casefold() == name.casefold():
                for end in range(start + 1, len(lines)):
                    if re.match(r"^\s*End\s+(?:Sub|Function|Property)\b", lines[end], re.IGNORECASE):
                        return "\r\n".join(lines[start:end + 1])
                break
        raise KeyError(f"{self.origin}: no procedure {name!r}")


def crlf(text: str) -> str:
    """``text`` with every line ending as CRLF, ending with one: the form VBA stores and exports."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return "\r\n".join(lines) + "\r\n"


def make_module(name: str, kind: ModuleKind, source: str, origin: str) -> VBAModule:
    """A checked module from its text (see the module docstring for what is refused)."""
    source = crlf(source)
    if not _IDENTIFIER.match(name):
        raise ModuleError(f"{origin}: {name!r} is not a VBA module name "
                          "(a letter, then letters, digits or _; at most 31 characters)")
    if _DOCUMENT_NAME.match(name):
        raise ModuleError(f"{origin}: {name!r} is a document module's name; the builder makes "
                          "one, empty, for the workbook and each sheet")
    declared = _VB_NAME.search(source)
    if declared and declared.group(1) != name:
        raise ModuleError(f"{origin}: Attribute VB_Name is {declared.group(1)!r}, "
                          f"but the module is called {name!r}")
    try:
        source.encode(CODE_PAGE)
    except UnicodeEncodeError as exc:
        line = source.count("\r\n", 0, exc.start) + 1
        raise ModuleError(f"{origin}, line {line}: {source[exc.start:exc.end]!r} cannot be stored "
                          f"in the VBA project's code page ({CODE_PAGE})") from None
    module = VBAModule(name, kind, source, origin)
    auto = [procedure for procedure in module.procedures if _AUTO_RUN.match(procedure)]
    if auto:
        raise ModuleError(f"{origin}: {', '.join(auto)} would run without a click; the workbooks' "
                          "macros run only from their buttons")
    return module


def read_module(path: Path) -> VBAModule:
    """A ``.bas`` or ``.cls`` file, read as UTF-8 (plain ASCII is the safe choice)."""
    kinds = {kind.suffix: kind for kind in ModuleKind}
    kind = kinds.get(path.suffix.lower())
    if kind is None:
        raise ModuleError(f"{path}: not a VBA module file (.bas or .cls)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ModuleError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return make_module(path.stem, kind, text, str(path))


def read_folder(folder: Path) -> list[VBAModule]:
    """Every ``.bas`` and ``.cls`` file directly in ``folder``, by file name (a stable order)."""
    if not folder.is_dir():
        raise ModuleError(f"{folder}: no such folder of VBA modules")
    paths = sorted((p for p in folder.iterdir()
                    if p.is_file() and p.suffix.lower() in (".bas", ".cls")),
                   key=lambda p: p.name.casefold())
    return [read_module(path) for path in paths]


def check_unique(modules: Iterable[VBAModule]) -> None:
    """Refuse two modules of one name, or one Public procedure name in two standard modules.

    VBA names are case-insensitive; two modules both defining ``Validate`` make
    a button's ``Validate`` ambiguous, which Excel reports only when it is clicked.
    """
    seen: dict[str, VBAModule] = {}
    procedures: dict[str, VBAModule] = {}
    for module in modules:
        key = module.name.casefold()
        if key in seen:
            raise ModuleError(f"{module.origin}: a module called {module.name!r} is already "
                              f"there ({seen[key].origin})")
        seen[key] = module
        if module.kind is not ModuleKind.STANDARD:
            continue
        for procedure in public_procedures(module):
            other = procedures.get(procedure.casefold())
            if other is not None and other is not module:
                raise ModuleError(f"{module.origin}: {procedure} is also defined in {other.origin}")
            procedures[procedure.casefold()] = module


def public_procedures(module: VBAModule) -> tuple[str, ...]:
    """The procedures of ``module`` that a button or a cell can call (not ``Private``)."""
    found = []
    for match in _PROCEDURE.finditer(module.source):
        if not re.match(r"^\s*Private\b", match.group(0), re.IGNORECASE):
            found.append(match.group(1))
    return tuple(found)


def names(modules: Sequence[VBAModule]) -> list[str]:
    return [module.name for module in modules]
