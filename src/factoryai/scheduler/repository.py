"""Database access for job runs: the claim whose unique key makes a slot run once, its lease, the take-over of a
claim whose runner died, its outcome, and the reads behind the status routes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.orm import Session

from factoryai.scheduler.models import JobRun


def claim(session: Session, job_name: str, slot: datetime, runner: str, now: datetime, lease_seconds: int) -> int:
    """Insert the (job, slot) row; a second claim of the same slot fails with IntegrityError at the flush."""
    run = JobRun(
        job_name=job_name,
        slot_start=slot,
        status="running",
        runner=runner,
        started_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds),
    )
    session.add(run)
    session.flush()
    return run.id


class TakenOver(NamedTuple):
    run_id: int
    previous_runner: str
    previous_started_at: datetime
    previous_lease_expires_at: datetime | None


def take_over(
    session: Session, job_name: str, slot: datetime, runner: str, now: datetime, lease_seconds: int
) -> TakenOver | None:
    """Make a running claim whose lease ran out ``runner``'s, restarted. One UPDATE whose WHERE re-checks the
    expiry: of two processes trying at once, the second finds the lease renewed by the first (PostgreSQL re-reads
    the row once the first commits; SQLite's write lock serialises them) and gets nothing. Returns the claim as it
    was (for the log), or None when there was nothing to take over."""
    before = session.execute(
        select(JobRun.id, JobRun.runner, JobRun.started_at, JobRun.lease_expires_at).where(
            JobRun.job_name == job_name, JobRun.slot_start == slot
        )
    ).one_or_none()
    if before is None:
        return None
    expired = or_(
        JobRun.lease_expires_at < now,
        and_(JobRun.lease_expires_at.is_(None), JobRun.started_at < now - timedelta(seconds=lease_seconds)),
    )
    result = session.execute(
        update(JobRun)
        .where(JobRun.id == before.id, JobRun.status == "running", expired)
        .values(runner=runner, started_at=now, lease_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return TakenOver(*before) if result.rowcount == 1 else None


def renew(session: Session, run_id: int, runner: str, until: datetime) -> bool:
    """Extend the lease while the claim is still this runner's and running; False when it no longer is."""
    result = session.execute(
        update(JobRun)
        .where(JobRun.id == run_id, JobRun.runner == runner, JobRun.status == "running")
        .values(lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def finish(
    session: Session,
    run_id: int,
    runner: str,
    status: str,
    result: dict[str, Any] | None,
    error: str | None,
    now: datetime,
) -> bool:
    """Record the outcome if the claim is still this runner's; False when another process has taken it over."""
    outcome = session.execute(
        update(JobRun)
        .where(JobRun.id == run_id, JobRun.runner == runner, JobRun.status == "running")
        .values(status=status, result=result, error=error, finished_at=now, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return outcome.rowcount == 1


class ClaimState(NamedTuple):
    slot_start: datetime
    status: str
    started_at: datetime
    lease_expires_at: datetime | None


def claims_between(session: Session, job_name: str, first: datetime, last: datetime) -> list[ClaimState]:
    """Every claim of the job with a slot in [first, last]: one query for a whole catch-up window (2,016 slots of a
    five-minute job over a week), never one per slot."""
    rows = session.execute(
        select(JobRun.slot_start, JobRun.status, JobRun.started_at, JobRun.lease_expires_at).where(
            JobRun.job_name == job_name, JobRun.slot_start >= first, JobRun.slot_start <= last
        )
    )
    return [ClaimState(*row) for row in rows]


def get_run(session: Session, job_name: str, slot: datetime) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.job_name == job_name, JobRun.slot_start == slot))


def latest_run(session: Session, job_name: str) -> JobRun | None:
    return session.scalar(select(JobRun).where(JobRun.job_name == job_name).order_by(JobRun.slot_start.desc()).limit(1))


def set_statement_timeout(session: Session, seconds: int) -> None:
    """PostgreSQL: cancel any statement of this transaction that runs longer (SET LOCAL: it ends with the
    transaction, so the pooled connection goes back without it). SQLite has no such setting."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(seconds * 1000)})
