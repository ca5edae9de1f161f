"""Consolidating an inbox with damaged files, and readers that fail: every other
workbook still counts, and the one at fault is named with the reason.

A damaged workbook here is a real one with one part broken the way disks and
interrupted copies break them: a sheet cut short, compressed bytes flipped.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import addin.consolidation.partials as partials_module
from addin.consolidation import build_report
from addin.consolidation.model import ConsolidatedReport
from addin.consolidation.partials import WantedPeriods, read_partial
from addin.settings import OrgConfig
from tests.conftest import TODAY
from tests.generator import clean_department, payroll_rows, write_workbook

PAYROLL_PART = "xl/worksheets/sheet3.xml"  # Info, Budget, Payroll, ...
OLD = 1_700_000_000  # a modification time long ago (2023)


def department(inbox: Path, code: str, period: str = "2026-10", employees: int = 6,
               extra_sheets: tuple[str, ...] = ()) -> Path:
    """A clean workbook; each department's employees have IDs of their own."""
    rows = {"Payroll": payroll_rows(count=employees, id_prefix=code[0])}
    return write_workbook(inbox / f"{code}_{period}.xlsx", clean_department(
        code=code, name=f"Dept {code}", period=period, rows=rows, extra_sheets=extra_sheets))


def _rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info, change(data) if info.filename == part else data)
    return path


def cut_payroll_short(path: Path) -> Path:
    """The Payroll sheet's XML cut in half; the Info sheet reads as usual."""
    return _rewrite_part(path, PAYROLL_PART, lambda data: data[: len(data) // 2])


def flip_payroll_bytes(path: Path) -> Path:
    """16 compressed bytes of the Payroll sheet flipped, 30% of the way in."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(PAYROLL_PART)
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:
                                                           info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length + int(info.compress_size * 0.3)
    for offset in range(start, start + 16):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def source(report: ConsolidatedReport, name: str) -> tuple[str, str]:
    found = next(s for s in report.sources if s.path.name == name)
    return found.status, found.note


def exceptions_of(report: ConsolidatedReport, name: str) -> list[tuple[str, str]]:
    frame = report.exceptions
    return [(rule, message) for file, rule, message
            in zip(frame["File"], frame["Rule"], frame["Message"], strict=True)
            if Path(str(file)).name == name]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_damaged_workbook_of_a_later_period_is_named_not_passed_over(
    tmp_path: Path, workers: int
) -> None:
    # November's Finance workbook is damaged: the report falls back to October,
    # the latest period that can be read, and says why November's is not used.
    for code in ("FIN", "HR", "IT", "OPS"):
        department(tmp_path, code)
    cut_payroll_short(department(tmp_path, "FIN", "2026-11"))
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=workers)
    assert report.period == "2026-10"
    status, note = source(report, "FIN_2026-11.xlsx")
    assert status == "unreadable"
    assert note == "The sheet Payroll is damaged and cannot be read; ask for the workbook to be " \
        "saved again"
    assert exceptions_of(report, "FIN_2026-11.xlsx") == [("not-a-workbook", note)]


def test_a_damaged_workbook_of_an_earlier_period_stays_out_quietly(tmp_path: Path) -> None:
    for code in ("FIN", "HR"):
        department(tmp_path, code)
    old = cut_payroll_short(department(tmp_path, "OPS", "2026-09"))
    os.utime(old, (OLD, OLD))
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    assert source(report, "OPS_2026-09.xlsx") == (
        "other-period", "for period 2026-09; not part of this report")
    assert exceptions_of(report, "OPS_2026-09.xlsx") == []


@pytest.mark.parametrize("read_first", [False, True])
def test_flipped_compressed_bytes_are_a_damaged_file_not_a_crash(
    tmp_path: Path, read_first: bool
) -> None:
    # Read first (newest), the September workbook is read in full before October
    # is seen; read last, only as far as its Info sheet. Either way: no crash.
    for code in ("FIN", "HR"):
        os.utime(department(tmp_path, code), (OLD + 10, OLD + 10))
    old = flip_payroll_bytes(department(tmp_path, "OPS", "2026-09", employees=400,
                                        extra_sheets=("Notes",)))
    os.utime(old, (OLD + 20, OLD + 20) if read_first else (OLD, OLD))
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    assert report.period == "2026-10"
    ops = next(s for s in report.sources if s.path.name == "OPS_2026-09.xlsx")
    # The same whether it was read in full (and found damaged) or to its Info sheet only.
    assert (ops.status, ops.period, ops.sheets, ops.extra_sheets) == ("other-period", "2026-09", [], [])
    assert sorted(s.department for s in report.submissions if s.received) == ["FIN", "HR"]


def test_what_changed_passes_over_an_earlier_copy_that_cannot_be_read(tmp_path: Path) -> None:
    department(tmp_path, "FIN")
    os.utime(department(tmp_path, "FIN", "2026-09"), (OLD, OLD))
    copy = write_workbook(tmp_path / "FIN_2026-09 - Copy.xlsx", clean_department(
        code="FIN", name="Dept FIN", period="2026-09", rows={"Payroll": payroll_rows(id_prefix="F")}))
    os.utime(cut_payroll_short(copy), (OLD + 10, OLD + 10))  # the later of the two
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    fin = next(s for s in report.submissions if s.department == "FIN")
    assert fin.compared_with == "2026-09"


def test_what_changed_with_only_unreadable_earlier_workbooks_says_so(tmp_path: Path) -> None:
    department(tmp_path, "FIN")
    os.utime(cut_payroll_short(department(tmp_path, "FIN", "2026-09")), (OLD, OLD))
    versions = tmp_path / ".versions"
    versions.mkdir()
    (versions / "FIN_2026-10 2026-10-30 0900.xlsx").mkdir()  # a folder with a workbook's name
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    fin = next(s for s in report.submissions if s.department == "FIN")
    assert (fin.compared_with, fin.changes) == ("earlier version of 2026-10 (2026-10-30 0900) "
                                                "(unreadable)", [])


def with_a_time_out_of_range(path: Path, sheet: str) -> Path:
    """A cell formatted as a duration holding 10^12 days: python-calamine cannot
    convert it (OverflowError), though the file is otherwise sound."""
    book = openpyxl.load_workbook(path)
    cell = book[sheet]["Z40"]
    cell.value = 1e12
    cell.number_format = "[h]:mm:ss"
    book.save(path)
    return path


OUT_OF_RANGE = ("The sheet {} holds a value that cannot be read (such as a date or time out of "
                "range); ask for the workbook to be checked and saved again")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_value_out_of_range_in_an_info_sheet_is_named(tmp_path: Path, workers: int) -> None:
    for code in ("FIN", "HR", "IT", "OPS"):
        department(tmp_path, code)
    with_a_time_out_of_range(department(tmp_path, "PROC"), "Info")
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=workers)
    message = OUT_OF_RANGE.format("Info")
    assert source(report, "PROC_2026-10.xlsx") == ("unreadable", message)
    assert exceptions_of(report, "PROC_2026-10.xlsx") == [("not-a-workbook", message)]


@pytest.mark.parametrize(("read_first", "planned"), [(False, True), (True, True), (False, False)])
def test_an_earlier_workbook_that_cannot_be_read_costs_only_the_comparison(
    tmp_path: Path, read_first: bool, planned: bool
) -> None:
    # Compared while Finance's October workbook is read (planned from the first
    # look), or afterwards (a damaged November workbook made November the likely
    # period): either way October counts, and only what changed is unknown.
    department(tmp_path, "FIN")
    department(tmp_path, "HR")
    if not planned:
        cut_payroll_short(department(tmp_path, "HR", "2026-11"))
    old = with_a_time_out_of_range(department(tmp_path, "FIN", "2026-09"), "Payroll")
    stamp = OLD + 10**9 if read_first else OLD
    os.utime(old, (stamp, stamp))
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    assert report.period == "2026-10"
    assert source(report, "FIN_2026-10.xlsx")[0] == "included"
    assert source(report, "FIN_2026-09.xlsx") == (
        "other-period", "for period 2026-09; not part of this report")
    fin = next(s for s in report.submissions if s.department == "FIN")
    assert (fin.compared_with, fin.changes) == ("2026-09 (unreadable)", [])


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc/self/fd")
def test_reading_a_damaged_workbook_lets_go_of_its_file(tmp_path: Path) -> None:
    # A failed read is kept for a retry (read_when_stable) while garbage collection
    # is paused: it must not hold the file open (on Windows, no one could save it).
    damaged = _rewrite_part(department(tmp_path, "FIN"), "xl/worksheets/sheet1.xml",
                            lambda data: data[: len(data) // 2])
    open_files = len(os.listdir("/proc/self/fd"))
    gc.disable()  # as during a consolidation
    try:
        for _ in range(5):
            partial = read_partial(damaged, OrgConfig(), TODAY, wanted=WantedPeriods(None, None))
            assert partial.failure is not None
        assert len(os.listdir("/proc/self/fd")) == open_files
    finally:
        gc.enable()


# --- Readers that fail ------------------------------------------------------------------------

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork",
    reason="the failing reader is patched into the parent, which only forked workers inherit",
)


def _failing_reader(monkeypatch: pytest.MonkeyPatch, failure: Callable[[], object],
                    reader: str = "_read_partial") -> None:
    """Reading any workbook whose name holds FAILS calls ``failure`` instead (``reader``:
    the function of :mod:`addin.consolidation.partials` that fails)."""
    read = getattr(partials_module, reader)

    def failing(path: Path, *args: Any) -> Any:
        if "FAILS" in path.name:
            failure()
        return read(path, *args)

    monkeypatch.setattr(partials_module, reader, failing)


@needs_fork
@pytest.mark.parametrize("on_first_look", [False, True])
def test_a_reader_process_that_dies_costs_its_workbook_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_first_look: bool
) -> None:
    # As when the system kills a worker for memory, or a reader crashes on a file:
    # the workbooks the pool had in hand are read again, each alone. Dying on the
    # first look at the Info sheets too, the comparisons it would have planned are
    # made afterwards instead.
    for code in ("FIN", "HR", "IT", "OPS", "LEGAL", "ADMIN"):
        department(tmp_path, code)
    for code in ("FIN", "HR"):
        os.utime(department(tmp_path, code, "2026-09"), (OLD, OLD))
    write_workbook(tmp_path / "PROC_2026-10 FAILS.xlsx", clean_department(
        code="PROC", rows={"Payroll": payroll_rows(id_prefix="P")}))
    _failing_reader(monkeypatch, lambda: os._exit(1))
    if on_first_look:
        _failing_reader(monkeypatch, lambda: os._exit(1), "read_info")
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=2)
    assert sorted(s.department for s in report.submissions if s.received) == [
        "ADMIN", "FIN", "HR", "IT", "LEGAL", "OPS"]
    assert {s.department: s.compared_with for s in report.submissions if s.compared_with} == {
        "FIN": "2026-09", "HR": "2026-09"}
    message = ("The process reading it stopped (the computer ran out of memory, or the file is "
               "damaged in a way the reader cannot handle); it is left out of the report: open it "
               "in Excel and save it again")
    assert source(report, "PROC_2026-10 FAILS.xlsx") == ("unreadable", message)
    assert exceptions_of(report, "PROC_2026-10 FAILS.xlsx") == [("reader-stopped", message)]
    assert all(c.read == c.accepted for s in report.sources for c in s.sheets)


@needs_fork
def test_a_reader_that_dies_while_a_result_is_handled_costs_its_workbook_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool breaks while the parent is busy with an earlier result (a slow
    # progress display): the next workbook is handed to a pool that is already
    # broken. It is read again too.
    for offset, code in enumerate(("FIN", "HR", "IT", "OPS", "LEGAL", "ADMIN")):
        os.utime(department(tmp_path, code), (OLD + offset, OLD + offset))
    failing = write_workbook(tmp_path / "PROC_2026-10 FAILS.xlsx", clean_department(
        code="PROC", rows={"Payroll": payroll_rows(id_prefix="P")}))
    os.utime(failing, (OLD + 10, OLD + 10))  # read first

    def die_soon() -> None:
        time.sleep(0.3)
        os._exit(1)

    _failing_reader(monkeypatch, die_soon)
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=2,
                          progress=lambda _: time.sleep(0.5))
    assert sorted(s.department for s in report.submissions if s.received) == [
        "ADMIN", "FIN", "HR", "IT", "LEGAL", "OPS"]
    assert source(report, "PROC_2026-10 FAILS.xlsx")[0] == "unreadable"


@pytest.mark.parametrize("read_first", [False, True])
def test_an_unexpected_error_on_an_earlier_workbook_leaves_it_out_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_first: bool
) -> None:
    # Read in full (first) or to its Info sheet (last): the same outcome.
    for code in ("FIN", "HR"):
        os.utime(department(tmp_path, code), (OLD + 10, OLD + 10))
    old = write_workbook(tmp_path / "OPS_2026-09 FAILS.xlsx", clean_department(
        code="OPS", period="2026-09", rows={"Payroll": payroll_rows(id_prefix="O")}))
    os.utime(old, (OLD + 20, OLD + 20) if read_first else (OLD, OLD))

    def defect() -> None:
        raise KeyError("Budget")

    _failing_reader(monkeypatch, defect)
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=1)
    assert source(report, "OPS_2026-09 FAILS.xlsx") == (
        "other-period", "for period 2026-09; not part of this report")
    assert exceptions_of(report, "OPS_2026-09 FAILS.xlsx") == []


@pytest.mark.parametrize("workers", [1, 2])
def test_an_unexpected_error_costs_its_workbook_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    if workers > 1 and multiprocessing.get_start_method() != "fork":
        pytest.skip("the failing reader is patched into the parent, which only forked workers inherit")
    for code in ("FIN", "HR", "IT", "OPS"):
        department(tmp_path, code)
    write_workbook(tmp_path / "PROC_2026-10 FAILS.xlsx", clean_department(
        code="PROC", rows={"Payroll": payroll_rows(id_prefix="P")}))

    def defect() -> None:
        raise KeyError("Budget")

    _failing_reader(monkeypatch, defect)
    report = build_report(tmp_path, config=OrgConfig(), today=TODAY, workers=workers)
    assert sorted(s.department for s in report.submissions if s.received) == [
        "FIN", "HR", "IT", "OPS"]
    assert exceptions_of(report, "PROC_2026-10 FAILS.xlsx") == [(
        "reader-stopped", "Reading it failed unexpectedly (KeyError: 'Budget'); this is a defect "
        "in backoffice: please report it, with the file if you can")]
