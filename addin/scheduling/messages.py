"""How runs are told in the log: one line per outcome, durations in words."""

from __future__ import annotations

import logging
from datetime import timedelta

from addin.scheduling.history import SUCCEEDED, RunRecord
from addin.scheduling.jobs import ScheduledJob

log = logging.getLogger("addin.scheduling")


def log_outcome(job: ScheduledJob, record: RunRecord, seconds: float) -> None:
    took = f"in {seconds:.1f} s" if seconds < 120 else f"in {ago(timedelta(seconds=seconds))}"
    attempts = f" after {record.attempts} attempts" if record.attempts > 1 else ""
    if record.status == SUCCEEDED:
        report = record.report_path or "(no report)"
        sha = f" (sha256 {record.report_sha256[:12]})" if record.report_sha256 else ""
        log.info(
            "%s: run for %s succeeded %s%s: report %s%s; rows read %s, accepted %s, rejected %s; "
            "%s issue(s)", job.name, job.local(record.scheduled), took, attempts, report, sha,
            record.rows_read, record.rows_accepted, record.rows_rejected, record.issues,
        )
    else:
        detail = "; ".join(part for part in (record.error, record.note) if part)
        log.error("%s: run for %s %s %s%s: %s", job.name, job.local(record.scheduled), record.status,
                  took, attempts, detail)


def ago(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{hours // 24} days {hours % 24} h" if hours % 24 else f"{hours // 24} days"
