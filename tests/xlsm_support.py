"""Reading a macro-enabled workbook back without the code that wrote it.

* :func:`package_parts`, :func:`code_names`, :func:`buttons`: the OOXML package
  read with zipfile and ElementTree: the code names in workbook.xml and each
  sheet's ``sheetPr``, and the form buttons in each sheet's VML drawing
  (caption, ``FmlaMacro``, anchor).
* :func:`olevba_modules`, :func:`olevba_findings`: oletools' olevba, an
  independent VBA reader, on the whole file.
* :func:`project_declarations`: the ``PROJECT`` stream (olefile), where each
  module is declared as a Document, Module or Class.
* :data:`XLWINGS_FINDINGS`: what olevba flags in xlwings' own VBA, each with why.
* :func:`recorder_module`: a stand-in for xlwings' ``RunPython`` for LibreOffice,
  which records the command a button would run.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final
from xml.etree import ElementTree

import olefile
from oletools.olevba import VBA_Parser, VBA_Scanner

from addin.vba import ModuleKind, VBAModule
from addin.vba.modules import make_module

NS: Final = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "x": "urn:schemas-microsoft-com:office:excel",
}
VML_DRAWING: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"


def package_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _relationships(parts: Mapping[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, name = part.rsplit("/", 1)
    rels = parts.get(f"{folder}/_rels/{name}.rels")
    if rels is None:
        return {}
    found = {}
    for rel in ElementTree.fromstring(rels).findall("rel:Relationship", NS):
        target = str(PurePosixPath(folder) / rel.attrib["Target"])
        parts_path = _normalise(target)
        found[rel.attrib["Id"]] = (rel.attrib["Type"], parts_path)
    return found


def _normalise(path: str) -> str:
    out: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> its worksheet part, in workbook order."""
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = _relationships(parts, "xl/workbook.xml")
    return {sheet.attrib["name"]: rels[sheet.attrib[f"{{{NS['r']}}}id"]][1]
            for sheet in workbook.findall("m:sheets/m:sheet", NS)}


def code_names(path: Path) -> tuple[str | None, dict[str, str | None]]:
    """The workbook's code name and each sheet's, as the package states them."""
    parts = package_parts(path)
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    properties = workbook.find("m:workbookPr", NS)
    book = properties.attrib.get("codeName") if properties is not None else None
    sheets: dict[str, str | None] = {}
    for name, part in sheet_parts(parts).items():
        found = ElementTree.fromstring(parts[part]).find("m:sheetPr", NS)
        sheets[name] = found.attrib.get("codeName") if found is not None else None
    return book, sheets


@dataclass(frozen=True)
class FormButton:
    """A form button as the VML drawing has it: caption, macro and anchor (0-based cells)."""

    caption: str
    macro: str
    column: int
    row: int
    description: str


def buttons(path: Path) -> dict[str, list[FormButton]]:
    """Each sheet's form buttons, in drawing order; sheets without a VML drawing map to []."""
    parts = package_parts(path)
    found: dict[str, list[FormButton]] = {}
    for name, part in sheet_parts(parts).items():
        found[name] = []
        for kind, target in _relationships(parts, part).values():
            if kind == VML_DRAWING:
                found[name] += _vml_buttons(parts[target])
    return found


def _vml_buttons(vml: bytes) -> list[FormButton]:
    root = ElementTree.fromstring(vml)
    result = []
    for shape in root.iter(f"{{{NS['v']}}}shape"):
        data = shape.find("x:ClientData", NS)
        if data is None or data.attrib.get("ObjectType") != "Button":
            continue
        textbox = shape.find("v:textbox", NS)
        caption = "".join(textbox.itertext()).strip() if textbox is not None else ""
        anchor = [int(v) for v in (data.findtext("x:Anchor", "", NS)).split(",")]
        result.append(FormButton(caption, data.findtext("x:FmlaMacro", "", NS), anchor[0], anchor[2],
                                 shape.attrib.get("alt", "")))
    return result


# --- olevba ---------------------------------------------------------------------------------------

def olevba_modules(path: Path) -> dict[str, str]:
    """Module name -> source (attributes included), as olevba extracts it from the file."""
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros(), f"olevba finds no VBA in {path}"
        modules = {}
        for _, stream, _, code in parser.extract_all_macros():
            modules[stream.rsplit("/", 1)[-1]] = code
        return modules
    finally:
        parser.close()


def olevba_findings(path: Path) -> set[tuple[str, str]]:
    """(type, keyword) of everything olevba's analysis reports for the whole file."""
    parser = VBA_Parser(str(path))
    try:
        return {(kind, keyword) for kind, keyword, _ in parser.analyze_macros()}
    finally:
        parser.close()


def without_attributes(code: str) -> str:
    """The code as olevba and the VBA editor show it: no ``Attribute VB_...`` lines."""
    return "\n".join(line for line in normalise(code).split("\n")
                     if not re.match(r"^Attribute VB_", line))


def scan(code: str) -> set[tuple[str, str]]:
    """(type, keyword) of what olevba's scanner flags in one module's code."""
    return {(kind, keyword) for kind, keyword, _ in VBA_Scanner(code).scan(include_decoded_strings=False)}


def normalise(code: str) -> str:
    """LF line ends, no trailing blank lines."""
    return code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def class_body(exported: str) -> tuple[set[str], str]:
    """A ``.cls`` as the VBA editor exports it -> (its attribute lines, its code).

    The ``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` preamble exists only in the
    exported file; inside a project a class module starts with its attributes.
    """
    lines = normalise(exported).split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1:]
    attributes = {line for line in lines if line.startswith("Attribute VB_")}
    code = "\n".join(line for line in lines if not line.startswith("Attribute VB_"))
    return attributes, code


def project_declarations(path: Path) -> list[str]:
    """The module lines of the project's PROJECT stream (``Document=Sheet1/&H00000000``, ...)."""
    with zipfile.ZipFile(path) as package:
        data = package.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        text = ole.openstream("PROJECT").read().decode("cp1252")
    finally:
        ole.close()
    return [line for line in text.splitlines()
            if line.split("=", 1)[0] in ("Document", "Module", "Class", "BaseClass")]


XLWINGS_FINDINGS: Final[dict[str, frozenset[tuple[str, str]]]] = {
    # xlwings 0.37.8's xlwings.bas, attributes hidden. Why each is there:
    "xlwings": frozenset({
        # RunPython starts Python: WScript.Shell.Run / Exec of "python -c ..." on Windows,
        # cmd.exe for conda; AppleScriptTask / MacScript / libc system() on macOS.
        ("Suspicious", "shell"), ("Suspicious", "WScript.Shell"), ("Suspicious", "run"),
        ("Suspicious", "Exec"), ("Suspicious", "Command"), ("Suspicious", "MacScript"),
        ("Suspicious", "applescript"), ("Suspicious", "system"), ("Suspicious", "libc.dylib"),
        ("Suspicious", "dylib"), ("Suspicious", "Lib"), ("Suspicious", "call"),
        ("Suspicious", "Windows"),
        # Declare ... Lib "xlwings64-<version>.dll": the DLL that hosts Python for RunPython/UDFs.
        ("IOC", "8.dll"), ("IOC", "pywintypesXX.dll"),
        ("IOC", "python.exe"), ("IOC", "cmd.exe"), ("IOC", "conda.bat"),
        ("IOC", "frozen_executable.exe"),
        # Configuration: %USERPROFILE%\.xlwings\xlwings.conf, environment variables in paths.
        ("Suspicious", "Environ"), ("Suspicious", "environment"),
        ("Suspicious", "ExpandEnvironmentStrings"),
        # Temporary files for a Python error message and the config file (read, write, delete).
        ("Suspicious", "open"), ("Suspicious", "Write"), ("Suspicious", "Output"),
        ("Suspicious", "binary"), ("Suspicious", "Kill"), ("Suspicious", "FileCopy"),
        ("Suspicious", "MkDir"),
        # Scripting.Dictionary, WScript.Shell.
        ("Suspicious", "CreateObject"),
        # ImportPythonUDFs (the add-in's Import Functions): never called by these workbooks.
        ("Suspicious", "VBProject"), ("Suspicious", "VBComponents"),
        # Chr(34) quotes in command lines; a GUID helper; long tokens that look encoded.
        ("Suspicious", "Chr"), ("Suspicious", "Hex Strings"), ("Suspicious", "Base64 Strings"),
        ("Hex String", "FGA%"),
        # Links in comments (OneDrive/SharePoint path handling, Stack Overflow answers).
        ("IOC", "http://peltiertech.com/save-retrieve-information-text-files/"),
        ("IOC", "http://stackoverflow.com/q/7238403/918626"),
        ("IOC", "https://companyName-my.sharepoint.com/personal/userName_domain_com/Documents"),
        ("IOC", "https://d.docs.live.net/d7bbaa#######1/"),
        ("IOC", "https://stackoverflow.com/a/46474125/918626"),
        ("IOC", "https://stackoverflow.com/questions/33734706/excels-fullname-property-with-onedrive"),
        ("IOC", "https://stackoverflow.com/questions/6376113/how-do-i-use-spaces-in-the-command-prompt"),
    }),
    # Tim Hall's VBA-Dictionary, a Mac stand-in for Scripting.Dictionary.
    "Dictionary": frozenset({
        ("Suspicious", "CreateObject"), ("Suspicious", "call"),
        ("IOC", "http://msdn.microsoft.com/en-us/library/office/gg278481"),
        ("IOC", "http://www.opensource.org/licenses/mit-license.php"),
        ("IOC", "https://github.com/timhall/VBA-Dictionary"),
    }),
}
"""What olevba flags in xlwings' embedded VBA (xlwings 0.37.8). A new xlwings
version changes it: the test then fails on purpose, for someone to read the
new findings and update this list."""

ATTRIBUTE_FINDINGS: Final = frozenset({("Suspicious", "Hex Strings"), ("Suspicious", "Base64 Strings")})
"""Flagged only in attribute lines: the class GUID of every document module's
``VB_Base`` (in any Excel workbook with macros) and a module name that happens
to be valid base64 (``"SelfTest"``)."""


# --- LibreOffice ----------------------------------------------------------------------------------

RECORDER: Final = "LoRecorder"


def recorder_module() -> VBAModule:
    """A stand-in for xlwings' ``RunPython`` (LibreOffice cannot compile xlwings' own).

    It records the command instead of starting Python; ``LastCommand`` returns it.
    """
    source = (f'Attribute VB_Name = "{RECORDER}"\n'
              "' Test stand-in for xlwings' RunPython: records the command, runs nothing.\n"
              "Option Explicit\n"
              "Private recorded As String\n"
              "Public Function RunPython(PythonCommand As String)\n"
              "    recorded = PythonCommand\n"
              "End Function\n"
              "Public Function LastCommand() As String\n"
              "    LastCommand = recorded\n"
              "End Function\n")
    return make_module(RECORDER, ModuleKind.STANDARD, source, "tests/xlsm_support.py")


# --- A tiny UDF module, to pin the wrapper generator --------------------------------------------

TINY_UDFS: Final = '''"""Worksheet functions that exercise every shape of VBA wrapper xlwings generates."""
import xlwings as xw


@xw.func
def TINY_ADD(a, b=1):
    """Optional argument."""
    return a + b


@xw.func(volatile=True, call_in_wizard=False)
@xw.arg("sheet", vba="ActiveSheet.Name")
def TINY_SUM(sheet, first, *rest):
    """A value filled in by VBA, and a variable number of arguments."""
    return sum((first, *rest))


def not_a_udf(x):
    return x
'''

TINY_WRAPPERS: Final = '''Attribute VB_Name = "xlwings_udfs"
'Autogenerated code by xlwings - changes will be lost with next import!
'Generated by backoffice from {module} with xlwings {version}.
#Const App = "Microsoft Excel" 'Adjust when using outside of Excel
Function TINY_ADD(a, Optional b)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        TINY_ADD = XLPy.CallUDF("{module}", "TINY_ADD", Array(a, b), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        TINY_ADD = XLPy.CallUDF("{module}", "TINY_ADD", Array(a, b))
        Exit Function
    #End If
failed:
    TINY_ADD = Err.Description
End Function

Function TINY_SUM(first, ParamArray rest())
    If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function
    Application.Volatile
    Dim argsArray() As Variant
    argsArray = Array(ActiveSheet.Name, first)
    ReDim Preserve argsArray(0 to UBound(rest) - LBound(rest) + 2)
    For k = LBound(rest) To UBound(rest)
    argsArray(2 + k - LBound(rest)) = rest(k)
    Next k
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        TINY_SUM = XLPy.CallUDF("{module}", "TINY_SUM", argsArray, ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        TINY_SUM = XLPy.CallUDF("{module}", "TINY_SUM", argsArray)
        Exit Function
    #End If
failed:
    TINY_SUM = Err.Description
End Function

'''
"""The VBA xlwings' Import Functions writes for :data:`TINY_UDFS`, written out by hand."""
