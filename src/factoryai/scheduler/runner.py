"""Runs scheduled jobs exactly once per slot, whichever process (API worker, `factoryai scheduler`) gets there.

APScheduler fires the jobs in every process that starts a scheduler; before doing any work a run claims its
(job, slot) row in job_run, and the unique key lets one claim win. A process that starts after downtime runs
each job's latest missed slot (catch-up). Outcomes are kept in job_run and failures in system_log.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.jobs import Job
from factoryai.scheduler import repository
from factoryai.system import service as system

log = logging.getLogger(__name__)
RUNNER = f"{socket.gethostname()}:{os.getpid()}"[:100]


def trigger_for(job: Job, settings: Settings) -> CronTrigger:
    return CronTrigger(**job.cron, timezone=settings.site.tz)


_LOOK_BACK = (timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(days=31))


def latest_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest fire time at or before ``now`` (within the last 31 days).

    Cron triggers only step forwards, so look back over growing spans and walk forward inside the first span
    that holds a fire time: a handful of steps whether the job fires every second or once a month.
    """
    for span in _LOOK_BACK:
        fire = trigger.get_next_fire_time(None, now - span)
        if fire is None or fire > now:
            continue
        latest = fire
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return latest
    return None


def run_slot(factory: sessionmaker[Session], job: Job, slot: datetime) -> str:
    """Claim and run one slot. Returns 'claimed-elsewhere', 'succeeded' or 'failed'."""
    try:
        with unit_of_work(factory) as session:
            run_id = repository.claim(session, job.name, slot, RUNNER)
    except IntegrityError:
        return "claimed-elsewhere"
    status, result, error = "succeeded", None, None
    try:
        with unit_of_work(factory) as session:
            result = job.run(session, slot)
    except Exception as exc:  # a failing job must not kill the scheduler; it is recorded instead
        log.exception("job %s for slot %s failed", job.name, slot.isoformat())
        status, error = "failed", f"{exc.__class__.__name__}: {exc}"[:500]
    with unit_of_work(factory) as session:
        repository.finish(session, run_id, status, result, error)
        if status == "failed":
            system.record(
                session,
                f"scheduler.{job.name}"[:50],
                f"slot {slot.isoformat()} failed: {error}",
                level="ERROR",
                details={"slot": slot.isoformat()},
            )
    return status


def catch_up(
    factory: sessionmaker[Session], settings: Settings, jobs: Sequence[Job], now: datetime | None = None
) -> dict[str, str]:
    """Run each job's latest slot if no process has run it yet (after downtime or on first start)."""
    now = now or utcnow()
    outcome = {}
    for job in jobs:
        slot = latest_slot(trigger_for(job, settings), now)
        if slot is not None:
            outcome[job.name] = run_slot(factory, job, slot)
    return outcome


CATCH_UP_JOIN_SECONDS = 60


@dataclass
class RunningScheduler:
    scheduler: BackgroundScheduler
    catch_up: threading.Thread

    def shutdown(self, wait: bool = True) -> None:
        """Stop firing; with `wait`, let a running job and the start-up catch-up finish, so nothing writes to the
        database after the process (or a test) has moved on. Jobs are short, each in its own unit of work."""
        self.scheduler.shutdown(wait=wait)
        if wait:
            self.catch_up.join(timeout=CATCH_UP_JOIN_SECONDS)


def start_scheduler(factory: sessionmaker[Session], settings: Settings, jobs: Sequence[Job]) -> RunningScheduler:
    """Start the in-process scheduler (one per process; job_run claims keep each slot to one run)."""
    scheduler = BackgroundScheduler(timezone=settings.site.tz, job_defaults={"coalesce": True, "max_instances": 1})
    for job in jobs:
        trigger = trigger_for(job, settings)

        def fire(job: Job = job, trigger: CronTrigger = trigger) -> None:
            slot = latest_slot(trigger, utcnow() + timedelta(seconds=1))  # the slot this firing belongs to
            if slot is not None:
                run_slot(factory, job, slot)

        scheduler.add_job(fire, trigger, id=job.name, name=job.description, misfire_grace_time=3600)
    scheduler.start()
    # Missed slots run once, beside the schedule (not as a one-shot scheduler job, which APScheduler 3 may try to
    # remove after a shutdown has begun).
    catch_up_thread = threading.Thread(
        target=_catch_up_quietly, args=(factory, settings, jobs), name="scheduler-catch-up", daemon=True
    )
    catch_up_thread.start()
    return RunningScheduler(scheduler, catch_up_thread)


def _catch_up_quietly(factory: sessionmaker[Session], settings: Settings, jobs: Sequence[Job]) -> None:
    try:
        catch_up(factory, settings, jobs)
    except Exception:  # e.g. the app stopped and disposed its engine meanwhile: the next start catches up
        log.exception("catch-up of missed job slots failed")


def job_status(
    session: Session, settings: Settings, jobs: Sequence[Job], now: datetime | None = None
) -> list[dict[str, Any]]:
    now = now or utcnow()
    rows = []
    for job in jobs:
        trigger = trigger_for(job, settings)
        last = repository.latest_run(session, job.name)
        rows.append(
            {
                "name": job.name,
                "description": job.description,
                "schedule": str(trigger),
                "next_run": trigger.get_next_fire_time(None, now),
                "last_slot": last.slot_start if last else None,
                "last_status": last.status if last else None,
                "last_finished_at": last.finished_at if last else None,
                "last_result": last.result if last else None,
                "last_error": last.error if last else None,
            }
        )
    return rows
