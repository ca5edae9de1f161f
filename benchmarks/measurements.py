"""The measurements, each run in a fresh subprocess: the project, the naive script and the
two parse floors, with their wall time, CPU time and peak memory."""

from __future__ import annotations

import cProfile
import importlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.organisation import DATA_SHEETS, PERIOD, RATES, TODAY, Organisation, org_config

# --- Measurements (each in its own subprocess) ---------------------------------------------


def workbook_paths(inbox: Path) -> list[Path]:
    return sorted(inbox.glob("*.xlsx"))


def run_calamine_floor(inbox: Path) -> dict[str, Any]:
    """python-calamine: every cell of every sheet of every file into Python values; nothing else."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in workbook_paths(inbox):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in rows)
    return {"cells": cells}


def run_fastexcel_floor(inbox: Path) -> dict[str, Any]:
    """fastexcel: every sheet of every file into an Arrow record batch; nothing else."""
    import fastexcel

    rows = 0
    for path in workbook_paths(inbox):
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name)
            # The Arrow PyCapsule interface builds the record batch without needing pyarrow.
            sheet.__arrow_c_array__()
            rows += sheet.height
    return {"rows": rows}


def run_naive(inbox: Path, out: Path) -> dict[str, Any]:
    """What an analyst would write: read every sheet with pandas + openpyxl, concat, group, save."""
    import pandas as pd

    frames: dict[str, list[pd.DataFrame]] = {sheet: [] for sheet in DATA_SHEETS}
    for path in workbook_paths(inbox):
        info = pd.read_excel(path, sheet_name="Info", header=None, engine="openpyxl")
        meta = dict(zip(info[0], info[1], strict=True))
        for sheet in DATA_SHEETS:
            frame = pd.read_excel(path, sheet_name=sheet, engine="openpyxl")
            frame["Department"] = meta["Department Code"]
            frame["Currency"] = meta["Currency"]
            frames[sheet].append(frame)
    data = {sheet: pd.concat(parts, ignore_index=True) for sheet, parts in frames.items()}
    per_usd = {"USD": 1.0, **{code: float(rate) for code, rate in RATES[PERIOD].items()}}

    def number(frame: pd.DataFrame, column: str) -> pd.Series:
        return pd.to_numeric(frame[column], errors="coerce")

    def usd(frame: pd.DataFrame, column: str) -> pd.Series:
        return number(frame, column) / frame["Currency"].map(per_usd)

    budget = data["Budget"]
    budget["Budget USD"] = usd(budget, "Budget")
    budget["Actual USD"] = usd(budget, "Actual")
    by_category = budget.groupby(["Department", "Category"], as_index=False)[
        ["Budget USD", "Actual USD"]].sum()
    by_category["Variance USD"] = by_category["Actual USD"] - by_category["Budget USD"]
    by_month = budget.groupby("Period", as_index=False)[["Budget USD", "Actual USD"]].sum()

    payroll = data["Payroll"]
    base = number(payroll, "Base Salary")
    overtime = number(payroll, "Overtime Hours").fillna(0) * base / 160 * 1.5
    payroll["Gross USD"] = (base + number(payroll, "Allowances").fillna(0) + overtime) \
        / payroll["Currency"].map(per_usd)
    pay = payroll.groupby(["Department", "Employment Type"], as_index=False).agg(
        Headcount=("Employee ID", "count"), Gross=("Gross USD", "sum"))

    inventory = data["Inventory"]
    inventory["Stock Value USD"] = number(inventory, "Quantity On Hand") * usd(inventory, "Unit Cost")
    stock = inventory.groupby(["Department", "Category"], as_index=False).agg(
        Items=("SKU", "count"), Value=("Stock Value USD", "sum"))

    schedule = data["Schedule"]
    schedule["Attendees"] = number(schedule, "Attendees")
    events = schedule.groupby(["Department", "Type"], as_index=False).agg(
        Events=("Event ID", "count"), Attendees=("Attendees", "sum"))

    results = {"Budget by category": by_category, "Budget by month": by_month, "Payroll": pay,
               "Inventory": stock, "Schedule": events}
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, result in results.items():
            result.to_excel(writer, sheet_name=name, index=False)
    return {"rows_read": sum(len(frame) for frame in data.values())}


def project_mode() -> tuple[str, str]:
    """("consolidate", "") when addin.report.write_report exists, else ("build_report", why)."""
    try:
        report = importlib.import_module("addin.report")
    except ImportError as exc:
        return "build_report", f"addin.report cannot be imported ({exc})"
    if not hasattr(report, "write_report"):
        return "build_report", "addin.report has no write_report yet"
    return "consolidate", ""


def run_project(inbox: Path, out: Path, count: int, workers: int | None,
                mode: str) -> dict[str, Any]:
    from addin.consolidation import build_report, consolidate

    config = org_config(count)
    phases: dict[str, float] = {}
    if mode == "consolidate":
        run = consolidate(inbox, out, config=config, period=PERIOD, today=TODAY, workers=workers)
        report, phases = run.report, dict(getattr(run, "seconds", {}))
    else:
        report = build_report(inbox, config=config, period=PERIOD, today=TODAY, workers=workers)
    counts = [c for source in report.sources for c in source.sheets]
    severities = Counter(str(s) for s in report.exceptions["Severity"])
    return {
        "mode": mode,
        "included": sum(1 for s in report.sources if s.status == "included"),
        "files": len(report.sources),
        "rows_read": sum(c.read for c in counts),
        "rows_accepted": sum(c.accepted for c in counts),
        "rows_rejected": sum(c.rejected for c in counts),
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
        "conflicts": len(report.conflicts),
        "phases": phases,  # the project's own timing of its steps (reading, ..., writing)
    }


def run_project_cprofile(inbox: Path, out: Path, count: int, mode: str) -> dict[str, Any]:
    """The project in this one process (workers=1) under cProfile; stats saved next to ``out``."""
    from addin.consolidation import build_report, consolidate

    config = org_config(count)
    profiler = cProfile.Profile()
    profiler.enable()
    if mode == "consolidate":
        consolidate(inbox, out, config=config, period=PERIOD, today=TODAY, workers=1)
    else:
        build_report(inbox, config=config, period=PERIOD, today=TODAY, workers=1)
    profiler.disable()
    stats_path = out.with_suffix(".pstats")
    profiler.dump_stats(stats_path)
    return {"stats": str(stats_path)}


class TreeSampler(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (Linux /proc).

    Pages that forked workers share with their parent count once per process, so
    this overestimates. (PSS would not, but reading smaps_rollup walks every page
    table: on a 1 GB process it cost a measurable share of a core, so it is not read.)
    """

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss = 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self.available = Path(f"/proc/{os.getpid()}/task").is_dir()

    def run(self) -> None:
        while self.available and not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()
        if self.available:
            self.sample()

    def sample(self) -> None:
        rss = 0
        for pid in self._tree(os.getpid()):
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    rss += int(handle.read().split()[1]) * self._page
            except (OSError, ValueError, IndexError):
                continue
        self.peak_rss = max(self.peak_rss, rss)

    @staticmethod
    def _tree(root: int) -> list[int]:
        found, stack = [], [root]
        while stack:
            pid = stack.pop()
            found.append(pid)
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        stack.extend(int(child) for child in handle.read().split())
                except OSError:
                    continue
        return found


def _self_peak_bytes() -> int:
    """This process's own peak RSS.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is not used for it: across fork and exec
    Linux carries over the parent's high-water mark, so a small process started
    by a big one would report the big one's peak. VmHWM belongs to this
    process's own address space.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _maxrss_bytes(resource.RUSAGE_SELF)


def _own_cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _machine_cpu_seconds() -> float | None:
    """CPU time every process on the machine has used since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    ticks = [int(v) for v in fields[1:9]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _maxrss_bytes(who: int) -> int:
    value = resource.getrusage(who).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


def measure_here(kind: str, inbox: Path, out: Path, count: int, workers: int | None) -> dict[str, Any]:
    """Run one measurement in this (fresh) process and return its figures."""
    if kind == "mode":
        mode, why = project_mode()
        return {"kind": kind, "mode": mode, "why": why}
    sampler = TreeSampler()
    sampler.start()
    run: Callable[[], dict[str, Any]]
    if kind == "project":
        mode, _ = project_mode()
        importlib.import_module("addin.consolidation")
        run = lambda: run_project(inbox, out, count, workers, mode)  # noqa: E731
    elif kind == "project-build-report":  # by hand: the project without writing the report
        importlib.import_module("addin.consolidation")
        run = lambda: run_project(inbox, out, count, workers, "build_report")  # noqa: E731
    elif kind == "project-cprofile":
        mode, _ = project_mode()
        importlib.import_module("addin.consolidation")
        run = lambda: run_project_cprofile(inbox, out, count, mode)  # noqa: E731
    elif kind == "naive":
        importlib.import_module("pandas")
        importlib.import_module("openpyxl")
        run = lambda: run_naive(inbox, out)  # noqa: E731
    elif kind == "calamine":
        importlib.import_module("python_calamine")
        run = lambda: run_calamine_floor(inbox)  # noqa: E731
    elif kind == "fastexcel":
        importlib.import_module("fastexcel")
        run = lambda: run_fastexcel_floor(inbox)  # noqa: E731
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    machine_before, own_before = _machine_cpu_seconds(), _own_cpu_seconds()
    started = time.perf_counter()
    detail = run()
    seconds = time.perf_counter() - started
    machine_after, own_after = _machine_cpu_seconds(), _own_cpu_seconds()
    sampler.stop()
    own = own_after - own_before
    others = None
    if machine_before is not None and machine_after is not None:
        others = max(0.0, machine_after - machine_before - own)
    return {"kind": kind, "seconds": seconds, "cpu_seconds": own, "other_cpu_seconds": others,
            "self_bytes": _self_peak_bytes(),
            "children_bytes": _maxrss_bytes(resource.RUSAGE_CHILDREN),
            "tree_bytes": sampler.peak_rss, "detail": detail}


@dataclass(frozen=True, slots=True)
class Measurement:
    kind: str
    seconds: float
    cpu_seconds: float  # this process and its workers
    other_cpu_seconds: float | None  # every other process on the machine, same interval
    self_bytes: int
    children_bytes: int
    tree_bytes: int  # sampled summed RSS of the process tree; 0 where /proc is missing
    detail: dict[str, Any]

    @property
    def other_cores(self) -> float | None:
        """How many cores other processes kept busy on average: noise in the timing."""
        if self.other_cpu_seconds is None or not self.seconds:
            return None
        return self.other_cpu_seconds / self.seconds

    @property
    def rusage_mb(self) -> float:
        """Peak RSS of the process plus the largest of its children (getrusage)."""
        return (self.self_bytes + self.children_bytes) / 2**20

    @property
    def tree_mb(self) -> float:
        return self.tree_bytes / 2**20

    @property
    def peak_mb(self) -> float:
        """The larger of the two estimates: what the memory target is judged on."""
        return max(self.rusage_mb, self.tree_mb)


RESULT_PREFIX = "BENCH-RESULT "
REPO = Path(__file__).resolve().parents[1]


def measure_command(kind: str, org: Organisation, out: Path, workers: int | None) -> list[str]:
    command = [sys.executable, "-m", "benchmarks.consolidate_bench", "--measure", kind,
               "--inbox", str(org.inbox), "--out", str(out), "--departments", str(org.departments)]
    if workers is not None:
        command += ["--workers", str(workers)]
    return command


def project_mode_elsewhere() -> tuple[str, str]:
    """:func:`project_mode`, found in a subprocess: this driver stays small (see _self_peak_bytes)."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.consolidate_bench", "--measure", "mode"], cwd=REPO,
        capture_output=True, text=True, check=True)
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX))
    found = json.loads(line[len(RESULT_PREFIX):])
    return str(found["mode"]), str(found["why"])


def measure(kind: str, org: Organisation, out: Path, workers: int | None) -> Measurement:
    """Run measurement ``kind`` in a fresh subprocess."""
    completed = subprocess.run(measure_command(kind, org, out, workers), cwd=REPO,
                               capture_output=True, text=True, check=False)
    sys.stderr.write(completed.stderr)
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"measurement {kind} failed (exit {completed.returncode}):\n"
                           f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return Measurement(**json.loads(lines[-1][len(RESULT_PREFIX):]))
