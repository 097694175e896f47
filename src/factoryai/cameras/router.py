"""/api/v1/cameras."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from factoryai.accounts.deps import AdminUser, CurrentUser, Principal, require_scope
from factoryai.accounts.models import ApiKeyScope
from factoryai.accounts.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from factoryai.cameras import service, workers
from factoryai.cameras.models import CameraRole
from factoryai.cameras.schemas import (
    CameraCreate,
    CameraRead,
    CameraUpdate,
    WorkerAssignment,
    WorkerCamera,
    WorkerHeartbeat,
    WorkerRead,
)
from factoryai.core.clock import utcnow
from factoryai.core.errors import ForbiddenError
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import Bool, Page, PageDep, SearchQuery
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors

router = APIRouter(prefix=API_V1, tags=["cameras"], route_class=ApiRoute)
# Creating a device key binds it to cameras that must exist, a cameras rule (CONTRIBUTING rule 1); the route is
# documented with the other key routes, under accounts.
device_keys_router = APIRouter(prefix=API_V1, tags=["accounts"], route_class=ApiRoute)
CameraIdPath = Annotated[str, Path(min_length=1, max_length=50)]
IngestPrincipal = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST))]


@router.get("/cameras", response_model=Page[CameraRead])
def list_cameras(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    role: CameraRole | None = None,
    enabled: Bool | None = None,
    q: SearchQuery = None,
) -> Page[CameraRead]:
    rows, total = service.list_cameras(session, page, role=role.value if role else None, enabled=enabled, q=q)
    items = [CameraRead.shown_to(camera, user.role) for camera in rows]
    return Page[CameraRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/cameras", response_model=CameraRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_camera(data: CameraCreate, session: SessionDep, admin: AdminUser) -> CameraRead:
    return CameraRead.shown_to(service.create_camera(session, data), admin.role)


@router.get("/cameras/{camera_id}", response_model=CameraRead)
def get_camera(camera_id: CameraIdPath, session: SessionDep, user: CurrentUser) -> CameraRead:
    return CameraRead.shown_to(service.get_camera(session, camera_id), user.role)


@router.patch("/cameras/{camera_id}", response_model=CameraRead)
def update_camera(camera_id: CameraIdPath, data: CameraUpdate, session: SessionDep, admin: AdminUser) -> CameraRead:
    return CameraRead.shown_to(service.update_camera(session, camera_id, data), admin.role)


@router.delete("/cameras/{camera_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
def delete_camera(camera_id: CameraIdPath, session: SessionDep, _admin: AdminUser) -> Response:
    service.delete_camera(session, camera_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/cameras/{camera_id}/heartbeat",
    response_model=CameraRead,
    summary="A camera worker reports that the camera is alive (device API key, scope 'ingest')",
)
def record_camera_heartbeat(camera_id: CameraIdPath, session: SessionDep, caller: IngestPrincipal) -> CameraRead:
    caller.check_camera(camera_id)
    camera = service.record_heartbeat(session, camera_id)
    return CameraRead.shown_to(camera, caller.user.role if caller.user else None)


@device_keys_router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create a device API key bound to its cameras (the key is shown once)",
)
def create_api_key(data: ApiKeyCreate, session: SessionDep, admin: AdminUser) -> ApiKeyCreated:
    key, plaintext = service.create_device_key(session, data, admin)
    return ApiKeyCreated.model_validate({**ApiKeyRead.model_validate(key).model_dump(), "key": plaintext})


@router.post(
    "/workers/heartbeat",
    response_model=WorkerAssignment,
    responses=errors(403),
    summary="A camera worker announces itself and its streams, and learns which cameras to open (device API key)",
)
def worker_heartbeat(
    data: WorkerHeartbeat, session: SessionDep, settings: SettingsDep, caller: IngestPrincipal
) -> WorkerAssignment:
    if caller.api_key is None:
        raise ForbiddenError("camera workers announce themselves with a device API key (factoryai api-key create)")
    for camera_id in data.cameras or ():
        caller.check_camera(camera_id)
    cameras, held = workers.heartbeat(session, caller.api_key, data, utcnow(), settings.video.worker_lease_seconds)
    return WorkerAssignment(
        cameras=[WorkerCamera.model_validate(camera) for camera in cameras],
        lease_seconds=settings.video.worker_lease_seconds,
        held_elsewhere=held,
    )


@router.get("/workers", response_model=list[WorkerRead], summary="Camera workers and the cameras each one runs")
def list_workers(session: SessionDep, settings: SettingsDep, _admin: AdminUser) -> list[WorkerRead]:
    now = utcnow()
    stale = timedelta(seconds=settings.video.worker_lease_seconds)
    return [
        WorkerRead(
            id=worker.id,
            stream_url=worker.stream_url,
            cameras=workers.cameras_of(session, worker.id, now),
            started_at=worker.started_at,
            last_seen_at=worker.last_seen_at,
            online=now - worker.last_seen_at < stale,
            outbox=worker.outbox,
        )
        for worker in workers.list_workers(session)
    ]
