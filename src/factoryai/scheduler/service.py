"""What the scheduler routes answer: each job's schedule and last run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.scheduler import repository
from factoryai.scheduler.slots import trigger_for


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
