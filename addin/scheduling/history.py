"""The run history: one SQLite file (standard library, WAL mode) beside the configuration.

Every slot of every job that the scheduler dealt with is one row, keyed by
``(job, scheduled)``: a UNIQUE constraint makes "a slot runs at most once" a
property of the database, true across restarts and clock changes. A row is
inserted as ``running`` before the run starts and finished with its outcome;
rows still ``running`` when a scheduler starts belong to one that died and are
marked ``interrupted`` (:meth:`History.interrupt_running`).

Times are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from addin.scheduling.runner import RunResult

if TYPE_CHECKING:
    from addin.settings import OrgConfig

RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
INTERRUPTED = "interrupted"
SKIPPED_OVERLAP = "skipped-overlap"
SKIPPED_LATE = "skipped-late"
STATUSES = (RUNNING, SUCCEEDED, FAILED, INTERRUPTED, SKIPPED_OVERLAP, SKIPPED_LATE)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    scheduled TEXT NOT NULL,
    status TEXT NOT NULL,
    catch_up INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    started TEXT,
    ended TEXT,
    period TEXT,
    report_path TEXT,
    report_sha256 TEXT,
    rows_read INTEGER,
    rows_accepted INTEGER,
    rows_rejected INTEGER,
    issues INTEGER,
    error TEXT,
    note TEXT,
    pid INTEGER,
    UNIQUE (job, scheduled)
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
"""
_COLUMNS = (
    "id, job, scheduled, status, catch_up, attempts, started, ended, period, report_path, "
    "report_sha256, rows_read, rows_accepted, rows_rejected, issues, error, note, pid"
)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of the history."""

    id: int
    job: str
    scheduled: datetime
    status: str
    catch_up: bool
    attempts: int
    started: datetime | None
    ended: datetime | None
    period: str | None
    report_path: str | None
    report_sha256: str | None
    rows_read: int | None
    rows_accepted: int | None
    rows_rejected: int | None
    issues: int | None
    error: str | None
    note: str | None
    pid: int | None


def _text(moment: datetime | None, timespec: str = "milliseconds") -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec=timespec)


def slot_key(scheduled: datetime) -> str:
    """The text stored for a slot: what makes ``(job, scheduled)`` unique."""
    return scheduled.astimezone(UTC).isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _record(row: sqlite3.Row) -> RunRecord:
    scheduled = datetime.fromisoformat(row["scheduled"])
    return RunRecord(
        id=row["id"], job=row["job"], scheduled=scheduled, status=row["status"],
        catch_up=bool(row["catch_up"]), attempts=row["attempts"],
        started=_moment(row["started"]), ended=_moment(row["ended"]), period=row["period"],
        report_path=row["report_path"], report_sha256=row["report_sha256"],
        rows_read=row["rows_read"], rows_accepted=row["rows_accepted"],
        rows_rejected=row["rows_rejected"], issues=row["issues"], error=row["error"],
        note=row["note"], pid=row["pid"],
    )


class History:
    """The run history in the SQLite file at ``path`` (created if missing)."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def claim(
        self, job: str, scheduled: datetime, *, started: datetime, catch_up: bool = False,
        period: str | None = None, report_path: Path | None = None, note: str | None = None,
        pid: int | None = None,
    ) -> int | None:
        """Insert the slot as ``running``; ``None`` if the slot already has a row."""
        cursor = self._db.execute(
            "INSERT INTO runs (job, scheduled, status, catch_up, started, period, report_path, "
            "note, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, scheduled) DO NOTHING",
            (job, slot_key(scheduled), RUNNING, int(catch_up), _text(started), period,
             None if report_path is None else str(report_path), note, pid),
        )
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def record(
        self, job: str, scheduled: datetime, status: str, *, at: datetime, catch_up: bool = False,
        note: str | None = None, error: str | None = None,
    ) -> int | None:
        """Insert a slot that was not run (``skipped-*``); ``None`` if it already has a row."""
        cursor = self._db.execute(
            "INSERT INTO runs (job, scheduled, status, catch_up, ended, note, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, scheduled) DO NOTHING",
            (job, slot_key(scheduled), status, int(catch_up), _text(at), note, error),
        )
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def attempt(self, run_id: int, attempts: int, error: str | None = None) -> None:
        """Note that attempt number ``attempts`` is starting (``error``: the previous one's)."""
        self._db.execute(
            "UPDATE runs SET attempts = ?, error = coalesce(?, error) WHERE id = ?",
            (attempts, error, run_id),
        )

    def finish(
        self, run_id: int, status: str, *, ended: datetime, result: RunResult | None = None,
        error: str | None = None, note: str | None = None,
    ) -> None:
        """Record the outcome of a claimed run."""
        values: dict[str, object] = {"status": status, "ended": _text(ended), "error": error}
        if result is not None:
            values.update(
                report_path=None if result.report_path is None else str(result.report_path),
                report_sha256=result.sha256, rows_read=result.rows_read,
                rows_accepted=result.rows_accepted, rows_rejected=result.rows_rejected,
                issues=result.issues,
            )
        if note:
            self._db.execute(
                "UPDATE runs SET note = CASE WHEN note IS NULL OR note = '' THEN ? "
                "ELSE note || '; ' || ? END WHERE id = ?",
                (note, note, run_id),
            )
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._db.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*values.values(), run_id))  # noqa: S608

    def interrupt_running(self, *, ended: datetime, note: str) -> list[RunRecord]:
        """Mark every ``running`` row ``interrupted``: call only while holding the scheduler lock."""
        with self._transaction():
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM runs WHERE status = ? ORDER BY id", (RUNNING,)  # noqa: S608
            ).fetchall()
            self._db.execute(
                "UPDATE runs SET status = ?, ended = coalesce(ended, ?), "
                "note = CASE WHEN note IS NULL OR note = '' THEN ? ELSE note || '; ' || ? END "
                "WHERE status = ?",
                (INTERRUPTED, _text(ended), note, note, RUNNING),
            )
        return [_record(row) for row in rows]

    def has(self, job: str, scheduled: datetime) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM runs WHERE job = ? AND scheduled = ?", (job, slot_key(scheduled))
        ).fetchone()
        return row is not None

    def last_slot(self, job: str) -> datetime | None:
        """The latest slot of ``job`` with a row, whatever its status."""
        row = self._db.execute("SELECT max(scheduled) FROM runs WHERE job = ?", (job,)).fetchone()
        return _moment(row[0])

    def last(self, job: str) -> RunRecord | None:
        """The row of ``job``'s latest slot."""
        runs = self.runs(job=job, limit=1)
        return runs[0] if runs else None

    def get(self, run_id: int) -> RunRecord | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()  # noqa: S608
        return None if row is None else _record(row)

    def runs(self, job: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Rows, latest slot first, for one job or all."""
        sql = f"SELECT {_COLUMNS} FROM runs"  # noqa: S608
        params: list[object] = []
        if job is not None:
            sql += " WHERE job = ?"
            params.append(job)
        sql += " ORDER BY scheduled DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_record(row) for row in self._db.execute(sql, params).fetchall()]


def default_history_path(config: OrgConfig) -> Path:
    """The history file: ``scheduler.history``, taken from the configuration file's folder."""
    return config.resolve(config.scheduler.history)
