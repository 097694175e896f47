"""Runs scheduled jobs exactly once per slot, whichever process (API worker, `factoryai scheduler`) gets there.

APScheduler fires the jobs in every process that starts a scheduler; before doing any work a run claims its
(job, slot) row in job_run, and the unique key lets one claim win. The claim carries a lease that its runner renews
while the job runs; a claim whose lease ran out (its process died) is taken over by the next process that reaches
the slot, and the work of a run whose claim was taken over never commits. Every firing, and a sweep every
scheduler.lease_seconds (the first at start-up), runs a job's missed slots oldest first: every slot of the last
scheduler.catch_up_days, or only the latest for jobs that declare catch_up="latest". Outcomes are kept in job_run
and failures in system_log.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.jobs import Job
from factoryai.scheduler import repository
from factoryai.scheduler.slots import catch_up_slots, lease_expiry, replays_every_slot, trigger_for
from factoryai.system import service as system

log = logging.getLogger(__name__)

# What run_slot answers besides the run's own "succeeded" / "failed".
CLAIMED_ELSEWHERE = "claimed-elsewhere"  # done, failed, or running under a live lease: not ours to run
CLAIM_LOST = "claim-lost"  # taken over while it ran (our lease ran out): its work was rolled back


class ClaimLostError(Exception):
    """The claim is no longer this runner's: the run's work must not commit."""


@dataclass(frozen=True)
class Claim:
    run_id: int
    runner: str  # host:pid/token: the token tells this claim from the process's other and earlier claims


def _runner() -> str:
    # Per claim, not per import: a forked worker has its own pid, and a process that takes over its own expired
    # claim must not pass for the runner it replaces.
    return f"{socket.gethostname()}:{os.getpid()}"[:90] + "/" + secrets.token_hex(4)


def _source(job: Job) -> str:
    return f"scheduler.{job.name}"[:50]


def _claim(factory: sessionmaker[Session], settings: Settings, job: Job, slot: datetime) -> Claim | None:
    runner, lease = _runner(), settings.scheduler.lease_seconds
    try:
        with unit_of_work(factory) as session:
            return Claim(repository.claim(session, job.name, slot, runner, utcnow(), lease), runner)
    except IntegrityError:
        pass  # claimed before: ours only if its runner died and its lease ran out
    with unit_of_work(factory) as session:
        taken = repository.take_over(session, job.name, slot, runner, utcnow(), lease)
        if taken is None:
            return None
        expired = lease_expiry(taken.previous_lease_expires_at, taken.previous_started_at, lease)
        system.record(
            session,
            _source(job),
            f"slot {slot.isoformat()} taken over from {taken.previous_runner}, whose lease ran out at "
            f"{expired.isoformat()} (its process died or hung); running it again",
            level="WARNING",
            details={"slot": slot.isoformat(), "previous_runner": taken.previous_runner},
        )
    return Claim(taken.run_id, runner)


@contextmanager
def _lease_kept(factory: sessionmaker[Session], claim: Claim, lease_seconds: int) -> Iterator[None]:
    """Renew the claim's lease every third of lease_seconds on a thread of its own (and its own connection), so a
    run longer than the lease keeps its claim while its process lives; two missed renewals are still in time."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease_seconds / 3):
            try:
                until = utcnow() + timedelta(seconds=lease_seconds)
                with unit_of_work(factory) as session:
                    held = repository.renew(session, claim.run_id, claim.runner, until)
            except Exception:  # a database hiccup: the next renewal is still before the lease runs out
                log.warning("could not renew the lease of job run %s; retrying", claim.run_id, exc_info=True)
                continue
            if not held:
                if not stop.is_set():  # not merely finished meanwhile
                    log.warning("job run %s was taken over by another process while it ran", claim.run_id)
                return

    thread = threading.Thread(target=renew, name=f"job-lease-{claim.run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # Joined only after the run's transaction has ended: on SQLite a renewal waits for the write lock that
        # transaction holds.
        thread.join()


def run_slot(factory: sessionmaker[Session], settings: Settings, job: Job, slot: datetime) -> str:
    """Claim and run one slot. Returns "succeeded", "failed", CLAIMED_ELSEWHERE or CLAIM_LOST."""
    claim = _claim(factory, settings, job, slot)
    if claim is None:
        return CLAIMED_ELSEWHERE
    try:
        with _lease_kept(factory, claim, settings.scheduler.lease_seconds), unit_of_work(factory) as session:
            repository.set_statement_timeout(session, settings.scheduler.statement_timeout_seconds)
            result = job.run(session, slot)
            # The outcome commits with the work, and only while the claim is still ours: the UPDATE waits for a
            # concurrent take-over and then finds the claim gone, so a slot's work never commits twice.
            if not repository.finish(session, claim.run_id, claim.runner, "succeeded", result, None, utcnow()):
                raise ClaimLostError
        return "succeeded"
    except ClaimLostError:
        log.warning("job %s slot %s was taken over while it ran; its work was rolled back", job.name, slot.isoformat())
        return CLAIM_LOST
    except Exception as exc:  # a failing job must not kill the scheduler; it is recorded instead
        log.exception("job %s for slot %s failed", job.name, slot.isoformat())
        error = f"{exc.__class__.__name__}: {exc}"[:500]
    with unit_of_work(factory) as session:
        if not repository.finish(session, claim.run_id, claim.runner, "failed", None, error, utcnow()):
            return CLAIM_LOST
        system.record(
            session,
            _source(job),
            f"slot {slot.isoformat()} failed: {error}",
            level="ERROR",
            details={"slot": slot.isoformat()},
        )
    return "failed"


def due_slots(session: Session, settings: Settings, job: Job, now: datetime) -> list[datetime]:
    """The job's slots up to ``now`` that no run has claimed, or whose claim's lease has run out, oldest first.

    ``now`` picks the slots (tests pass past instants); leases are always judged by the real clock."""
    candidates = catch_up_slots(job, trigger_for(job, settings), now, settings.scheduler.catch_up_days)
    if not candidates:
        return []
    claims = {c.slot_start: c for c in repository.claims_between(session, job.name, candidates[0], candidates[-1])}
    lease, clock = settings.scheduler.lease_seconds, utcnow()
    return [
        slot
        for slot in candidates
        if (c := claims.get(slot)) is None
        or (c.status == "running" and lease_expiry(c.lease_expires_at, c.started_at, lease) < clock)
    ]


def run_due(
    factory: sessionmaker[Session],
    settings: Settings,
    job: Job,
    now: datetime,
    stop: threading.Event | None = None,
) -> list[tuple[datetime, str]]:
    """Run each due slot of the job, oldest first; stops between slots once ``stop`` is set."""
    with unit_of_work(factory) as session:
        slots = due_slots(session, settings, job, now)
    outcomes = []
    for slot in slots:
        if stop is not None and stop.is_set():
            break
        outcomes.append((slot, run_slot(factory, settings, job, slot)))
    return outcomes


def catch_up(
    factory: sessionmaker[Session],
    settings: Settings,
    jobs: Sequence[Job],
    now: datetime | None = None,
    *,
    stop: threading.Event | None = None,
    locks: Mapping[str, threading.Lock] | None = None,
) -> dict[str, list[tuple[datetime, str]]]:
    """Run every job's missed slots (after downtime, on first start, or a claim whose runner died): for each job,
    its (slot, outcome) pairs, oldest first. ``locks`` keep one job's slots to one thread of this process."""
    now = now or utcnow()
    outcomes = {}
    for job in jobs:
        with locks[job.name] if locks is not None else nullcontext():
            outcomes[job.name] = run_due(factory, settings, job, now, stop)
    return outcomes


@dataclass
class RunningScheduler:
    scheduler: BackgroundScheduler
    stopping: threading.Event

    def shutdown(self, wait: bool = True) -> None:
        """Stop firing; with `wait`, let running jobs finish (a catch-up stops between slots), so nothing writes to
        the database after the process (or a test) has moved on. Jobs are short, each in its own unit of work."""
        self.stopping.set()
        self.scheduler.shutdown(wait=wait)


SWEEP_JOB_ID = "scheduler.sweep"


def start_scheduler(factory: sessionmaker[Session], settings: Settings, jobs: Sequence[Job]) -> RunningScheduler:
    """Start the in-process scheduler (one per process; job_run claims keep each slot to one run)."""
    scheduler = BackgroundScheduler(timezone=settings.site.tz, job_defaults={"coalesce": True, "max_instances": 1})
    stopping = threading.Event()
    # A job's firing and the sweep take turns on its slots, so this process runs them oldest first.
    locks = {job.name: threading.Lock() for job in jobs}
    days = settings.scheduler.catch_up_days
    for job in jobs:
        trigger = trigger_for(job, settings)
        if job.catch_up == "all" and not replays_every_slot(job, trigger, utcnow(), days):
            log.warning(
                "job %s fires too often to replay %d days of missed slots; it catches up its latest", job.name, days
            )

        def fire(job: Job = job) -> None:
            # APScheduler fires at or after the fire time by this same clock, so the newest due slot is this one.
            with locks[job.name]:
                run_due(factory, settings, job, utcnow(), stopping)

        scheduler.add_job(fire, trigger, id=job.name, name=job.description, misfire_grace_time=3600)
    # The sweep runs at start (catch-up after downtime) and then every lease: slots missed meanwhile (a database
    # outage at the fire time, a firing skipped because the previous run was still going) and claims whose runner
    # died are picked up within a lease, not at the job's next fire time (a day or a month away).
    scheduler.add_job(
        _sweep_quietly,
        IntervalTrigger(seconds=settings.scheduler.lease_seconds, timezone=settings.site.tz),
        args=(factory, settings, jobs, stopping, locks),
        id=SWEEP_JOB_ID,
        name="Runs missed slots and slots whose runner died",
        next_run_time=utcnow(),
        misfire_grace_time=None,  # the first sweep is the start-up catch-up: however late, it runs
    )
    scheduler.start()
    return RunningScheduler(scheduler, stopping)


def _sweep_quietly(
    factory: sessionmaker[Session],
    settings: Settings,
    jobs: Sequence[Job],
    stop: threading.Event,
    locks: Mapping[str, threading.Lock],
) -> None:
    try:
        catch_up(factory, settings, jobs, stop=stop, locks=locks)
    except Exception:  # e.g. the database is away: the next sweep tries again
        log.exception("catch-up of missed job slots failed")
