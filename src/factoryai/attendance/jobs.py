"""Attendance's scheduled jobs: yesterday's absences, and camera punches that waited for the face engine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from factoryai.attendance import face_punch
from factoryai.attendance import service as attendance
from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity.runtime import FaceRuntime


def jobs(settings: Settings, faces: FaceRuntime) -> tuple[Job, ...]:
    def mark_absent(session: Session, slot: datetime) -> dict[str, Any]:
        # The run at the slot marks the day before it (site time): by then every shift of that day, overnight
        # ones included, has ended.
        day = slot.astimezone(settings.site.tz).date() - timedelta(days=1)
        return attendance.mark_absent(session, day, settings).model_dump(mode="json")

    def retry_face_punches(session: Session, _slot: datetime) -> dict[str, Any]:
        store = SnapshotStore(settings.identity.snapshot_dir)
        return face_punch.retry_pending(session, settings, faces, store)

    at = settings.attendance.absence_run_time
    return (
        Job(
            name="attendance.mark_absent",
            description="Marks ABSENT whoever missed yesterday's shift (site time).",
            cron={"hour": at.hour, "minute": at.minute},
            run=mark_absent,
        ),
        Job(
            name="attendance.retry_face_punches",
            description="Re-processes camera punches that waited for the face engine (AWS outage).",
            cron={"minute": f"*/{settings.identity.pending_retry_minutes}"},
            run=retry_face_punches,
            # Each run retries every pending punch, whatever its slot: after downtime one run does it all.
            catch_up="latest",
        ),
    )
