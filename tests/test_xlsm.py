"""Macro-enabled department workbooks (.xlsm), checked by readers that did not write them.

What is verified where (Excel itself is not available here):

* oletools' olevba parses the shipped project (xlwings' VBA embedded): every
  module, with source identical to its file; nothing flagged beyond xlwings'
  own, listed findings; no auto-run procedure.
* The package, read with zipfile/ElementTree: code names = document modules,
  the form buttons (caption, macro, place) and their help text.
* LibreOffice Calc loads the shipped project (all modules listed) but cannot
  compile xlwings' VBA, so it runs nothing there; the project built by the same
  builder without xlwings' two modules (a recorder standing in for RunPython)
  compiles and runs in LibreOffice's VBA mode: the self-test writes its
  report, and each button's Sub hands its command to RunPython.
* The whole .xlsx template test suite (validation rules, tables, formulas
  recomputed by LibreOffice) runs again on .xlsm files (see the bottom).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from addin.cli import main
from addin.kinds import DATA_KINDS, INFO_SHEET
from addin.settings import load_config
from addin.templates import write_department_workbook
from addin.validation.batch import validate_paths
from addin.vba import (
    BUTTONS,
    UDF_WRAPPER_MODULE,
    MacroProject,
    ModuleError,
    VBAModule,
    build_vba_project,
    default_macros_folder,
    read_folder,
    read_module,
    resolve_macros,
    wrapper_source,
    xlwings_modules,
)
from addin.vba.buttons import DATA_SHEET_HELP
from addin.vba.modules import ModuleKind
from addin.vba.workbooks import committed_workbooks, default_folder, stale
from addin.vba.xlwings_vba import installed_version
from tests import test_template_formulas as formula_tests
from tests import test_templates as template_tests
from tests.support.files import strip_cached_results
from tests.support.libreoffice import LibreOfficeError, LibreOfficeSession, require_libreoffice
from tests.templates_support import DEPARTMENT, TODAY
from tests.xlsm_support import (
    ATTRIBUTE_FINDINGS,
    RECORDER,
    TINY_UDFS,
    TINY_WRAPPERS,
    XLWINGS_FINDINGS,
    buttons,
    class_body,
    code_names,
    normalise,
    olevba_findings,
    olevba_modules,
    project_declarations,
    recorder_module,
    scan,
    without_attributes,
)

SHEETS = ["Info", *DATA_KINDS, "Settings"]
DOCUMENTS = ["ThisWorkbook", *(f"Sheet{i}" for i in range(1, len(SHEETS) + 1))]
AUTO_RUN = re.compile(r"\b(?:Workbook_Open|Auto_Open|Document_Open|AutoOpen|AutoExec)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def project() -> MacroProject:
    """What ``backoffice init --macros`` embeds."""
    return MacroProject.default()


@pytest.fixture(scope="module")
def lo_project() -> MacroProject:
    """The same builder without xlwings' VBA, with a recorder for RunPython: for LibreOffice."""
    return MacroProject.from_folder(xlwings=False, extra=[recorder_module()])


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory, project: MacroProject) -> Path:
    folder = tmp_path_factory.mktemp("xlsm")
    return write_department_workbook(folder / "FIN_2026-10.xlsm", **DEPARTMENT, macros=project)


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[LibreOfficeSession]:
    """One LibreOffice for this module: its own tests and the re-run formula tests."""
    require_libreoffice()
    with LibreOfficeSession() as session:
        yield session


def own_modules() -> list[VBAModule]:
    return read_folder(default_macros_folder())


# --- Modules: read, checked, refused --------------------------------------------------------------


def test_the_project_holds_xlwings_then_macros_then_the_wrappers(project: MacroProject) -> None:
    names = [module.name for module in project.modules]
    assert names == ["xlwings", "Dictionary", *(m.name for m in own_modules()), UDF_WRAPPER_MODULE]
    assert "SelfTest" in names
    assert project.macros == {"validate": "BackofficeValidate", "submit": "BackofficeSubmit",
                              "consolidate_now": "BackofficeConsolidateNow",
                              "clear_marks": "BackofficeClearMarks"}


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("Boot.bas", "Sub Auto_Open()\r\nEnd Sub\r\n", "Auto_Open would run without a click"),
        ("Boot.bas", "Private Sub workbook_open()\nEnd Sub\n", "workbook_open would run"),
        ("Boot.bas", "Sub Worksheet_Change(ByVal Target As Range)\nEnd Sub\n", "Worksheet_Change"),
        ("Named.bas", 'Attribute VB_Name = "Other"\n', "VB_Name is 'Other'"),
        ("Sheet1.bas", "Sub X()\nEnd Sub\n", "document module"),
        ("Dong.bas", "' giá 10 ₫\n", "code page"),
        ("Readme.txt", "", "not a VBA module file"),
    ],
)
def test_a_module_that_cannot_go_in_is_refused(tmp_path: Path, name: str, text: str, error: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModuleError, match=error):
        read_module(path)


def test_two_modules_defining_one_macro_are_refused(tmp_path: Path) -> None:
    (tmp_path / "A.bas").write_text("Sub Validate()\nEnd Sub\n")
    (tmp_path / "B.bas").write_text("Public Sub validate()\nEnd Sub\n")
    with pytest.raises(ModuleError, match="also defined"):
        MacroProject.from_folder(tmp_path, xlwings=False, udf_module=None)


def test_each_button_needs_exactly_one_sub(tmp_path: Path) -> None:
    (tmp_path / "A.bas").write_text('Sub Go()\n    RunPython "import addin.macros as m; m.run_validate()"\n'
                                    "End Sub\n")
    modules = read_folder(tmp_path)
    with pytest.raises(ModuleError, match="Submit button needs one public Sub that runs run_submit"):
        resolve_macros(modules)
    (tmp_path / "B.bas").write_text('Sub Again()\n    RunPython "m.run_validate()"\nEnd Sub\n')
    with pytest.raises(ModuleError, match=r"Validate button .* found 2 Subs \(A.Go, B.Again\)"):
        resolve_macros(read_folder(tmp_path))
    assert resolve_macros(modules, BUTTONS[:1]) == {"validate": "Go"}


def test_xlwings_vba_is_the_installed_packages(project: MacroProject) -> None:
    import xlwings

    xlwings_bas, dictionary = xlwings_modules()
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in xlwings_bas.source
    assert 'Lib "xlwings64-' + xlwings.__version__ + '.dll"' in xlwings_bas.source
    folder = Path(xlwings.__file__).parent
    assert normalise(xlwings_bas.source) == normalise((folder / "xlwings.bas").read_text())
    assert normalise(dictionary.source) == normalise((folder / "addin" / "Dictionary.cls").read_text())
    assert dictionary.kind is ModuleKind.CLASS


# --- The worksheet functions' wrappers ------------------------------------------------------------


def test_wrappers_are_what_import_functions_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tiny_udfs.py").write_text(TINY_UDFS)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("tiny_udfs")
    expected = TINY_WRAPPERS.format(module="tiny_udfs", version=installed_version())
    assert wrapper_source("tiny_udfs") == expected


def test_a_vba_reserved_word_as_a_parameter_is_refused(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reserved_udfs.py").write_text(
        "import xlwings as xw\n\n\n@xw.func\ndef TAX(gross, currency=None):\n    return gross\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleError, match="'currency' is a reserved word in VBA"):
        wrapper_source("reserved_udfs")


def test_every_worksheet_function_has_its_wrapper() -> None:
    import addin.udfs as udfs

    source = wrapper_source()
    wrapped = re.findall(r"^Function (BO_\w+)\(", source, re.MULTILINE)
    assert wrapped == sorted(name for name in vars(udfs) if name.startswith("BO_"))
    assert 'XLPy.CallUDF("addin.udfs", "BO_NETPAY", Array(base_salary, allowances, ' in source


def test_committed_workbooks_carry_the_current_wrappers() -> None:
    """Changing a UDF's signature without rebuilding the workbooks fails here, by name."""
    current = normalise(wrapper_source())
    templates = sorted((default_folder() / "templates").glob("*.xlsm"))
    assert templates, "no committed .xlsm templates; run: python -m addin.vba.workbooks"
    for path in templates:
        embedded = normalise(olevba_modules(path)[UDF_WRAPPER_MODULE])
        assert embedded == current, f"{path.name}: stale UDF wrappers; run: python -m addin.vba.workbooks"


# --- An independent VBA reader: olevba ------------------------------------------------------------


def test_olevba_lists_every_module_with_its_source(shipped: Path, project: MacroProject) -> None:
    found = olevba_modules(shipped)
    assert sorted(found) == sorted([*DOCUMENTS, *(m.name for m in project.modules)])
    for module in own_modules():
        if module.kind is ModuleKind.STANDARD:
            text = Path(module.origin).read_text(encoding="utf-8")
            assert normalise(found[module.name]) == normalise(text), module.origin
        else:  # a class gains what the VBA editor adds on import (VB_Base, ...), its code is the file's
            attributes, code = class_body(Path(module.origin).read_text(encoding="utf-8"))
            got_attributes, got_code = class_body(found[module.name])
            assert got_code == code and attributes <= got_attributes, module.origin
    assert normalise(found[UDF_WRAPPER_MODULE]) == normalise(wrapper_source())
    xlwings_bas, dictionary = xlwings_modules()
    assert normalise(found["xlwings"]) == normalise(xlwings_bas.source)
    assert class_body(found["Dictionary"])[1] == class_body(dictionary.source)[1]
    for document in DOCUMENTS:  # empty: no event procedure anywhere
        assert without_attributes(found[document]).strip() == "", document


def test_olevba_flags_nothing_beyond_xlwings_own(shipped: Path) -> None:
    found = olevba_modules(shipped)
    for name, code in found.items():
        flagged = scan(without_attributes(code))
        assert flagged == XLWINGS_FINDINGS.get(name, frozenset()), (
            f"{name}: olevba flags {sorted(flagged - XLWINGS_FINDINGS.get(name, frozenset()))}; "
            f"expected only {sorted(XLWINGS_FINDINGS.get(name, frozenset()))}")
    whole = olevba_findings(shipped)
    assert not {keyword for kind, keyword in whole if kind == "AutoExec"}
    expected = set().union(*XLWINGS_FINDINGS.values()) | ATTRIBUTE_FINDINGS
    assert {f for f in whole if f[0] in ("Suspicious", "AutoExec")} <= expected


def test_no_procedure_runs_on_open(shipped: Path) -> None:
    for name, code in olevba_modules(shipped).items():
        assert not AUTO_RUN.search(code), name
    assert not [f for f in olevba_findings(shipped) if f[0] == "AutoExec"]


def test_document_modules_are_the_workbooks_code_names(shipped: Path) -> None:
    book, sheets = code_names(shipped)
    assert book == "ThisWorkbook"
    assert sheets == {name: f"Sheet{i}" for i, name in enumerate(SHEETS, start=1)}
    declared = project_declarations(shipped)
    assert [line.split("/")[0] for line in declared if line.startswith("Document=")] == [
        f"Document={name}" for name in DOCUMENTS]
    assert "Module=backoffice" in declared and "Class=Dictionary" in declared


def test_package_and_project_are_structurally_sound(shipped: Path) -> None:
    """pyopenvba's diagnostics on the whole package XlsxWriter wrote (not Office certification)."""
    from pyopenvba import ExcelFile, check_file

    report = check_file(shipped)
    assert report.issues == () and report.complete
    with ExcelFile(shipped) as book:
        assert book.vba_project().validate() == []


# --- Buttons --------------------------------------------------------------------------------------


def test_every_sheet_has_its_buttons_assigned_to_subs_of_the_project(shipped: Path) -> None:
    found = buttons(shipped)
    modules = olevba_modules(shipped)
    public_subs = {match.group(1) for code in modules.values()
                   for match in re.finditer(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(", code, re.MULTILINE)}
    for sheet in [INFO_SHEET, *DATA_KINDS]:
        assert [b.caption for b in found[sheet]] == [
            "Validate", "Submit", "Consolidate now", "Clear marks"], sheet
        macros = [b.macro for b in found[sheet]]
        assert macros == ["[0]!BackofficeValidate", "[0]!BackofficeSubmit",
                          "[0]!BackofficeConsolidateNow", "[0]!BackofficeClearMarks"], sheet
        assert {m.removeprefix("[0]!") for m in macros} <= public_subs
        assert [b.description for b in found[sheet]] == [button.help for button in BUTTONS]
    assert found["Settings"] == []
    assert [(b.column, b.row) for b in found[INFO_SHEET]] == [(3, 2), (3, 3), (3, 4), (3, 5)]
    assert {b.row for sheet in DATA_KINDS for b in found[sheet]} == {0}  # the title row


def test_help_lines_beside_the_buttons(shipped: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(shipped)
    info = book[INFO_SHEET]
    assert [info.cell(row, 5).value for row in range(3, 7)] == [button.help for button in BUTTONS]
    for name in DATA_KINDS:
        row = [cell.value for cell in book[name][1]]
        assert row[0].startswith(f"{name} — FIN") and DATA_SHEET_HELP in row, name
        assert book[name].row_dimensions[1].height == 30


# --- Writing ---------------------------------------------------------------------------------------


def test_suffix_and_macros_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"with macros must be saved as \.xlsm"):
        write_department_workbook(tmp_path / "x.xlsx", **DEPARTMENT, macros=True)
    with pytest.raises(ValueError, match=r"without macros must be saved as \.xlsx"):
        write_department_workbook(tmp_path / "x.xlsm", **DEPARTMENT)
    assert list(tmp_path.iterdir()) == []


def test_writing_an_xlsm_is_atomic(tmp_path: Path, project: MacroProject) -> None:
    target = tmp_path / "dept.xlsm"
    target.write_bytes(b"the previous workbook")
    with pytest.raises(TypeError, match="cannot write"):
        write_department_workbook(target, **DEPARTMENT, macros=project,
                                  rows={"Budget": [{"period": "2026-10", "notes": object()}]})
    assert target.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["dept.xlsm"]


def test_a_module_error_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    macros.mkdir()
    (macros / "Boot.bas").write_text("Sub Auto_Open()\nEnd Sub\n")
    with pytest.raises(ModuleError):
        write_department_workbook(tmp_path / "x.xlsm", **DEPARTMENT,
                                  macros=MacroProject.from_folder(macros))
    assert [p.name for p in tmp_path.iterdir()] == ["macros"]


def test_the_vba_project_is_the_same_bytes_in_another_process(project: MacroProject) -> None:
    built = build_vba_project(SHEETS, project.modules)
    code = ("import hashlib, sys\n"
            "from addin.vba import MacroProject, build_vba_project\n"
            f"sheets = {SHEETS!r}\n"
            "data = build_vba_project(sheets, MacroProject.default().modules).data\n"
            "print(hashlib.sha256(data).hexdigest())\n")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another order of every set and dict of str
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=env, cwd=Path(__file__).parents[1])
    assert other.stdout.strip() == hashlib.sha256(built.data).hexdigest()


def test_init_macros_writes_valid_xlsm_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "one"), "--department", "FIN", "--name", "Finance",
                 "--period", "2026-10", "--prepared-by", "Linh Tran", "--macros"]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'one' / 'FIN_2026-10.xlsm'}\n"
    assert main(["init", str(tmp_path / "all"), "--all-departments", "--period", "2026-10",
                 "--prepared-by", "Linh Tran", "--macros", "--lang", "vi"]) == 0
    written = sorted((tmp_path / "all").iterdir())
    codes = [d.code for d in load_config().departments]
    assert [p.name for p in written] == sorted(f"{code}_2026-10.xlsm" for code in codes)
    outcomes = validate_paths([tmp_path / "one", tmp_path / "all" / "FIN_2026-10.xlsm"], load_config(),
                              TODAY)
    assert [(o.path.name, o.issues) for o in outcomes] == [("FIN_2026-10.xlsm", [])] * 2
    assert all(buttons(path)[INFO_SHEET] for path in written)


# --- workbooks/ --------------------------------------------------------------------------------------


def test_committed_workbooks_are_fresh() -> None:
    """Fails when the code that builds them changed and they were not rebuilt."""
    assert stale(default_folder()) == [], "stale workbooks; run: python -m addin.vba.workbooks"
    names = {item.path for item in committed_workbooks()}
    assert {f"templates/DEPT_2026-10_{lang}.{ext}" for lang in ("en", "vi", "zh")
            for ext in ("xlsx", "xlsm")} <= names
    readme = (default_folder() / "README.md").read_text(encoding="utf-8")
    assert "python -m addin.vba.workbooks" in readme


# --- An independent spreadsheet application: LibreOffice ------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_runs_the_self_test_and_each_buttons_sub(
    tmp_path: Path, libreoffice: LibreOfficeSession, lo_project: MacroProject
) -> None:
    path = write_department_workbook(tmp_path / "FIN_lo.xlsm", **DEPARTMENT, macros=lo_project)
    subs = [lo_project.macros[button.key] for button in BUTTONS]
    runs: list[str | tuple[str, list[Any]]] = ["VBAProject.SelfTest.RunSelfTest"]
    for sub in subs:
        runs += [f"VBAProject.backoffice.{sub}", f"VBAProject.{RECORDER}.LastCommand"]
    snap = libreoffice.process(path, macros=runs, read={"Self-test": ["A1:B12"]}, list_macros=True)
    modules = snap.basic_libraries["VBAProject"]
    assert sorted(modules) == sorted([*DOCUMENTS, *(m.name for m in lo_project.modules)])
    assert snap.vba_compatibility_mode is True
    for module in lo_project.modules:  # LibreOffice's own reading of each module's code
        source = snap.basic_sources["VBAProject"][module.name]
        header, _, code = source.partition("Option VBASupport 1\n")
        assert header.startswith("Rem Attribute VBA_ModuleType=VBAModule")
        assert normalise(code).strip() == without_attributes(module.source).strip(), module.name
    assert snap.values("Self-test", "A1:B12") == [
        ["backoffice self-test", None], ["Department Code", "FIN"],
        ["Workbook code name", "ThisWorkbook"], ["Sheets", float(len(SHEETS))],
        *([f"Sheet{i}", name] for i, name in enumerate(SHEETS, start=1)),
        [None, None], [None, None],
    ]
    commands = [run.returned for run in snap.macros[2::2]]
    entry_points = [button.entry_point for button in BUTTONS]
    assert commands == [f"import addin.macros as m; m.{entry}()" for entry in entry_points]


@pytest.mark.libreoffice
def test_libreoffice_loads_the_shipped_project_but_cannot_compile_xlwings(
    shipped: Path, libreoffice: LibreOfficeSession, project: MacroProject
) -> None:
    """Why the test above uses a project without xlwings' VBA (a LibreOffice limit, measured)."""
    with pytest.raises(LibreOfficeError, match="could not compile Basic library 'VBAProject'"):
        libreoffice.process(shipped, macros=["VBAProject.SelfTest.RunSelfTest"])
    snap = libreoffice.process(shipped, list_macros=True)
    assert sorted(snap.basic_libraries["VBAProject"]) == sorted(
        [*DOCUMENTS, *(m.name for m in project.modules)])


# --- The .xlsx template tests, again, on .xlsm files ------------------------------------------------

_NOT_REPEATED = {
    "test_macros_and_xlsm_are_not_written_yet",  # what it pins is what this file replaces
    "test_writing_is_atomic",  # names its .xlsx files; see test_writing_an_xlsm_is_atomic
}
_FIXTURES = {template_tests: ("folder", "filled", "filled_en", "book"), formula_tests: ("computed",)}
for _module, _fixtures in _FIXTURES.items():
    # Their tests and fixtures, collected again in this module, where the fixture below makes
    # every workbook they write an .xlsm with the shipped project (``libreoffice`` is this
    # module's own, so one LibreOffice serves both).
    for _name in [*_fixtures, *(n for n in vars(_module) if n.startswith("test_"))]:
        if _name not in _NOT_REPEATED:
            assert _name not in globals(), f"{_name} is defined here and in {_module.__name__}"
            globals()[_name] = getattr(_module, _name)


def _xlsm(path: Path) -> Path:
    return path.with_suffix(".xlsm")


@pytest.fixture(scope="module", autouse=True)
def _templates_as_xlsm(project: MacroProject) -> Iterator[None]:
    """While this module runs, the template tests' writers write .xlsm files with macros."""

    def write(path: Path, **options: Any) -> Path:
        return write_department_workbook(_xlsm(path), **(DEPARTMENT | options), macros=project)

    def write_workbook(path: Path, **options: Any) -> Path:
        return write_department_workbook(_xlsm(path), **options, macros=project)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(template_tests, "write", write)
        patch.setattr(formula_tests, "write_department_workbook", write_workbook)
        patch.setattr(formula_tests, "strip_cached_results",
                      lambda source, target: strip_cached_results(source, _xlsm(target)))
        yield
