"""Live video: MJPEG streams (spec: GET /api/video_feed), snapshots, camera status and viewer links.

Viewers are coroutines, not threads: each waits for the newest frame its camera's encoder published and sends the
very same bytes every other viewer gets. Browsers open streams with an <img> tag, which cannot send a header, so
stream and snapshot also take ``?token=`` — a viewer link for one camera (POST …/viewer-token), never the log-in
token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated

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
    ServiceUnavailableError,
    UnauthorizedError,
)
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors
from factoryai.video.broadcast import CONTENT_TYPE
from factoryai.video.encoder import StreamEncoder
from factoryai.video.runtime import CameraRuntime, CameraStatus
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
WAIT_SECONDS = 5.0  # a viewer re-checks that the server is not stopping at least this often
NO_STORE = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # nginx must not buffer a live stream


def get_runtime(request: Request) -> CameraRuntime:
    runtime: CameraRuntime | None = getattr(request.app.state, "video", None)
    if runtime is None:
        raise ServiceUnavailableError(
            "this API process does not run cameras (video.runtime is 'workers'); open the stream on the process "
            "that runs them",
            code="camera_runtime_unavailable",
        )
    return runtime


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


def authorize_viewer(request: Request, camera_id: str, token: str | None, bearer: str | None) -> str:
    """Who may watch, and the camera's id as stored, in one short unit of work in one thread: a stream lives for
    hours and must hold no session, and 50 viewers arriving at once must not each wait for a second thread hop to
    give their connection back (the pool would starve)."""
    with unit_of_work(request.app.state.session_factory) as session:
        viewer(session, camera_id, token, bearer, request.app.state.settings)
        camera = cameras.get_camera(session, camera_id)
        if not camera.enabled:
            raise ConflictError(f"camera {camera.id!r} is disabled; enable it to watch it")
        return camera.id


async def feed_encoder(runtime: CameraRuntime, camera_id: str, width: int | None) -> StreamEncoder:
    feed = runtime.feed(camera_id)
    if feed is None:  # enabled a moment ago, in another process: read the camera list now rather than wait
        await run_in_threadpool(runtime.reload)
        feed = runtime.feed(camera_id)
    if feed is None:
        raise ServiceUnavailableError(f"camera {camera_id!r} is not running yet; try again in a moment")
    return feed.encoder(width)


async def mjpeg(
    runtime: CameraRuntime, camera_id: str, encoder: StreamEncoder, fps: float | None
) -> AsyncIterator[bytes]:
    interval = 1.0 / fps if fps else 0.0
    encoder.acquire()
    try:
        seq = 0
        broadcast = encoder.broadcast
        while True:
            frame = await broadcast.next(seq, WAIT_SECONDS)
            if frame is None:
                if not broadcast.closed:
                    continue  # no frame for a while (the placeholder comes once a second): keep waiting
                if runtime.closing or (feed := runtime.feed(camera_id)) is None:
                    return  # server stopping, or camera removed: end the response
                # The camera restarted (settings changed) or its encoder was replaced: follow it, same response.
                encoder.release()
                encoder = feed.encoder(encoder.width)
                encoder.acquire()
                broadcast, seq = encoder.broadcast, 0
                continue
            seq = frame.seq
            sent_at = time.monotonic()
            yield frame.part
            if interval:
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - sent_at)))
    finally:
        encoder.release()


def stream_response(runtime: CameraRuntime, camera_id: str, encoder: StreamEncoder, fps: float | None) -> Response:
    return StreamingResponse(mjpeg(runtime, camera_id, encoder, fps), media_type=CONTENT_TYPE, headers=NO_STORE)


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
    camera_id = await run_in_threadpool(authorize_viewer, request, camera_id, token, bearer)
    runtime = get_runtime(request)
    return stream_response(runtime, camera_id, await feed_encoder(runtime, camera_id, width), fps)


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
    if camera_id is None:
        if token is None and bearer is None:
            raise UnauthorizedError("authentication required", headers={"WWW-Authenticate": "Bearer"})
        running = get_runtime(request).camera_ids()
        if not running:
            raise NotFoundError("no enabled camera: add one (POST /api/v1/cameras) or pass ?camera_id=")
        camera_id = running[0]
    camera_id = await run_in_threadpool(authorize_viewer, request, camera_id, token, bearer)
    runtime = get_runtime(request)
    return stream_response(runtime, camera_id, await feed_encoder(runtime, camera_id, width), fps)


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
    encoder = await feed_encoder(get_runtime(request), camera_id, width)
    jpeg = await run_in_threadpool(encoder.snapshot)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def _status(camera_id: str, enabled: bool, status: CameraStatus | None) -> CameraStatusRead:
    if status is None:
        reason = "camera is disabled" if not enabled else "camera is starting"
        return CameraStatusRead(
            camera_id=camera_id, enabled=enabled, online=False, input_fps=0, output_fps=0, analysis_fps=0,
            frames_captured=0, frames_dropped=0, reconnects=0, viewers=0, last_frame_at=None,
            last_frame_age_seconds=None, last_error=reason, last_error_at=None,
        )  # fmt: skip
    return CameraStatusRead(enabled=enabled, **status.__dict__)


@router.get(
    f"{API_V1}/cameras/{{camera_id}}/status",
    response_model=CameraStatusRead,
    responses=errors(503),
    summary="Live state of a camera: online, input/output fps, drops, reconnects, last frame, last error",
)
def camera_status(
    camera_id: CameraIdPath, request: Request, session: SessionDep, _user: CurrentUser
) -> CameraStatusRead:
    camera = cameras.get_camera(session, camera_id)
    feed = get_runtime(request).feed(camera.id) if camera.enabled else None
    return _status(camera.id, camera.enabled, feed.status() if feed is not None else None)


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
    runtime: CameraRuntime | None = getattr(request.app.state, "video", None)
    if runtime is not None and request.method not in ("GET", "HEAD"):
        tasks.add_task(runtime.refresh)
