"""The button macros, run as xlwings Server runs them: against ``xw.Book(json=payload)``.

Payloads are built from department workbooks written by the templates
(:func:`addin.templates.write_department_workbook`), as Excel's Office.js
client sends them; the assertions read the actions Excel would apply
(``book.json()``): which cells get which fill and note, what the Validation
sheet holds, what the alert says, and which files the Submit button writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from addin.consolidation.model import SUMMARY_COLUMNS
from addin.excel import figures as org_figures
from addin.excel.config import current_config, forget_config
from addin.excel.marks import ERROR_FILL, HEADERS, WARNING_FILL
from addin.files import sha256_of
from addin.receipts import ReceiptError, read_receipt, receipt_matches
from addin.settings import CONFIG_ENV_VAR, OrgConfig, load_config
from addin.templates import write_department_workbook
from addin.validation.workbook import validate_workbook
from tests import excel_support as xs
from tests.excel_support import Action, actions, of

macros = xs.macros
xw = xs.xw  # imported by excel_support, after it set up xlwings' server mode
MACROS_DIR = Path(__file__).resolve().parent.parent / "macros"
CONFIG = load_config()

# --- Workbooks ----------------------------------------------------------------------------------

Rows = dict[str, list[dict[str, object]]]


def clean_rows() -> Rows:
    """One or two valid rows per data sheet, keyed as the templates take them."""
    return {
        "Budget": [
            {"period": "2026-10", "account_code": "0610", "account_name": "Salaries",
             "category": "Personnel", "budget": Decimal("12000"), "actual": Decimal("11800.50"),
             "notes": "=1+1 is text, not a formula"},
            {"period": "2026-10", "account_code": "6200", "account_name": "Travel",
             "category": "Travel", "budget": Decimal("3000"), "actual": Decimal("3100")},
        ],
        "Payroll": [
            {"employee_id": "E1001", "full_name": "Linh Tran", "position": "Accountant",
             "employment_type": "Full-time", "base_salary": Decimal("3000"),
             "allowances": Decimal("100"), "overtime_hours": Decimal("5"), "deductions": Decimal("50"),
             "bank_account": "000123456789"},
        ],
        "Inventory": [
            {"sku": "SKU-1", "item_name": "Copy paper", "category": "Stationery", "unit": "box",
             "location": "Main store", "quantity_on_hand": Decimal("8"), "unit_cost": Decimal("4.5"),
             "reorder_level": Decimal("10"), "reorder_quantity": Decimal("50"),
             "last_counted": date(2026, 10, 28)},
        ],
        "Schedule": [
            {"event_id": "EV-1", "title": "Month-end close", "type": "Meeting",
             "start": datetime(2026, 10, 5, 9), "end": datetime(2026, 10, 5, 10),
             "location": "Room 101", "owner": "Linh Tran"},
        ],
    }


_WRITTEN: dict[str, Path] = {}


@pytest.fixture(scope="session", autouse=True)
def _workbook_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    _WRITTEN["folder"] = tmp_path_factory.mktemp("departments")


def department(path: Path, rows: Rows | None = None, *, code: str = "FIN", name: str = "Finance") -> Path:
    """A department workbook written by the templates (once per distinct content: tests only read it)."""
    chosen = rows if rows is not None else clean_rows()
    key = json.dumps([code, name, chosen], default=str, sort_keys=True)
    if key not in _WRITTEN:
        target = _WRITTEN["folder"] / f"{len(_WRITTEN)}" / path.name
        target.parent.mkdir()
        _WRITTEN[key] = write_department_workbook(
            target, department_code=code, department_name=name, period="2026-10", currency="USD",
            prepared_by="Linh Tran", rows=chosen)
    return _WRITTEN[key]


def faulty_rows() -> Rows:
    rows = clean_rows()
    rows["Budget"][1]["actual"] = Decimal("-300")  # Budget!F5: error
    rows["Payroll"][0]["allowances"] = "12,5"  # Payroll!F4: error (not a number)
    rows["Inventory"][0]["unit_cost"] = "4.50"  # Inventory!G4: warning (number typed as text)
    return rows


# The live workbook differs from the file: an unsaved edit puts End before Start.
UNSAVED = {"Schedule": {"E4": datetime(2026, 10, 5, 8)}}


@pytest.fixture(autouse=True)
def settings_from_tests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv(CONFIG_ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(macros, "_today", lambda: date(2026, 11, 15))
    forget_config()
    yield
    forget_config()


@pytest.fixture
def organisation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OrgConfig:
    root = tmp_path / "org"
    (root / "inbox").mkdir(parents=True)
    (root / "reports").mkdir()
    config_file = root / "backoffice.toml"
    config_file.write_text('[organisation]\nname = "Example Org"\ninbox = "inbox"\nreports = "reports"\n',
                           encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV_VAR, str(config_file))
    forget_config()
    return current_config()


def run(name: str, payload: dict[str, Any]) -> xw.Book:
    book = xs.book_from(payload)
    return xs.run_script(name, book)


def fills(found: Sequence[Action]) -> dict[tuple[str | None, str | None], Any]:
    return {(a.sheet, a.address): a.args[0] for a in of(found, "setRangeColor") if a.sheet != "Validation"}


def notes(found: Sequence[Action]) -> dict[tuple[str | None, str], str]:
    return {(a.sheet, a.args[0].replace("$", "")): a.args[1] for a in of(found, "addNote")}


def alerts(found: Sequence[Action]) -> list[str]:
    return [a.args[0] for a in of(found, "alert")]


def validation_rows(found: Sequence[Action]) -> list[list[Any]]:
    written = [a for a in of(found, "setValues") if a.sheet == "Validation"]
    assert len(written) == 1
    return list(written[0].values)


# --- Validate ------------------------------------------------------------------------------------


def test_validate_marks_every_problem_of_the_live_workbook(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    found = actions(run("validate_script", xs.payload(path, CONFIG, overrides=UNSAVED)))

    assert fills(found) == {
        ("Budget", "F5"): ERROR_FILL,
        ("Payroll", "F4"): ERROR_FILL,
        ("Inventory", "G4"): WARNING_FILL,
        ("Schedule", "E4"): ERROR_FILL,  # the unsaved edit, not the file
    }
    assert notes(found) == {
        ("Budget", "F5"): "backoffice:\nError: Actual is -300; it must be 0 or more",
        ("Payroll", "F4"): "backoffice:\nError: Allowances is 12,5; it must be a number",
        ("Inventory", "G4"): "backoffice:\nWarning: Unit Cost is 4.50; it was typed as text and "
                             "read as the number 4.50; please type it as a number",
        ("Schedule", "E4"): "backoffice:\nError: End is 2026-10-05 08:00; it must be after Start "
                            "(2026-10-05 09:00)",
    }
    assert alerts(found) == ["3 errors, 1 warning; see the Validation sheet."]
    assert of(found, "alert")[0].args[1:4] == ["backoffice", "ok", "critical"]


def test_the_validation_sheet_lists_each_problem_with_a_link(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    found = actions(run("validate_script", xs.payload(path, CONFIG, overrides=UNSAVED)))

    added = of(found, "addSheet")
    assert [a.args for a in added] == [[6, "Validation"]]  # after Info..Schedule and Settings
    rows = validation_rows(found)
    assert rows[0][0].startswith("backoffice validation of FIN.xlsx, ")
    assert rows[0][0].endswith(": 3 errors, 1 warning")
    assert rows[2] == list(HEADERS)
    listed = [row[:5] + row[6:7] + row[8:] for row in rows[3:]]
    assert listed == [
        ["error", "Budget", "F5", "Actual", "'-300", "minimum", "fill + note"],
        ["error", "Payroll", "F4", "Allowances", "12,5", "not-a-number", "fill + note"],
        ["error", "Schedule", "E4", "End", "2026-10-05 08:00", "end-before-start", "fill + note"],
        ["warning", "Inventory", "G4", "Unit Cost", "4.50", "number-stored-as-text", "fill + note"],
    ]
    links = of(found, "setFormula")
    assert len(links) == 1 and links[0].sheet == "Validation" and links[0].address == "H4:H7"
    assert links[0].values == [
        ['=HYPERLINK("#\'Budget\'!F5","Budget!F5")'],
        ['=HYPERLINK("#\'Payroll\'!F4","Payroll!F4")'],
        ['=HYPERLINK("#\'Schedule\'!E4","Schedule!E4")'],
        ['=HYPERLINK("#\'Inventory\'!G4","Inventory!G4")'],
    ]


def test_validate_reads_unsaved_edits_not_the_file(tmp_path: Path) -> None:
    rows = clean_rows()
    rows["Budget"][0]["budget"] = "twelve thousand"
    path = department(tmp_path / "FIN.xlsx", rows)
    # Corrected on screen, not yet saved.
    found = actions(run("validate_script", xs.payload(path, CONFIG, overrides={"Budget": {"E4": 12000}})))
    assert fills(found) == {}
    assert alerts(found) == ["No problems found."]


def test_a_clean_workbook(tmp_path: Path) -> None:
    found = actions(run("validate_script", xs.payload(department(tmp_path / "FIN.xlsx"), CONFIG)))
    assert fills(found) == {} and notes(found) == {}
    assert alerts(found) == ["No problems found."]
    assert of(found, "alert")[0].args[3] == "info"
    rows = validation_rows(found)
    assert rows[0][0].endswith(": 0 errors, 0 warnings") and len(rows) == 3
    assert of(found, "setFormula") == []


def test_a_missing_sheet_is_listed_but_marks_nothing(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx")
    payload = xs.payload(path, CONFIG)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != "Schedule"]
    found = actions(run("validate_script", payload))
    rows = validation_rows(found)
    assert [row[1:3] + row[6:7] for row in rows[3:]] == [["Schedule", "", "missing-sheet"]]
    assert fills(found) == {}
    assert of(found, "setFormula")[0].values == [[""]]  # nothing to go to


def test_a_cell_with_its_own_note_keeps_it(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    payload = xs.payload(path, CONFIG, notes={"Budget": ["F5"]})
    found = actions(run("validate_script", payload))
    assert fills(found)[("Budget", "F5")] == ERROR_FILL
    assert ("Budget", "F5") not in notes(found)
    assert of(found, "deleteNote") == []
    budget_row = next(row for row in validation_rows(found)[3:] if row[1] == "Budget")
    assert budget_row[8] == "fill"


def test_office_scripts_have_no_notes_so_cells_only_get_a_fill(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    found = actions(run("validate_script",
                        xs.payload(path, CONFIG, client="Microsoft Office Scripts")))
    assert len(fills(found)) == 3
    assert notes(found) == {}
    assert {row[8] for row in validation_rows(found)[3:]} == {"fill"}


def test_validating_again_first_clears_the_old_marks(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    first = xs.payload(path, CONFIG, overrides=UNSAVED)
    book = run("validate_script", first)
    # Next time, Excel sends the Validation sheet and the notes written; Budget!F5 is corrected.
    second = xs.applied(first, book)
    xs._set(second["sheets"][1]["values"], "F5", 3100)
    names = [sheet["name"] for sheet in second["sheets"]]
    found = actions(run("validate_script", second), names)

    cleared = [(a.sheet, a.address) for a in of(found, "setRangeColor") if a.args == [None]]
    assert cleared == [("Budget", "F5"), ("Payroll", "F4"), ("Schedule", "E4"), ("Inventory", "G4")]
    assert [(a.sheet, a.args[0]) for a in of(found, "deleteNote")] == [
        ("Budget", "$F$5"), ("Payroll", "$F$4"), ("Schedule", "$E$4"), ("Inventory", "$G$4")]
    # The cleared cells come first, then the new marks, on the same Validation sheet.
    funcs = [a.func for a in found]
    assert funcs.index("deleteNote") < funcs.index("addNote")
    assert of(found, "addSheet") == [] and [a.sheet for a in of(found, "sheetClear")] == ["Validation"]
    assert fills(found) == {
        ("Budget", "F5"): None,
        ("Payroll", "F4"): ERROR_FILL,
        ("Schedule", "E4"): ERROR_FILL,
        ("Inventory", "G4"): WARNING_FILL,
    }
    assert alerts(found) == ["2 errors, 1 warning; see the Validation sheet."]


def test_a_foreign_validation_sheet_is_left_alone(tmp_path: Path) -> None:
    payload = xs.payload(department(tmp_path / "FIN.xlsx", faulty_rows()), CONFIG)
    payload["sheets"].append({"name": "validation", "values": [["Our own checklist"]], "pictures": [],
                              "tables": [], "notes": [], "notes_supported": True})
    found = actions(run("validate_script", payload))
    assert [a.func for a in found] == ["alert"]
    assert alerts(found) == ["This workbook already has a sheet called validation that backoffice did "
                             "not write; rename it so that the validation results can be listed"]


# --- Clear marks ---------------------------------------------------------------------------------


def test_clear_marks_removes_the_marks_and_the_validation_sheet(tmp_path: Path) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    first = xs.payload(path, CONFIG)
    marked = xs.applied(first, run("validate_script", first))
    names = [sheet["name"] for sheet in marked["sheets"]]
    found = actions(run("clear_marks_script", marked), names)
    assert [(a.func, a.sheet, a.address) for a in found] == [
        ("setRangeColor", "Budget", "F5"), ("deleteNote", "Budget", "F5"),
        ("setRangeColor", "Payroll", "F4"), ("deleteNote", "Payroll", "F4"),
        ("setRangeColor", "Inventory", "G4"), ("deleteNote", "Inventory", "G4"),
        ("sheetDelete", "Validation", None),
    ]
    assert all(a.args == [None] for a in of(found, "setRangeColor"))


def test_clear_marks_without_marks_does_nothing(tmp_path: Path) -> None:
    found = actions(run("clear_marks_script", xs.payload(department(tmp_path / "FIN.xlsx"), CONFIG)))
    assert found == []


# --- Submit --------------------------------------------------------------------------------------


def test_submit_refuses_a_workbook_with_errors(tmp_path: Path, organisation: OrgConfig) -> None:
    path = department(tmp_path / "FIN.xlsx", faulty_rows())
    found = actions(run("submit_script", xs.payload(path, CONFIG)))
    assert alerts(found) == ["Not submitted: 2 errors, 1 warning. Correct the errors (see the Validation "
                             "sheet) and press Submit again."]
    assert len(fills(found)) == 3  # marked, as Validate does
    assert list(organisation.resolve(Path("inbox")).iterdir()) == []


def submitted(tmp_path: Path, overrides: Mapping[str, Mapping[str, object]] | None = None,
              when: datetime | None = None) -> tuple[Any, list[Action]]:
    path = department(tmp_path / "FIN.xlsx")
    book = xs.book_from(xs.payload(path, CONFIG, overrides=overrides))
    files = macros.submit(book, now=when)
    return files, actions(book)


def test_submit_writes_the_live_values_and_a_receipt(tmp_path: Path, organisation: OrgConfig) -> None:
    inbox = organisation.resolve(Path("inbox"))
    files, found = submitted(tmp_path, {"Budget": {"F5": 2999.99}},
                             when=datetime(2026, 11, 3, 9, 14, 7).astimezone())
    workbook = inbox / "FIN_2026-10.xlsx"
    assert files.workbook == workbook
    assert sorted(p.name for p in inbox.iterdir()) == ["FIN_2026-10.receipt.json", "FIN_2026-10.xlsx"]
    assert alerts(found)[0].startswith(f"Submitted FIN 2026-10 as {workbook}.")

    receipt = json.loads((inbox / "FIN_2026-10.receipt.json").read_text(encoding="utf-8"))
    assert set(receipt) == {"receipt_version", "department", "period", "submitted_by", "submitted_at",
                            "sha256", "template_version", "file"}
    assert receipt["department"] == "FIN" and receipt["period"] == "2026-10"
    assert receipt["file"] == "FIN_2026-10.xlsx" and receipt["template_version"] == 1
    assert receipt["sha256"] == sha256_of(workbook)
    assert re.fullmatch(r"2026-11-03T09:14:07[+-]\d{2}:\d{2}", receipt["submitted_at"])
    assert receipt["submitted_by"]
    parsed = read_receipt(inbox / "FIN_2026-10.receipt.json")
    assert receipt_matches(parsed, workbook)

    # The copy holds the contract's sheets as values, the unsaved edit included.
    book = CalamineWorkbook.from_path(str(workbook))
    assert book.sheet_names == ["Info", "Budget", "Payroll", "Inventory", "Schedule"]
    budget = book.get_sheet_by_name("Budget").to_python()
    assert budget[2][:9] == ["Period", "Account Code", "Account Name", "Category", "Budget", "Actual",
                             "Notes", "Variance", "Variance %"]
    assert budget[3][1] == "0610"  # leading zero kept: text stays text
    assert budget[4][5] == 2999.99
    cell = openpyxl.load_workbook(workbook)["Budget"]["G4"]
    assert cell.data_type == "s" and cell.value == "=1+1 is text, not a formula"
    # ... and it validates as the live workbook did.
    result = validate_workbook(workbook, organisation, today=date(2026, 11, 15))
    assert result.issues.errors == []


def test_a_second_submission_keeps_the_first_as_a_version(tmp_path: Path, organisation: OrgConfig) -> None:
    inbox = organisation.resolve(Path("inbox"))
    first, _ = submitted(tmp_path, when=datetime(2026, 11, 3, 9, 14, 7).astimezone())
    first_sha = first.receipt.sha256
    second, found = submitted(tmp_path, {"Budget": {"F4": 11900}},
                              when=datetime(2026, 11, 4, 16, 0, 0).astimezone())
    versions = inbox / ".versions"
    kept = versions / "FIN_2026-10 2026-11-03 091407.xlsx"
    assert sorted(p.name for p in versions.iterdir()) == [
        "FIN_2026-10 2026-11-03 091407.receipt.json", "FIN_2026-10 2026-11-03 091407.xlsx"]
    assert sha256_of(kept) == first_sha
    assert second.previous_version == kept
    assert read_receipt(inbox / "FIN_2026-10.receipt.json").sha256 == sha256_of(inbox / "FIN_2026-10.xlsx")
    assert second.receipt.sha256 != first_sha
    assert "The previous submission was kept as a version." in alerts(found)[0]
    # No temporary file is left behind in the shared folder.
    assert not [p for p in inbox.rglob("*.tmp")]


def test_submit_needs_the_organisations_configuration(tmp_path: Path) -> None:
    book = xs.book_from(xs.payload(department(tmp_path / "FIN.xlsx"), CONFIG))
    macros.run_macro(macros.submit, book)
    message = alerts(actions(book))[-1]
    assert message.startswith("No organisation configuration file was found, so the inbox folder is "
                              "unknown. Set BACKOFFICE_CONFIG")


def test_submit_says_when_the_inbox_is_not_there(tmp_path: Path, organisation: OrgConfig) -> None:
    organisation.resolve(Path("inbox")).rmdir()
    book = xs.book_from(xs.payload(department(tmp_path / "FIN.xlsx"), CONFIG))
    xs.run_script("submit_script", book)
    assert alerts(actions(book))[-1].endswith(
        "cannot be found; check that the network drive is connected, or ask for the organisation "
        "configuration to be corrected")


def test_receipts_that_cannot_be_trusted(tmp_path: Path) -> None:
    bad = tmp_path / "X.receipt.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReceiptError, match="not a readable receipt"):
        read_receipt(bad)
    bad.write_text(json.dumps({"department": "FIN", "period": "2026-10", "submitted_by": "a",
                               "submitted_at": "2026-11-03T09:14:07", "sha256": "0" * 64,
                               "file": "FIN_2026-10.xlsx"}), encoding="utf-8")
    with pytest.raises(ReceiptError, match="no UTC offset"):
        read_receipt(bad)


# --- Consolidate now -----------------------------------------------------------------------------


def test_consolidate_now_shows_the_headline_figures(tmp_path: Path, organisation: OrgConfig) -> None:
    for code, name in (("FIN", "Finance"), ("IT", "IT")):
        rows = clean_rows()
        rows["Payroll"][0]["employee_id"] = f"{code}-1"
        book = xs.book_from(xs.payload(department(tmp_path / f"{code}.xlsx", rows, code=code, name=name),
                                       CONFIG))
        assert macros.submit(book) is not None
    caller = xs.book_from(xs.payload(department(tmp_path / "FIN.xlsx"), CONFIG))
    xs.run_script("consolidate_now_script", caller)
    found = actions(caller)

    reports = organisation.resolve(Path("reports"))
    report_file = reports / "2026-10" / "consolidated-2026-11-15.xlsx"
    assert report_file.is_file()
    assert [a.args for a in of(found, "addSheet")] == [[6, "Org Summary"]]
    written = [a for a in of(found, "setValues") if a.sheet == "Org Summary"]
    assert len(written) == 1
    table = written[0].values
    assert table[0][0] == "backoffice organisation summary: Example Org, 2026-10"
    assert table[1][:2] == ["Report", str(report_file)]
    header = next(i for i, row in enumerate(table) if row[0] == "Department Code")
    assert table[header] == list(SUMMARY_COLUMNS)
    assert [row[0] for row in table[header + 1:]] == ["FIN", "IT", "Total"]
    actual = SUMMARY_COLUMNS.index("Actual")
    assert table[-1][actual] == pytest.approx(2 * (11800.50 + 3100))
    assert alerts(found) == [f"Consolidated 2026-10: 10 rows accepted, 0 rejected. Report: {report_file}"]
    # BO_ORG now answers from this run.
    recorded = org_figures.latest_figures(reports=reports, history=None, period="2026-10")
    assert recorded is not None and recorded.report_path == str(report_file)
    assert xs.call_udf("BO_ORG", "Actual", "IT") == [[11800.5 + 3100]]


# --- Entry points --------------------------------------------------------------------------------


def test_the_vba_entry_points_use_the_calling_workbook(tmp_path: Path) -> None:
    book = xs.book_from(xs.payload(department(tmp_path / "FIN.xlsx", faulty_rows()), CONFIG))
    # xlwings' own way to stand in for RunPython's caller.
    book.set_mock_caller()
    try:
        macros.run_validate()
        macros.run_clear_marks()
    finally:
        delattr(xw.Book, "_mock_caller")
    funcs = [a.func for a in actions(book)]
    assert funcs.count("alert") == 1 and funcs.count("addNote") == 3
    # The same book again: clear_marks finds the Validation sheet that validate added.
    assert funcs[-1] == "sheetDelete"


def test_scripts_for_xlwings_server_and_lite() -> None:
    meta = {entry["function_name"]: entry for entry in xs.scripts_meta(macros)}
    assert {name: entry["name"] for name, entry in meta.items()} == {
        "clear_marks_script": "Clear marks",
        "consolidate_now_script": "Consolidate now",
        "submit_script": "Submit",
        "validate_script": "Validate",
    }


def test_the_vba_module_calls_existing_entry_points() -> None:
    text = (MACROS_DIR / "backoffice.bas").read_bytes().decode("ascii")
    assert text.startswith('Attribute VB_Name = "backoffice"\r\n')
    assert "\n" not in text.replace("\r\n", "")  # the VBA editor imports Windows line endings
    pattern = r'^Sub (\w+)\(\)\r\n    RunPython "import addin\.macros as m; m\.(\w+)\(\)"\r\nEnd Sub'
    calls = re.findall(pattern, text, re.MULTILINE)
    assert [entry for _, entry in calls] == ["run_validate", "run_submit", "run_consolidate_now",
                                             "run_clear_marks"]
    for _, entry in calls:
        assert callable(getattr(macros, entry))


def test_the_xlwings_conf_names_the_udf_module() -> None:
    lines = (MACROS_DIR / "xlwings.conf").read_text(encoding="ascii").splitlines()
    # xlwings' VBA reads the file with Input #: two quoted fields a line, no comments.
    pairs = [re.fullmatch(r'"([^"]+)","([^"]*)"', line) for line in lines]
    settings = {match.group(1): match.group(2) for match in pairs if match is not None}
    assert len(settings) == len(lines)
    assert settings["UDF MODULES"] == "addin.udfs"
    assert settings["INTERPRETER_WIN"].endswith("pythonw.exe")
    assert settings["INTERPRETER_MAC"].endswith("/bin/python")
    assert "LICENSE_KEY" not in settings  # the desktop add-in never needs xlwings PRO
