"""Live video: MJPEG streams (spec: GET /api/video_feed), snapshots, camera status and viewer links.

Viewers are coroutines, not threads (video/mjpeg.py): each waits for the newest frame its camera's encoder — here,
or in the camera worker this process relays (video/live.py) — published, and sends the very bytes every other
viewer gets. Browsers open streams with an <img> tag, which cannot send a header, so
stream and snapshot also take ``?token=`` — a viewer link for one camera (POST …/viewer-token), never the log-in
token.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from factoryai.accounts import service as accounts
from factoryai.accounts.deps import CurrentUser, oauth2_scheme
from factoryai.accounts.models import User
from factoryai.cameras import service as cameras
from factoryai.core.auth import API_KEY_PREFIX
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors
from factoryai.video.broadcast import CONTENT_TYPE
from factoryai.video.live import LiveVideo
from factoryai.video.mjpeg import mjpeg_response
from factoryai.video.runtime import CameraStatus
from factoryai.video.schemas import CameraStatusRead, ViewerLink

router = APIRouter(tags=["video"], route_class=ApiRoute)
CameraIdPath = Annotated[str, Path(min_length=1, max_length=50)]
FpsQuery = Annotated[float | None, Query(gt=0, le=30, description="Most frames per second to send (default: all).")]
WidthQuery = Annotated[
    int | None,
    Query(ge=160, le=3840, description="Scale down to this width (snapped down to a multiple of 160; never up)."),
]
TokenQuery = Annotated[
    str | None, Query(max_length=2000, description="A viewer link's token (for <img> tags, which send no header).")
]


def get_live(request: Request) -> LiveVideo:
    return request.app.state.live


def viewer(session: Session, camera_id: str, token: str | None, bearer: str | None, settings: Settings) -> User:
    """A viewer link for this camera (?token=), or a logged-in user's bearer token."""
    if token is not None:
        return accounts.user_from_viewer_token(session, token, camera_id, settings)
    if bearer is not None:
        if bearer.startswith(API_KEY_PREFIX):
            raise ForbiddenError("device API keys do not open live video; log in, or use a viewer link")
        return accounts.user_from_token(session, bearer, settings)
    raise UnauthorizedError(
        "authentication required: a bearer token, or ?token= from POST /api/v1/cameras/{id}/viewer-token",
        headers={"WWW-Authenticate": "Bearer"},
    )


def authorize_viewer(request: Request, camera_id: str | None, token: str | None, bearer: str | None) -> str:
    """Who may watch, and the camera's id as stored (None: the first enabled camera), in one short unit of work in
    one thread: a stream lives for hours and must hold no session, and 50 viewers arriving at once must not each
    wait for a second thread hop to give their connection back (the pool would starve)."""
    if token is None and bearer is None and request.headers.get("x-api-key"):  # say so, rather than "who are you?"
        raise ForbiddenError("device API keys do not open live video; log in, or use a viewer link")
    if camera_id is None and token is None and bearer is None:
        raise UnauthorizedError("authentication required", headers={"WWW-Authenticate": "Bearer"})
    with unit_of_work(request.app.state.session_factory) as session:
        if camera_id is None:
            enabled = cameras.enabled_cameras(session)
            if not enabled:
                raise NotFoundError("no enabled camera: add one (POST /api/v1/cameras) or pass ?camera_id=")
            camera_id = enabled[0].id
        viewer(session, camera_id, token, bearer, request.app.state.settings)
        camera = cameras.get_camera(session, camera_id)
        if not camera.enabled:
            raise ConflictError(f"camera {camera.id!r} is disabled; enable it to watch it")
        return camera.id


async def stream_camera_response(
    request: Request, camera_id: str | None, token: str | None, bearer: str | None, fps: float | None, width: int | None
) -> Response:
    camera_id = await run_in_threadpool(authorize_viewer, request, camera_id, token, bearer)
    live = get_live(request)
    stream = await live.stream(camera_id, width)
    return mjpeg_response(stream, fps, lambda old: live.follow(camera_id, old))


STREAM_RESPONSES = {
    200: {"content": {CONTENT_TYPE: {}}, "description": "An endless MJPEG stream (multipart, one JPEG per part)."},
    **errors(401, 403, 404, 409, 503),
}


@router.get(
    f"{API_V1}/cameras/{{camera_id}}/stream.mjpeg",
    response_class=StreamingResponse,
    responses=STREAM_RESPONSES,
    summary="Live MJPEG stream with the AI overlay (bearer token or ?token= viewer link)",
)
async def stream_camera(
    camera_id: CameraIdPath,
    request: Request,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    token: TokenQuery = None,
    fps: FpsQuery = None,
    width: WidthQuery = None,
) -> Response:
    return await stream_camera_response(request, camera_id, token, bearer, fps, width)


@router.get(
    "/api/video_feed",
    response_class=StreamingResponse,
    responses=STREAM_RESPONSES,
    summary="The spec's live stream: the first enabled camera, or ?camera_id=",
)
async def video_feed(
    request: Request,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    camera_id: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    token: TokenQuery = None,
    fps: FpsQuery = None,
    width: WidthQuery = None,
) -> Response:
    return await stream_camera_response(request, camera_id, token, bearer, fps, width)


@router.get(
    f"{API_V1}/cameras/{{camera_id}}/snapshot.jpg",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The newest frame with the overlay."},
        **errors(401, 403, 404, 409, 503),
    },
    summary="The newest frame as one JPEG, with the overlay (bearer token or ?token= viewer link)",
)
async def camera_snapshot(
    camera_id: CameraIdPath,
    request: Request,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
    token: TokenQuery = None,
    width: WidthQuery = None,
) -> Response:
    camera_id = await run_in_threadpool(authorize_viewer, request, camera_id, token, bearer)
    jpeg = await get_live(request).snapshot(camera_id, width)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def _status(camera_id: str, enabled: bool, status: CameraStatus | dict[str, Any] | None) -> CameraStatusRead:
    if status is None:
        reason = "camera is disabled" if not enabled else "no process runs this camera right now"
        return CameraStatusRead(
            camera_id=camera_id, enabled=enabled, online=False, input_fps=0, output_fps=0, analysis_fps=0,
            frames_captured=0, frames_dropped=0, reconnects=0, viewers=0, last_frame_at=None,
            last_frame_age_seconds=None, last_error=reason, last_error_at=None,
        )  # fmt: skip
    values = status if isinstance(status, dict) else asdict(status)
    return CameraStatusRead.model_validate({**values, "camera_id": camera_id, "enabled": enabled})


@router.get(
    f"{API_V1}/cameras/{{camera_id}}/status",
    response_model=CameraStatusRead,
    summary="Live state of a camera: online, input/output fps, drops, reconnects, last frame, last error",
)
def camera_status(
    camera_id: CameraIdPath, request: Request, session: SessionDep, _user: CurrentUser
) -> CameraStatusRead:
    camera = cameras.get_camera(session, camera_id)
    status = get_live(request).status(session, camera.id) if camera.enabled else None
    return _status(camera.id, camera.enabled, status)


@router.post(
    f"{API_V1}/cameras/{{camera_id}}/viewer-token",
    response_model=ViewerLink,
    summary="A signed link to one camera's stream and snapshot for a browser <img> (short-lived)",
)
def create_viewer_token(
    camera_id: CameraIdPath, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> ViewerLink:
    camera = cameras.get_camera(session, camera_id)
    token, expires_at = accounts.issue_viewer_token(user, camera.id, settings)
    base = f"{API_V1}/cameras/{camera.id}"
    return ViewerLink(
        token=token,
        expires_at=expires_at,
        stream_url=f"{base}/stream.mjpeg?token={token}",
        snapshot_url=f"{base}/snapshot.jpg?token={token}",
    )


async def refresh_after_camera_change(request: Request, tasks: BackgroundTasks) -> None:
    """On the camera routes (api/app.py): after a change is committed, the runtime re-reads the camera list."""
    live: LiveVideo | None = getattr(request.app.state, "live", None)
    runtime = live.runtime if live is not None else None
    if runtime is not None and request.method not in ("GET", "HEAD"):
        tasks.add_task(runtime.refresh)
