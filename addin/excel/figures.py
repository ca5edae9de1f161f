"""The organisation report's headline figures, for ``BO_ORG``.

``BO_ORG`` answers from the newest report it can find, in two places:

* the scheduler's run history (``scheduler.history``, SQLite, opened read-only):
  the latest succeeded run's report workbook, whose Summary sheet is read
  once and kept until the file changes;
* the Consolidate button's own record: one small JSON file per run in
  ``<reports>/.figures/`` (``<PERIOD> <YYYY-MM-DD HHMMSS>.json``), holding the
  Summary table and its Total row with exact decimal amounts. One file per
  run means no file is ever written by two people at once.

Nothing here writes to the history or to a report.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from python_calamine import CalamineError, CalamineWorkbook

from addin.cells import decimal_from_float
from addin.columns import normalise_header
from addin.files import write_atomically

FIGURES_FOLDER: Final = ".figures"
FIGURES_VERSION: Final = 1

TEXT_COLUMNS: Final = ("Department Code", "Department Name", "Currency")
"""Summary columns that are labels, not figures."""

METRICS: Final[tuple[str, ...]] = (
    "Budget", "Actual", "Variance", "Variance %", "Headcount", "Gross Pay", "Net Pay",
    "Stock Value", "Items To Reorder", "Events", "Booking Conflicts",
)
"""The figures ``BO_ORG`` can return: the report's Summary columns."""

_FILE_NAME: Final = re.compile(r"^(\d{4}-\d{2}) (\d{4}-\d{2}-\d{2} \d{6})\.json$")

Figure = Decimal | int | None


@dataclass(frozen=True, slots=True)
class OrgFigures:
    """One report's Summary: figures by department code, and the Total row."""

    organisation: str
    period: str
    reporting_currency: str
    generated_at: datetime
    report_path: str
    departments: dict[str, dict[str, Figure]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # code -> department name
    totals: dict[str, Figure] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "figures_version": FIGURES_VERSION,
            "organisation": self.organisation,
            "period": self.period,
            "reporting_currency": self.reporting_currency,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "report_path": self.report_path,
            "names": self.names,
            "departments": {code: _dump(values) for code, values in self.departments.items()},
            "totals": _dump(self.totals),
        }


def _dump(values: dict[str, Figure]) -> dict[str, str | int | None]:
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def _load(values: object) -> dict[str, Figure]:
    loaded: dict[str, Figure] = {}
    if not isinstance(values, dict):
        return loaded
    for key, value in values.items():
        if isinstance(value, bool) or value is None:
            loaded[str(key)] = None
        elif isinstance(value, int):
            loaded[str(key)] = value
        else:
            try:
                loaded[str(key)] = Decimal(str(value))
            except InvalidOperation:
                loaded[str(key)] = None
    return loaded


def from_json(data: dict[str, Any]) -> OrgFigures:
    departments = data.get("departments") or {}
    return OrgFigures(
        organisation=str(data.get("organisation", "")),
        period=str(data["period"]),
        reporting_currency=str(data.get("reporting_currency", "")),
        generated_at=datetime.fromisoformat(str(data["generated_at"])),
        report_path=str(data.get("report_path", "")),
        departments={str(code): _load(values) for code, values in departments.items()},
        names={str(k): str(v) for k, v in (data.get("names") or {}).items()},
        totals=_load(data.get("totals")),
    )


def _figure(value: object) -> Figure:
    """A Summary cell as a figure: Decimal amounts, whole counts, blanks as None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):  # NaN: a blank in a DataFrame
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else Decimal(repr(value))
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def figures_from_report(report: Any, report_path: Path | str) -> OrgFigures:
    """The figures of a :class:`addin.consolidation.model.ConsolidatedReport`."""
    departments: dict[str, dict[str, Figure]] = {}
    names: dict[str, str] = {}
    for record in report.summary.to_dict(orient="records"):
        code = str(record.get("Department Code", "")).strip()
        if not code:
            continue
        names[code] = str(record.get("Department Name", "") or "")
        departments[code] = {m: _figure(record.get(m)) for m in METRICS if m in record}
    totals = {m: _figure(report.totals.get(m)) for m in METRICS if m in report.totals}
    return OrgFigures(
        organisation=str(report.organisation),
        period=str(report.period),
        reporting_currency=str(report.reporting_currency),
        generated_at=report.generated_at,
        report_path=str(report_path),
        departments=departments,
        names=names,
        totals=totals,
    )


def figures_folder(reports: Path) -> Path:
    return reports / FIGURES_FOLDER


def record_run(figures: OrgFigures, reports: Path) -> Path:
    """Keep ``figures`` as the newest entry of the history under ``reports``."""
    folder = figures_folder(reports)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{figures.period} {figures.generated_at:%Y-%m-%d %H%M%S}.json"
    content = json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_atomically(target, content.encode("utf-8"))
    return target


def _entries(folder: Path) -> list[tuple[str, str, Path]]:
    found: list[tuple[str, str, Path]] = []
    try:
        names = [entry.name for entry in folder.iterdir()]
    except OSError:
        return found
    for name in names:
        match = _FILE_NAME.match(name)
        if match:
            found.append((match.group(1), match.group(2), folder / name))
    return found


class _FiguresCache:
    """The newest figures per (folder, period), re-read when the folder changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[Path, str], tuple[int, OrgFigures | None]] = {}

    def latest(self, reports: Path, period: str | None) -> OrgFigures | None:
        folder = figures_folder(reports)
        try:
            stamp = folder.stat().st_mtime_ns
        except OSError:
            return None
        key = (folder, period or "")
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        figures = _read_latest(folder, period)
        with self._lock:
            self._cache[key] = (stamp, figures)
        return figures


def _read_latest(folder: Path, period: str | None) -> OrgFigures | None:
    # Newest run first: for one period by run time; overall by period, then run time.
    entries = sorted(
        (e for e in _entries(folder) if period is None or e[0] == period),
        key=lambda e: (e[0], e[1]) if period is None else (e[1], e[0]),
        reverse=True,
    )
    for _, _, path in entries:
        try:
            return from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged entry: fall back to the one before
    return None


_CACHE = _FiguresCache()


def metric_named(name: str) -> str | None:
    """The Summary column for ``name`` (case and spaces ignored), or ``None``."""
    wanted = normalise_header(name)
    return next((m for m in METRICS if normalise_header(m) == wanted), None)


def department_code(figures: OrgFigures, name: str) -> str | None:
    """The department code for a code or a department name (case ignored)."""
    wanted = normalise_header(name)
    for code in figures.departments:
        if normalise_header(code) == wanted:
            return code
    for code, full_name in figures.names.items():
        if normalise_header(full_name) == wanted:
            return code
    return None


# --- Report workbooks ------------------------------------------------------------------------------

SUMMARY_SHEET: Final = "Summary"
_CURRENCY_SUFFIX: Final = re.compile(r"\s*\([A-Z]{3}\)$")


def _report_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _report_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value.strip())
    return None


def _report_figure(value: object, metric: str) -> Figure:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        if metric in COUNT_METRICS and value.is_integer():
            return int(value)
        return decimal_from_float(value)
    return None


COUNT_METRICS: Final = frozenset({"Headcount", "Items To Reorder", "Events", "Booking Conflicts"})


def read_report_figures(path: Path) -> OrgFigures | None:
    """The Summary of a report workbook written by :mod:`addin.report`, or ``None``.

    The Summary sheet has label/value pairs at the top (Period, Reporting
    currency, Generated at), then the department table, whose header row
    starts with Department Code (money headers carry the currency, "Budget
    (USD)"), and its Total row.
    """
    try:
        book = CalamineWorkbook.from_path(str(path))
        if SUMMARY_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(SUMMARY_SHEET).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError):
        return None
    labels: dict[str, object] = {}
    header: list[str] | None = None
    departments: dict[str, dict[str, Figure]] = {}
    names: dict[str, str] = {}
    totals: dict[str, Figure] = {}
    for cells in rows:
        first = _report_text(cells[0]) if cells else ""
        if header is None:
            found = [_CURRENCY_SUFFIX.sub("", _report_text(c)) for c in cells]
            # "Not received" and "Received late" lists start with Department Code too.
            if first == "Department Code" and "Budget" in found and "Actual" in found:
                header = found
            elif first and len(cells) > 1:
                labels.setdefault(first, cells[1])
            continue
        if not first:
            continue
        values = {name: cells[i] for i, name in enumerate(header) if i < len(cells) and name}
        figures: dict[str, Figure] = {
            m: _report_figure(values.get(m), m) for m in METRICS if m in values
        }
        if first == "Total":
            totals = figures
            break
        departments[first] = figures
        names[first] = _report_text(values.get("Department Name"))
    period = _report_text(labels.get("Period"))
    generated = _report_moment(labels.get("Generated at"))
    if header is None or not period or generated is None:
        return None
    return OrgFigures(
        organisation="", period=period,
        reporting_currency=_report_text(labels.get("Reporting currency")),
        generated_at=generated, report_path=str(path), departments=departments, names=names,
        totals=totals,
    )


class _ReportCache:
    """Report figures by path, re-read when the file's time or size changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], OrgFigures | None]] = {}

    def get(self, path: Path) -> OrgFigures | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        figures = read_report_figures(path)
        with self._lock:
            self._cache[path] = (stamp, figures)
        return figures


_REPORTS = _ReportCache()


# --- The scheduler's history ---------------------------------------------------------------------

SUCCEEDED: Final = "succeeded"  # addin.scheduling.history.SUCCEEDED


def scheduled_reports(history: Path, period: str | None = None, limit: int = 20) -> list[Path]:
    """Report paths of the scheduler's latest succeeded runs, newest first.

    The history is opened read-only: a worksheet function must never take a
    lock the scheduler is waiting for, nor create the file.
    """
    if not history.is_file():
        return []
    sql = "SELECT report_path FROM runs WHERE status = ? AND report_path IS NOT NULL"
    params: list[object] = [SUCCEEDED]
    if period:
        sql += " AND period = ?"
        params.append(period)
    sql += " ORDER BY ended DESC, id DESC LIMIT ?"
    params.append(limit)
    try:
        connection = sqlite3.connect(f"{history.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except (sqlite3.Error, ValueError):
        return []
    try:
        found = connection.execute(sql, params).fetchall()
    except sqlite3.Error:
        return []
    finally:
        connection.close()
    return [Path(str(row[0])) for row in found]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()


def latest_figures(
    *, reports: Path | None, history: Path | None, period: str | None = None
) -> OrgFigures | None:
    """The newest figures from the Consolidate button's record or the scheduler's reports."""
    candidates: list[OrgFigures] = []
    if reports is not None:
        recorded = _CACHE.latest(reports, period)
        if recorded is not None:
            candidates.append(recorded)
    if history is not None:
        for path in scheduled_reports(history, period):
            found = _REPORTS.get(path)
            if found is not None and (period is None or found.period == period):
                candidates.append(found)
                break
    if not candidates:
        return None
    # Without a period asked for, the latest period wins, then the latest run.
    return max(candidates, key=lambda f: (f.period, _aware(f.generated_at)) if period is None
               else (_aware(f.generated_at), f.period))
