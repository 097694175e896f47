"""Database access for job runs: the claim whose unique key makes a slot run once, its outcome, the last run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.core.clock import utcnow
from factoryai.scheduler.models import JobRun


def claim(session: Session, job_name: str, slot: datetime, runner: str) -> int:
    """Insert the (job, slot) row; a second claim of the same slot fails with IntegrityError at the flush."""
    run = JobRun(job_name=job_name, slot_start=slot, status="running", runner=runner, started_at=utcnow())
    session.add(run)
    session.flush()
    return run.id


def finish(session: Session, run_id: int, status: str, result: dict[str, Any] | None, error: str | None) -> None:
    run = session.get(JobRun, run_id)
    if run is not None:
        run.status, run.result, run.error, run.finished_at = status, result, error, utcnow()


def latest_run(session: Session, job_name: str) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.job_name == job_name).order_by(JobRun.slot_start.desc()).limit(1))
