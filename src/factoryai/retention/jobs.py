"""The nightly snapshot cleanup (spec: 02:00, 90 days)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.retention import service


def jobs(settings: Settings) -> tuple[Job, ...]:
    def cleanup_snapshots(session: Session, slot: datetime) -> dict[str, Any]:
        return service.cleanup_snapshots(session, settings, now=slot)

    at = settings.identity.snapshot_cleanup_time
    return (
        Job(
            name="retention.cleanup_snapshots",
            description="Deletes snapshots older than the retention (spec: 90 days) and their references.",
            cron={"hour": at.hour, "minute": at.minute},
            run=cleanup_snapshots,
            # The latest slot's run deletes everything the missed ones would have: replaying them walks the
            # snapshot folder once per missed day for nothing.
            catch_up="latest",
        ),
    )
