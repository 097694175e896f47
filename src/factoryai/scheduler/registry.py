"""The scheduled jobs: name, cron schedule in the site time zone, and what a run does.

A job is a function (session, settings, slot) -> result dict; `slot` is the scheduled instant the run stands
for (not the moment it happened to start), so a late or caught-up run still does that slot's work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from factoryai.attendance import face_punch
from factoryai.attendance import service as attendance
from factoryai.core.config import Settings
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity import service as identity
from factoryai.identity.engines.factory import engine_for

JobFunction = Callable[[Session, Settings, datetime], dict[str, Any]]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    cron: Callable[[Settings], dict[str, Any]]  # APScheduler CronTrigger fields, from the settings
    run: JobFunction


def _mark_absent(session: Session, settings: Settings, slot: datetime) -> dict[str, Any]:
    # The run at the slot marks the day before it (site time): by then every shift of that day, overnight
    # ones included, has ended.
    day = slot.astimezone(settings.site.tz).date() - timedelta(days=1)
    return attendance.mark_absent(session, day, settings).model_dump(mode="json")


def _absence_cron(settings: Settings) -> dict[str, Any]:
    at = settings.attendance.absence_run_time
    return {"hour": at.hour, "minute": at.minute}


def _cleanup_snapshots(session: Session, settings: Settings, slot: datetime) -> dict[str, Any]:
    return identity.cleanup_snapshots(session, settings, now=slot)


def _retry_face_punches(session: Session, settings: Settings, _slot: datetime) -> dict[str, Any]:
    store = SnapshotStore(settings.identity.snapshot_dir)
    return face_punch.retry_pending(session, settings, engine_for(settings), store)


def _cleanup_cron(settings: Settings) -> dict[str, Any]:
    at = settings.identity.snapshot_cleanup_time
    return {"hour": at.hour, "minute": at.minute}


JOBS: tuple[Job, ...] = (
    Job(
        name="attendance.mark_absent",
        description="Marks ABSENT whoever missed yesterday's shift (site time).",
        cron=_absence_cron,
        run=_mark_absent,
    ),
    Job(
        name="identity.cleanup_snapshots",
        description="Deletes face snapshots older than the retention (spec: 90 days) and their references.",
        cron=_cleanup_cron,
        run=_cleanup_snapshots,
    ),
    Job(
        name="attendance.retry_face_punches",
        description="Re-processes camera punches that waited for the face engine (AWS outage).",
        cron=lambda settings: {"minute": f"*/{settings.identity.pending_retry_minutes}"},
        run=_retry_face_punches,
    ),
)


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
