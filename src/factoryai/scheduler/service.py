"""What the scheduler routes answer: each job's schedule, last run and backlog, and a slot run by hand through the
same claim as a scheduled run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError, problem
from factoryai.core.jobs import Job
from factoryai.scheduler import repository, runner
from factoryai.scheduler.models import JobRun
from factoryai.scheduler.slots import is_fire_time, latest_slot, replays_every_slot, trigger_for

# A job's result names its count its own way; `rows` is the one to use in new jobs, the others are today's.
ROW_COUNT_KEYS = ("rows", "marked_absent", "processed", "files_deleted")


def rows_of(result: dict[str, Any] | None) -> int | None:
    for key in ROW_COUNT_KEYS:
        value = (result or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def run_read(run: JobRun) -> dict[str, Any]:
    finished = run.finished_at
    return {
        "job": run.job_name,
        "slot": run.slot_start,
        "status": run.status,
        "runner": run.runner,
        "started_at": run.started_at,
        "finished_at": finished,
        "duration_seconds": (finished - run.started_at).total_seconds() if finished else None,
        "rows": rows_of(run.result),
        "result": run.result,
        "error": run.error,
        "lease_expires_at": run.lease_expires_at,
    }


def job_status(
    session: Session, settings: Settings, jobs: Sequence[Job], now: datetime | None = None
) -> list[dict[str, Any]]:
    """GET /system/jobs: one flat row per job."""
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


def scheduler_status(
    session: Session, settings: Settings, jobs: Sequence[Job], *, running: bool, now: datetime | None = None
) -> dict[str, Any]:
    """GET /occupancy/scheduler-status: every job's schedule, next and last run, and what a catch-up would run."""
    now = now or utcnow()
    days = settings.scheduler.catch_up_days
    rows = []
    for job in jobs:
        trigger = trigger_for(job, settings)
        last = repository.latest_run(session, job.name)
        due = runner.due_slots(session, settings, job, now)
        rows.append(
            {
                "name": job.name,
                "description": job.description,
                "schedule": str(trigger),
                "catch_up": "all" if replays_every_slot(job, trigger, now, days) else "latest",
                "next_run": trigger.get_next_fire_time(None, now),
                "last_run": run_read(last) if last else None,
                "backlog": {"count": len(due), "oldest": due[0] if due else None},
            }
        )
    return {
        "scheduler_running": running,
        "timezone": settings.site.timezone,
        "catch_up_days": days,
        "lease_seconds": settings.scheduler.lease_seconds,
        "jobs": rows,
    }


def run_now(
    factory: sessionmaker[Session],
    settings: Settings,
    jobs: Sequence[Job],
    name: str,
    slot: datetime | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Run one slot of a job now (default its latest), claimed like a scheduled run: a slot that has run, or runs
    now, is a 409. Takes units of work of its own (claim, work, outcome), as the scheduler does."""
    job = next((j for j in jobs if j.name == name), None)
    if job is None:
        known = ", ".join(j.name for j in jobs)
        message = f"no scheduled job is named {name!r}; the jobs are: {known}"
        raise NotFoundError(message, details=[problem("name", message, jobs=known)])
    slot = _runnable_slot(job, settings, slot, now or utcnow())
    outcome = runner.run_slot(factory, settings, job, slot)
    with unit_of_work(factory) as session:
        run = repository.get_run(session, job.name, slot)
    if run is None or outcome in (runner.CLAIMED_ELSEWHERE, runner.CLAIM_LOST):
        message = _why_not_run(job, slot, run, outcome)
        raise ConflictError(message, details=[problem("slot", message, run=run_read(run) if run else None)])
    return run_read(run)


def _runnable_slot(job: Job, settings: Settings, slot: datetime | None, now: datetime) -> datetime:
    trigger = trigger_for(job, settings)
    latest = latest_slot(trigger, now)
    if slot is None:
        if latest is None:
            raise ValidationFailedError(
                f"job {job.name} has not been due in the last 31 days: give a slot", field="slot"
            )
        return latest
    if not is_fire_time(trigger, slot):
        before, after = latest_slot(trigger, slot), trigger.get_next_fire_time(None, slot)
        nearest = [t.isoformat() for t in (before, after) if t is not None]
        message = (
            f"{slot.isoformat()} is not a fire time of job {job.name} ({trigger}); the nearest are "
            f"{' and '.join(nearest)}"
        )
        raise ValidationFailedError(message, details=[problem("slot", message, nearest=nearest)])
    if slot > now:
        # A slot runs once: run early, its real run would find it taken and the work would miss what came after.
        message = f"{slot.isoformat()} is still ahead: a slot can be run once it is due" + (
            f"; the latest due slot is {latest.isoformat()}" if latest else ""
        )
        latest_iso = latest.isoformat() if latest else None
        raise ValidationFailedError(message, details=[problem("slot", message, latest=latest_iso)])
    return slot


def _why_not_run(job: Job, slot: datetime, run: JobRun | None, outcome: str) -> str:
    where = f"slot {slot.isoformat()} of job {job.name}"
    if run is None or outcome == runner.CLAIM_LOST:
        return (
            f"{where} was taken over by another process while it ran here (its lease ran out): its work here was "
            "rolled back"
        )
    if run.status == "running":
        return (
            f"{where} is running now in {run.runner} (its lease runs to "
            f"{run.lease_expires_at.isoformat() if run.lease_expires_at else 'its end'}): each slot runs once"
        )
    return f"{where} has already run ({run.status}, by {run.runner}): each slot runs once; choose another slot"
