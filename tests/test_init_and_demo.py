"""``backoffice init`` writes templates safely; ``backoffice demo`` finds exactly what was planted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from addin.cli import main
from addin.demo import found_mistakes, run_demo
from addin.kinds import DATA_KINDS
from addin.settings import load_config
from addin.validation.batch import validate_paths
from tests.conftest import TODAY


def test_init_writes_a_valid_blank_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["init", str(tmp_path), "--department", "FIN", "--name", "Finance",
                 "--period", "2026-10", "--prepared-by", "Linh Tran"])
    assert code == 0
    target = tmp_path / "FIN_2026-10.xlsx"
    assert capsys.readouterr().out == f"wrote {target}\n"
    [outcome] = validate_paths([target], load_config(), TODAY)
    assert outcome.issues == []
    assert outcome.result is not None and outcome.result.info is not None
    assert (outcome.result.info.department_code, outcome.result.info.prepared_by) == (
        "FIN", "Linh Tran")


def test_init_refuses_to_overwrite_and_keeps_a_backup_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["init", str(tmp_path), "--department", "HR", "--name", "Human Resources",
            "--period", "2026-10"]
    assert main(args) == 0
    target = tmp_path / "HR_2026-10.xlsx"
    target.write_bytes(target.read_bytes() + b"")  # the department's own edits, say
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    capsys.readouterr()
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "backoffice: HR_2026-10.xlsx already exist(s); use --force to replace (a backup is kept)\n"
    )
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert main([*args, "--force"]) == 0
    [backup] = (tmp_path / ".backup").iterdir()
    assert backup.name.startswith("HR_2026-10 ") and backup.suffix == ".xlsx"
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == before


def test_init_all_departments_in_vietnamese(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--all-departments", "--period", "2026-11",
                 "--lang", "vi", "--prepared-by", "Nguyễn Thu Hà"]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert written == sorted(f"{c}_2026-11.xlsx" for c in
                             ("FIN", "HR", "ADMIN", "IT", "OPS", "LEGAL", "PROC", "FAC", "CS"))
    outcomes = validate_paths([tmp_path], load_config(), TODAY)
    assert [issue for outcome in outcomes for issue in outcome.issues] == []


def test_init_needs_a_department(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "--period", "2026-10"]) == 2
    assert "give --department and --name, or --all-departments" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run_demo(tmp_path_factory.mktemp("demo"), today=TODAY)


def test_demo_reports_exactly_the_planted_mistakes(demo) -> None:  # type: ignore[no-untyped-def]
    assert found_mistakes(demo.outcomes) == sorted(demo.planted)
    assert len(demo.planted) == 8


def test_demo_organisation_is_realistic(demo) -> None:  # type: ignore[no-untyped-def]
    results = [o.result for o in demo.outcomes if o.result is not None]
    assert len(results) == 9
    currencies = {r.info.currency for r in results if r.info is not None}
    assert currencies == {"USD", "VND", "CNY"}
    for result in results:
        rows = sum(result.sheets[kind].rows_read for kind in DATA_KINDS)
        assert 150 <= rows <= 400, (result.path, rows)


def test_demo_consolidates_into_a_report(demo) -> None:  # type: ignore[no-untyped-def]
    run = demo.consolidation
    assert run.report_path.is_file()
    assert run.rows_read == run.rows_accepted + run.rows_rejected
    assert run.rows_rejected == 7  # 8 planted problems, one of them only a warning
    assert run.report.missing == [] and run.report.period == "2026-10"


def test_demo_submissions_use_receipts_and_show_what_changed(demo) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from addin.consolidation.model import SheetChange

    report = demo.consolidation.report
    assert [s.department for s in report.late] == ["CS"]
    fin = next(s for s in report.submissions if s.department == "FIN")
    assert fin.compared_with == "earlier version of 2026-10 (2026-11-01 101500)"
    assert fin.changes[:2] == [SheetChange("Budget", 0, 0, 1), SheetChange("Payroll", 2, 0, 0)]
    assert fin.total_changes["Actual"] == Decimal("1500.00")
