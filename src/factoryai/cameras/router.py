"""/api/v1/cameras."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from factoryai.accounts.deps import AdminUser, CurrentUser, Principal, require_scope
from factoryai.accounts.models import ApiKeyScope
from factoryai.cameras import service
from factoryai.cameras.models import CameraRole
from factoryai.cameras.schemas import CameraCreate, CameraRead, CameraUpdate
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import Bool, Page, PageDep, SearchQuery, to_page
from factoryai.core.web import API_V1, SessionDep, errors

router = APIRouter(prefix=API_V1, tags=["cameras"], route_class=ApiRoute)
CameraIdPath = Annotated[str, Path(min_length=1, max_length=50)]
IngestPrincipal = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST))]


@router.get("/cameras", response_model=Page[CameraRead])
def list_cameras(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    role: CameraRole | None = None,
    enabled: Bool | None = None,
    q: SearchQuery = None,
) -> Page[CameraRead]:
    rows = service.list_cameras(session, page, role=role.value if role else None, enabled=enabled, q=q)
    return to_page(CameraRead, *rows, page)


@router.post("/cameras", response_model=CameraRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_camera(data: CameraCreate, session: SessionDep, _admin: AdminUser) -> CameraRead:
    return CameraRead.model_validate(service.create_camera(session, data))


@router.get("/cameras/{camera_id}", response_model=CameraRead)
def get_camera(camera_id: CameraIdPath, session: SessionDep, _user: CurrentUser) -> CameraRead:
    return CameraRead.model_validate(service.get_camera(session, camera_id))


@router.patch("/cameras/{camera_id}", response_model=CameraRead)
def update_camera(camera_id: CameraIdPath, data: CameraUpdate, session: SessionDep, _admin: AdminUser) -> CameraRead:
    return CameraRead.model_validate(service.update_camera(session, camera_id, data))


@router.delete("/cameras/{camera_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
def delete_camera(camera_id: CameraIdPath, session: SessionDep, _admin: AdminUser) -> Response:
    service.delete_camera(session, camera_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/cameras/{camera_id}/heartbeat",
    response_model=CameraRead,
    summary="A camera worker reports that the camera is alive (device API key, scope 'ingest')",
)
def record_camera_heartbeat(camera_id: CameraIdPath, session: SessionDep, _device: IngestPrincipal) -> CameraRead:
    return CameraRead.model_validate(service.record_heartbeat(session, camera_id))
