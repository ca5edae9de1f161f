"""Bad input gets a clear message and an exit code, never a traceback or a hang.

Every case runs the real command line (``addin.cli.main``) on a file made
here, and asserts the exact message and the exit code.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import msoffcrypto
import pytest
import xlsxwriter
import xlwt

from addin.cells import ExcelError
from addin.cli import main
from addin.consolidation import build_report
from addin.reading.workbook import open_workbook
from addin.settings import OrgConfig
from tests.conftest import TODAY
from tests.generator import Formula, clean_department, write_workbook


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def failure(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    """Validate ``path`` as JSON and return the exit code and the single record."""
    code, out, _ = run(capsys, "validate", path, "--format", "json", *extra)
    [record] = json.loads(out)
    return code, record


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "FIN_2026-10.xlsx", clean_department())


def test_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "validate", tmp_path / "nope.xlsx")
    assert (code, out) == (2, "")
    assert err == f"backoffice: no such file or folder: {tmp_path / 'nope.xlsx'}\n"


@pytest.mark.parametrize(
    ("content", "rule", "message"),
    [
        (b"", "not-a-workbook", "The file is empty (0 bytes)"),
        (b"PK\x03\x04" + b"\x00garbage" * 50, "not-a-workbook",
         "The file is damaged or incomplete (perhaps still being copied); ask for it to be saved "
         "or sent again"),
        (b"Account,Budget\n6100,1200\n", "not-a-workbook",
         "This is a CSV (plain text) file with an Excel name, not an Excel workbook; open it in "
         "Excel and save it as an Excel Workbook (.xlsx)"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not-a-workbook",
         "This is a web page (HTML) saved with an Excel name, not an Excel workbook; open it in "
         "Excel and save it as an Excel Workbook (.xlsx)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not-a-workbook",
         "This is not an Excel workbook (the file's content is not .xlsx/.xlsm)"),
    ],
    ids=["empty", "corrupt-zip", "csv", "html", "png"],
)
def test_files_that_are_not_workbooks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, rule: str, message: str
) -> None:
    path = tmp_path / "Budget.xlsx"
    path.write_bytes(content)
    code, record = failure(capsys, path)
    assert code == 2
    assert (record["rule"], record["message"], record["file"]) == (rule, message, str(path))


def test_truncated_workbook(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])
    code, record = failure(capsys, good)
    assert code == 2
    assert record["message"] == (
        "The file is damaged or incomplete (perhaps still being copied); ask for it to be saved "
        "or sent again"
    )


def test_old_xls_renamed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    book = xlwt.Workbook()
    book.add_sheet("Budget").write(0, 0, "Period")
    path = tmp_path / "old.xlsx"
    book.save(str(path))
    code, record = failure(capsys, path)
    assert code == 2
    assert record["message"] == (
        "This is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as an "
        "Excel Workbook (.xlsx)"
    )


def test_word_document_renamed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "memo.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    code, record = failure(capsys, path)
    assert (code, record["message"]) == (2, "This is a Word document, not an Excel workbook")


def _encrypt(plain: Path, target: Path, password: str) -> Path:
    with plain.open("rb") as source, target.open("wb") as out:
        msoffcrypto.OfficeFile(source).encrypt(password, out)
    return target


def test_encrypted_workbook_is_said_to_be_encrypted(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    locked = _encrypt(good, tmp_path / "HR_2026-10.xlsx", "s3cret")
    code, record = failure(capsys, locked)
    assert (code, record["rule"]) == (2, "encrypted-workbook")
    assert record["message"] == (
        "The workbook is password-protected; remove the password in Excel (File > Info > "
        "Protect Workbook), or configure its password under [passwords]"
    )


def test_encrypted_workbook_opens_with_its_configured_password(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    locked = _encrypt(good, inbox / "HR_2026-10.xlsx", "s3cret")
    before = hashlib.sha256(locked.read_bytes()).hexdigest()
    config = tmp_path / "org.toml"
    config.write_text('[passwords]\n"HR_*.xlsx" = "s3cret"\n')
    code, out, _ = run(capsys, "validate", locked, "--config", config)
    assert code == 0, out
    assert "note: decrypted with the configured password" in out
    assert hashlib.sha256(locked.read_bytes()).hexdigest() == before  # never modified
    config.write_text('[passwords]\n"HR_*.xlsx" = "wrong"\n')
    code, record = failure(capsys, locked, "--config", str(config))
    assert (code, record["message"]) == (
        2, "The workbook is password-protected and the configured password is wrong"
    )


def _rewrite(path: Path, changes: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts.update(changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["expansion", "external"])
def test_xml_entities_are_refused_before_parsing(
    capsys: pytest.CaptureFixture[str], good: Path, payload: bytes
) -> None:
    _rewrite(good, {"xl/sharedStrings.xml": payload})
    code, record = failure(capsys, good)
    assert (code, record["rule"]) == (2, "unsafe-workbook:xml_entities")
    assert record["message"] == (
        "Part xl/sharedStrings.xml declares XML entities (a DTD); Excel never writes them, and "
        "they are how XML bomb and external-entity attacks work"
    )


def test_zip_bomb_is_refused_by_its_compression_ratio(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    _rewrite(good, {"xl/media/image1.png": b"\0" * (64 * 1024 * 1024)})
    code, record = failure(capsys, good)
    assert (code, record["rule"]) == (2, "unsafe-workbook:max_compression_ratio")
    assert str(record["message"]).startswith("Part xl/media/image1.png is compressed ")
    assert str(record["message"]).endswith(
        " to 1, over the limit of 200 to 1 (limits.max_compression_ratio); this is how a zip "
        "bomb looks"
    )


@pytest.mark.parametrize(
    ("setting", "rule", "start"),
    [
        ("max_file_bytes = 2000", "unsafe-workbook:max_file_bytes", "The file is "),
        ("max_uncompressed_bytes = 20000", "unsafe-workbook:max_uncompressed_bytes",
         "The workbook would unpack to "),
    ],
)
def test_size_limits_come_from_configuration(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path, setting: str, rule: str,
    start: str,
) -> None:
    config = tmp_path / "org.toml"
    config.write_text(f"[limits]\n{setting}\n")
    code, record = failure(capsys, good, "--config", str(config))
    assert (code, record["rule"]) == (2, rule)
    assert str(record["message"]).startswith(start)
    assert f"limits.{setting.split(maxsplit=1)[0]}" in str(record["message"])


def test_absurd_cell_range_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Budget")
    sheet.write_string(0, 0, "Period")
    sheet.write_string(1_048_575, 16_383, "far away")
    book.close()
    code, record = failure(capsys, path)
    assert (code, record["rule"]) == (2, "unsafe-workbook:max_cells_per_sheet")
    assert record["message"] == (
        "Sheet Budget spans 1,048,576 rows x 16,384 columns, over the limit of 20,000,000 cells "
        "(limits.max_cells_per_sheet)"
    )


def test_lock_files_are_skipped_and_an_open_workbook_is_read_with_a_warning(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    lock = good.with_name("~$" + good.name)
    lock.write_bytes(bytes([4]) + b"Minh" + b" " * 50)
    code, out, _ = run(capsys, "validate", good.parent)
    assert code == 0
    assert str(lock) not in out  # in a folder, lock files are passed over quietly
    assert out.splitlines()[:2] == [
        f"{good}: OK (0 errors, 1 warning)",
        "  warning  The workbook is open in Excel by Minh; unsaved changes there are not included",
    ]
    code, out, _ = run(capsys, "validate", lock)
    assert (code, out.splitlines()[0]) == (2, f"{lock}: an Excel lock file (~$), not a workbook; skipped")


def test_folder_without_workbooks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", tmp_path)
    assert (code, err) == (2, "backoffice: no .xlsx or .xlsm workbooks found\n")


def test_bad_configuration_is_a_clear_message(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    config = tmp_path / "org.toml"
    config.write_text("[payroll]\novertime_multiplier = 0.5\nstandard_hours = 160\n")
    code, out, err = run(capsys, "validate", good, "--config", config)
    assert (code, out) == (2, "")
    assert err == (
        f"backoffice: {config}: 2 problem(s)\n"
        "  payroll.overtime_multiplier: Input should be greater than or equal to 1\n"
        "  payroll.standard_hours: Extra inputs are not permitted\n"
    )


def test_openpyxl_without_defusedxml_refuses_to_run(good: Path) -> None:
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    done = subprocess.run(
        [sys.executable, "-m", "addin.cli", "validate", str(good)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "backoffice: openpyxl is running without defusedxml (the environment variable "
        "OPENPYXL_DEFUSEDXML turns it off); unset it before reading workbooks\n"
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_inputs_are_never_modified(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    before = (good.read_bytes(), good.stat().st_mtime_ns)
    run(capsys, "validate", good, "--format", "json")
    assert (good.read_bytes(), good.stat().st_mtime_ns) == before


def test_json_records_have_stable_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dept = clean_department()
    dept.rows["Budget"][2]["Actual"] = -300
    path = write_workbook(tmp_path / "FIN.xlsx", dept)
    code, record = failure(capsys, path)
    assert code == 1
    assert record == {
        "file": str(path), "sheet": "Budget", "cell": "F4", "column": "Actual", "value": "-300",
        "rule": "minimum", "message": "Actual is -300; it must be 0 or more",
        "severity": "error", "row": 4,
    }


def test_text_output_groups_by_file_and_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dept = clean_department()
    dept.rows["Budget"][2]["Actual"] = -300
    dept.rows["Budget"][0]["Budget"] = "1,200"
    path = write_workbook(tmp_path / "FIN.xlsx", dept)
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    assert out == (
        f"{path}: ERRORS (1 error, 1 warning)\n"
        "  Budget: 8 rows read, 7 accepted, 1 rejected\n"
        "    E2  warning  Budget is 1,200; it was typed as text and read as the number 1200; "
        "please type it as a number\n"
        "    F4  error    Actual is -300; it must be 0 or more\n"
        "  Payroll: 6 rows read, 6 accepted, 0 rejected\n"
        "  Inventory: 6 rows read, 6 accepted, 0 rejected\n"
        "  Schedule: 5 rows read, 5 accepted, 0 rejected\n"
        "\n"
        "1 file checked (1 read): 1 error, 1 warning.\n"
    )


def test_warnings_alone_exit_zero(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dept = clean_department()
    dept.rows["Budget"][0]["Budget"] = "1,200"
    code, _, _ = run(capsys, "validate", write_workbook(tmp_path / "FIN.xlsx", dept))
    assert code == 0


def test_encrypting_helper_really_encrypts(good: Path, tmp_path: Path) -> None:
    locked = _encrypt(good, tmp_path / "x.xlsx", "pw")
    assert msoffcrypto.OfficeFile(io.BytesIO(locked.read_bytes())).is_encrypted()


def test_a_workbook_saved_again_while_it_is_read_is_read_as_one_save(tmp_path: Path) -> None:
    # Values and error cells come from the same bytes: a #DIV/0! in the file as it
    # was opened is not lost because a corrected save replaced it meanwhile.
    broken = clean_department()
    broken.rows["Budget"][0]["Actual"] = Formula("=1/0", "#DIV/0!")
    live = write_workbook(tmp_path / "FIN_2026-10.xlsx", broken)
    corrected = write_workbook(tmp_path / "corrected.xlsx", clean_department())
    book = open_workbook(live, OrgConfig())
    os.replace(corrected, live)  # as Excel saves: a new file renamed over the old one
    grid = book.grid("Budget")
    header = next(i for i, row in enumerate(grid.rows) if "Actual" in row)
    actual = grid.rows[header + 1][grid.rows[header].index("Actual")]
    assert isinstance(actual, ExcelError) and actual.code == "#DIV/0!"


def test_encrypted_workbooks_are_consolidated_with_their_configured_password(tmp_path: Path) -> None:
    # Read only as far as its Info sheet (last month's) or whole (this month's), a
    # workbook with a password is decrypted in memory and counted like any other.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    plain = write_workbook(tmp_path / "plain.xlsx", clean_department(code="HR"))
    _encrypt(plain, inbox / "HR_2026-10.xlsx", "s3cret")
    old = write_workbook(tmp_path / "old.xlsx", clean_department(code="HR", period="2026-09"))
    _encrypt(old, inbox / "HR_2026-09.xlsx", "s3cret")
    config = OrgConfig(passwords={"HR_*.xlsx": "s3cret"})
    report = build_report(inbox, config=config, today=TODAY, workers=1)
    sources = {s.path.name: (s.status, [(c.sheet, c.read, c.accepted) for c in s.sheets])
               for s in report.sources}
    assert sources == {
        "HR_2026-09.xlsx": ("other-period", []),
        "HR_2026-10.xlsx": ("included", [("Budget", 8, 8), ("Payroll", 6, 6), ("Inventory", 6, 6),
                                         ("Schedule", 5, 5)]),
    }
    (hr,) = [s for s in report.submissions if s.department == "HR"]
    assert hr.compared_with == "2026-09"
