"""The scheduler: ``schedule``'s loop, plus catch-up, overlap protection, retries and history.

Each configured job is a ``schedule`` job (:class:`_SlotJob`) in a private
``schedule.Scheduler``; ``run_pending`` asks each whether it is due and runs
those that are. What ``schedule`` does not do is added here:

* **slots and keys** -- a job is due when its latest slot (:mod:`.timing`) has
  no row in the history; the row's ``(job, scheduled)`` key makes every slot
  run at most once, across restarts, a clock set back and daylight saving;
* **catch-up** -- a slot that passed while the scheduler was not looking
  (stopped, machine asleep, clock jumped forward) runs once, marked as a
  catch-up, however many slots were missed; past the grace period it is
  recorded as ``skipped-late`` instead;
* **no overlap** -- while a run of a job is in progress or waiting to retry, a
  slot of the same job that comes due is recorded as ``skipped-overlap``
  (between processes, :class:`~.locking.SchedulerLock` sees to it);
* **failures** -- nothing a run raises leaves the loop; a failed attempt is
  retried after a doubling delay, a run that fails for good is recorded with
  its error and the job's ``on_failure`` command runs;
* **shutdown** -- :meth:`Scheduler.stop` (SIGINT/SIGTERM) lets a run finish
  within ``shutdown_grace_seconds``, else stops it: it is recorded
  ``interrupted``, never left ``running``.

Runs happen one at a time, in the loop's thread. Time comes from an injected
:class:`~.clock.Clock`. Whoever runs a scheduler holds the lock.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import schedule

from addin.scheduling.clock import SYSTEM_CLOCK, Clock
from addin.scheduling.execution import (
    Executor,
    ProcessExecutor,
    RunFailed,
    RunInterrupted,
    Shutdown,
    describe_error,
)
from addin.scheduling.history import (
    FAILED,
    INTERRUPTED,
    SKIPPED_LATE,
    SKIPPED_OVERLAP,
    SUCCEEDED,
    History,
    RunRecord,
)
from addin.scheduling.jobs import FailureHook, ScheduledJob, scheduled_jobs, shell_hook
from addin.scheduling.messages import ago, log_outcome
from addin.scheduling.runner import Runner, RunResult, consolidation_runner
from addin.scheduling.timing import count_between

if TYPE_CHECKING:
    from addin.settings import OrgConfig

log = logging.getLogger("addin.scheduling")

# A pass that comes this much later than the scheduler meant to look means it was not looking.
_SLACK = timedelta(seconds=60)
# More overlapped slots than this at once (a hung run of a frequent job) are summed up in one row.
_MAX_OVERLAPS = 100


@dataclass(slots=True)
class _Active:
    """A run in progress (or waiting to retry)."""

    job: ScheduledJob
    run_id: int
    slot: datetime
    attempts: int = 0
    started: float = 0.0
    retry_at: float | None = None
    last_error: str | None = None
    overlaps_until: datetime | None = None  # slots up to this one were recorded as overlapped


@dataclass(frozen=True, slots=True)
class _Action:
    kind: Literal["run", "retry", "skip-late", "overlap"]
    slot: datetime
    catch_up: bool = False
    note: str = ""


class _SlotJob(schedule.Job):
    """A ``schedule`` job whose due time is the owner's decision, not ``schedule``'s clock."""

    def __init__(self, owner: Scheduler, job: ScheduledJob) -> None:
        super().__init__(1, owner._schedule)
        self.owner = owner
        self.spec = job
        self.unit = "minutes"
        self.tag(job.name)
        self.do(owner._dispatch, job)

    @property
    def should_run(self) -> bool:
        return self.owner._is_due(self.spec)

    def _schedule_next_run(self) -> None:
        self.next_run = self.spec.rule.next(self.owner.clock.now())

    def __repr__(self) -> str:
        return f"<scheduled job {self.spec.name}: {self.spec.rule.describe()}>"


class Scheduler:
    """Runs the configuration's enabled jobs when they are due.

    ``runner`` is what a run does (default: the consolidation); ``executor`` how
    an attempt is run (default: a child process, so timeouts can stop it).
    """

    def __init__(
        self, config: OrgConfig, *, history: History, runner: Runner = consolidation_runner,
        executor: Executor | None = None, clock: Clock = SYSTEM_CLOCK,
        hook: FailureHook = shell_hook, shutdown: Shutdown | None = None,
    ) -> None:
        self.config = config
        self.settings = config.scheduler
        self.history = history
        self.runner = runner
        self.executor: Executor = executor if executor is not None else ProcessExecutor()
        self.clock = clock
        self.hook = hook
        self.shutdown = shutdown if shutdown is not None else Shutdown(self.settings.shutdown_grace_seconds)
        self.jobs = scheduled_jobs(config)
        self.finished: list[RunRecord] = []  # rows this scheduler wrote an outcome to
        self._schedule = schedule.Scheduler()
        self._active: dict[str, _Active] = {}
        self._actions: dict[str, list[_Action]] = {}
        self._now = clock.now()
        self._blind = True
        self._previous: datetime | None = None
        self._awake_until: datetime | None = None
        self._recovered = False
        for job in self.jobs:
            _SlotJob(self, job)

    # -- the loop -----------------------------------------------------------------

    def recover(self) -> list[RunRecord]:
        """Mark runs a dead scheduler left ``running`` as ``interrupted`` (once; hold the lock)."""
        if self._recovered:
            return []
        self._recovered = True
        stale = self.history.interrupt_running(
            ended=self.clock.now(), note="the scheduler stopped during this run"
        )
        for record in stale:
            log.warning(
                "%s: the run for %s (pid %s) was left running by a scheduler that stopped; "
                "recorded as interrupted", record.job, record.scheduled.isoformat(), record.pid,
            )
        return stale

    def run_pending(self) -> None:
        """Run every job that is due now (one look at the clock)."""
        self.recover()
        self._now = self.clock.now()
        self._blind = self._awake_until is None or self._now > self._awake_until
        try:
            self._schedule.run_pending()
        finally:
            self._previous = self._now
            self._awake_until = self.clock.now() + _SLACK

    def sleep(self, *, longest: float | None = None) -> None:
        """Sleep until something is due, at most ``longest`` seconds (default ``poll_seconds``)."""
        limit = self.settings.poll_seconds if longest is None else longest
        seconds = min(self.idle_seconds, limit)
        self._awake_until = self.clock.now() + timedelta(seconds=seconds) + _SLACK
        self.clock.sleep(seconds, wake=self.shutdown.event)

    def run_forever(self) -> None:
        """Run due jobs until :meth:`stop`; runs waiting to retry are then recorded interrupted."""
        log.info("scheduler started: %s", "; ".join(self.describe()) or "no jobs")
        while not self.shutdown.requested:
            self.run_pending()
            if not self.shutdown.requested:
                self.sleep()
        self._interrupt_waiting()
        log.info("scheduler stopped")

    def run_once(self) -> list[RunRecord]:
        """Run every job due now (catch-up included), wait out its retries, and return the outcomes."""
        first = len(self.finished)
        self.run_pending()
        while self._active and not self.shutdown.requested:
            self.sleep(longest=math.inf)
            if not self.shutdown.requested:
                self.run_pending()
        self._interrupt_waiting()
        return self.finished[first:]

    def stop(self, *, force: bool = False) -> None:
        """Ask the loop to stop; ``force`` stops a run in progress at once."""
        self.shutdown.request(force=force)

    @property
    def next_run(self) -> datetime | None:
        """When something is next due: a slot or a retry."""
        now = self.clock.now()
        times = [job.rule.next(now) for job in self.jobs]
        monotonic = self.clock.monotonic()
        times += [
            now + timedelta(seconds=max(active.retry_at - monotonic, 0.0))
            for active in self._active.values() if active.retry_at is not None
        ]
        return min(times, default=None)

    @property
    def idle_seconds(self) -> float:
        following = self.next_run
        if following is None:
            return self.settings.poll_seconds
        return max((following - self.clock.now()).total_seconds(), 0.0)

    def describe(self) -> list[str]:
        return [f"{job.name} {job.rule.describe()}" for job in self.jobs]

    # -- deciding -----------------------------------------------------------------

    def _is_due(self, job: ScheduledJob) -> bool:
        actions = self._decide(job, self._now)
        self._actions[job.name] = actions
        return bool(actions)

    def _decide(self, job: ScheduledJob, now: datetime) -> list[_Action]:
        latest = job.rule.latest(now)
        active = self._active.get(job.name)
        if active is not None:
            actions: list[_Action] = []
            if latest > (active.overlaps_until or active.slot):
                actions.append(_Action("overlap", latest))
            if active.retry_at is not None and self.clock.monotonic() >= active.retry_at:
                actions.append(_Action("retry", active.slot))
            return actions
        if self.history.has(job.name, latest):
            return []
        late = now - latest
        references = [ref for ref in (self._previous, self.history.last_slot(job.name)) if ref is not None]
        reference = max(references, default=None)
        missed = count_between(job.rule, reference, latest) if reference and reference < latest else 0
        catch_up_after = timedelta(minutes=self.settings.catch_up_after_minutes)
        if missed == 0 and not (self._blind and late > catch_up_after):
            return [_Action("run", latest)]
        reasons = []
        if late > catch_up_after:
            reasons.append(f"slot passed {ago(late)} before the scheduler ran it")
        if missed:
            reasons.append(f"{missed}{'+' if missed >= 10_000 else ''} earlier slot(s) not run")
        note = "catch-up: " + "; ".join(reasons)
        if late > job.grace:
            note += f"; older than the grace period of {ago(job.grace)}, so not run"
            return [_Action("skip-late", latest, True, note)]
        return [_Action("run", latest, True, note)]

    def _dispatch(self, job: ScheduledJob) -> None:
        for action in self._actions.pop(job.name, []):
            try:
                self._perform(job, action)
            except Exception:
                # The loop must go on: log it, and the next look tries again.
                log.exception("%s: could not handle the slot %s", job.name, job.local(action.slot))

    def _perform(self, job: ScheduledJob, action: _Action) -> None:
        now = self.clock.now()
        if action.kind == "retry":
            self._attempt(self._active[job.name])
        elif action.kind == "run":
            self._start(job, action)
        elif action.kind == "overlap":
            self._record_overlaps(self._active[job.name], now)
        elif self.history.record(
            job.name, action.slot, SKIPPED_LATE, at=now, catch_up=True, note=action.note
        ):
            log.warning("%s: slot %s skipped: %s", job.name, job.local(action.slot), action.note)

    # -- running ------------------------------------------------------------------

    def _start(self, job: ScheduledJob, action: _Action) -> None:
        slot = action.slot
        report = job.report_for(slot, self.config)
        run_id = self.history.claim(
            job.name, slot, started=self.clock.now(), catch_up=action.catch_up,
            period=job.period_for(slot), report_path=report, note=action.note or None, pid=os.getpid(),
        )
        if run_id is None:
            return
        active = _Active(job, run_id, slot, started=self.clock.monotonic())
        self._active[job.name] = active
        log.info(
            "%s: run for %s started%s: period %s, inbox %s, report %s", job.name, job.local(slot),
            " (catch-up)" if action.catch_up else "", job.period_for(slot), job.inbox, report,
        )
        self._attempt(active)

    def _attempt(self, active: _Active) -> None:
        job = active.job
        active.attempts += 1
        active.retry_at = None
        self.history.attempt(active.run_id, active.attempts)
        request = job.request(active.slot, self.config, attempt=active.attempts)
        try:
            result = self.executor.execute(self.runner, request, timeout=job.timeout, shutdown=self.shutdown)
        except RunInterrupted as exc:
            self._finish(active, INTERRUPTED, error=active.last_error, note=str(exc))
            return
        except RunFailed as exc:
            error = exc.message
            if exc.detail:
                log.debug("%s: attempt %d failed:\n%s", job.name, active.attempts, exc.detail)
        except Exception as exc:
            error = describe_error(exc)
        else:
            earlier = None
            if active.last_error:
                earlier = f"attempt {active.attempts - 1} failed: {active.last_error}"
            self._finish(active, SUCCEEDED, result=result, note=earlier)
            return
        active.last_error = error
        self.history.attempt(active.run_id, active.attempts, error=error)
        attempts = job.config.attempts
        if active.attempts < attempts and not self.shutdown.requested:
            delay = job.config.retry_delay_seconds * 2 ** (active.attempts - 1)
            active.retry_at = self.clock.monotonic() + delay
            log.warning(
                "%s: attempt %d of %d failed: %s; trying again in %s", job.name, active.attempts,
                attempts, error, ago(timedelta(seconds=delay)),
            )
            return
        if active.attempts < attempts:
            self._finish(active, INTERRUPTED, error=error, note="the scheduler was stopped before a retry")
        else:
            self._finish(active, FAILED, error=error)

    def _finish(
        self, active: _Active, status: str, *, result: RunResult | None = None,
        error: str | None = None, note: str | None = None,
    ) -> None:
        job = active.job
        ended = self.clock.now()
        self.history.finish(active.run_id, status, ended=ended, result=result, error=error, note=note)
        del self._active[job.name]
        record = self.history.get(active.run_id)
        if record is not None:
            self.finished.append(record)
            log_outcome(job, record, self.clock.monotonic() - active.started)
            if status == FAILED:
                try:
                    self.hook(job, record)
                except Exception:
                    log.exception("%s: the failure hook failed", job.name)
        self._record_overlaps(active, ended)

    def _record_overlaps(self, active: _Active, until: datetime) -> None:
        """Record the job's slots that came due (up to ``until``) while ``active`` was in progress."""
        job = active.job
        start = active.overlaps_until or active.slot
        slots: list[datetime] = []
        slot = job.rule.next(start)
        while slot <= until and len(slots) <= _MAX_OVERLAPS:
            slots.append(slot)
            slot = job.rule.next(slot)
        if not slots:
            return
        note = f"the run for {job.local(active.slot)} was still in progress"
        if len(slots) > _MAX_OVERLAPS:
            slots = [job.rule.latest(until)]
            note += f" (and over {_MAX_OVERLAPS} earlier slots, not recorded one by one)"
        for slot in slots:
            if self.history.record(job.name, slot, SKIPPED_OVERLAP, at=until, note=note) is not None:
                log.warning("%s: slot %s skipped: %s", job.name, job.local(slot), note)
        active.overlaps_until = slots[-1]

    def _interrupt_waiting(self) -> None:
        for active in list(self._active.values()):
            self._finish(
                active, INTERRUPTED, error=active.last_error,
                note=f"the scheduler stopped while the run waited to retry (after attempt {active.attempts})",
            )
