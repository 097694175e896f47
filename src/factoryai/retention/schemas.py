"""Snapshot cleanup bodies (the spec's route)."""

from __future__ import annotations

from pydantic import Field

from factoryai.core.schemas import Bool, InputModel, ReadModel


class SnapshotCleanupRequest(InputModel):
    dry_run: Bool = Field(False, description="Report what would be deleted without deleting anything.")
    retention_days: int | None = Field(
        None, ge=1, le=3650, description="Override identity.snapshot_retention_days for this run."
    )


class SnapshotCleanupResult(ReadModel):
    files_deleted: int
    disk_space_freed_mb: float
    success: bool
    dry_run: bool
    retention_days: int
    errors: list[str]
