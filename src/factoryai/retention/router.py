"""POST /api/v1/identity/cleanup-snapshots (the spec's path; the work spans identity and vehicles)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from factoryai.accounts.deps import AdminUser
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1, SessionDep, SettingsDep
from factoryai.retention import service
from factoryai.retention.schemas import SnapshotCleanupRequest, SnapshotCleanupResult

router = APIRouter(prefix=API_V1, tags=["retention"], route_class=ApiRoute)


@router.post(
    "/identity/cleanup-snapshots",
    response_model=SnapshotCleanupResult,
    summary="Delete snapshots older than the retention (spec: 90 days) and their database references",
)
def cleanup_snapshots(
    session: SessionDep,
    settings: SettingsDep,
    _admin: AdminUser,
    body: Annotated[SnapshotCleanupRequest | None, Body()] = None,
) -> SnapshotCleanupResult:
    request = body or SnapshotCleanupRequest()
    result = service.cleanup_snapshots(
        session, settings, dry_run=request.dry_run, retention_days=request.retention_days
    )
    return SnapshotCleanupResult.model_validate(result)
