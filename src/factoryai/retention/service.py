"""Snapshot retention (spec: 90 days): old face crops and gate pictures under the snapshot root go, with every database
reference to them. It spans identity and vehicles, so it sits above both and reaches each through its service."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.snapshots import cleanup
from factoryai.identity import service as identity
from factoryai.system import service as system
from factoryai.vehicles import service as vehicles


def cleanup_snapshots(
    session: Session,
    settings: Settings,
    *,
    dry_run: bool = False,
    retention_days: int | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """The spec's 90-day cleanup: old image files under the snapshot root, their database references, a
    system_log line. Returns the spec's report plus dry_run and errors."""
    days = retention_days or settings.identity.snapshot_retention_days
    cutoff = (now or utcnow()) - timedelta(days=days)  # a job passes its slot: a late run cuts the same files
    waiting = identity.snapshots_waiting(session)
    report = cleanup(settings.identity.snapshot_dir, cutoff, dry_run=dry_run, keep=waiting)
    if not dry_run:
        identity.forget_snapshots(session, report.deleted)
        vehicles.forget_snapshots(session, report.deleted)
    result: dict[str, object] = {
        "files_deleted": report.files_deleted,
        "disk_space_freed_mb": report.disk_space_freed_mb,
        "success": not report.errors,
        "dry_run": dry_run,
        "retention_days": days,
        "errors": report.errors[:100],
    }
    verb = "would delete" if dry_run else "deleted"
    system.record(
        session,
        "retention.snapshot_cleanup",
        f"{verb} {report.files_deleted} snapshots older than {days} days ({report.disk_space_freed_mb} MB)",
        level="INFO" if not report.errors else "WARNING",
        details=result,
    )
    return result
