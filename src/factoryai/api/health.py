"""GET /api/health (no auth: load balancers and the install check use it) and GET /metrics."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from factoryai import __version__
from factoryai.accounts.deps import Principal, require_scope
from factoryai.accounts.models import ApiKeyScope
from factoryai.core.db import unit_of_work
from factoryai.core.errors import ServiceUnavailableError, problem
from factoryai.core.routing import ApiRoute
from factoryai.core.web import SessionDep, errors
from factoryai.video.metrics import CameraCollector

router = APIRouter(route_class=ApiRoute)
log = logging.getLogger(__name__)


class CameraHealth(BaseModel):
    id: str
    online: bool
    input_fps: float
    last_frame_age_seconds: float | None


class Health(BaseModel):
    status: str
    version: str
    uptime_seconds: float
    database: str
    cameras: list[CameraHealth] = Field(
        description="Every running camera: those this process runs and those camera workers last reported. An "
        "offline camera does not make the service unhealthy: its status says why (GET /api/v1/cameras/{id}/status).",
    )


@router.get(
    "/api/health",
    response_model=Health,
    tags=["system"],
    summary="Liveness and database reachability (503 when the database is down)",
    responses=errors(503, e503="The database is not reachable"),
)
def health(request: Request) -> Health:
    uptime = round(time.monotonic() - request.app.state.started_monotonic, 1)
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", exc.__class__.__name__)
        raise ServiceUnavailableError(
            "database unreachable",
            code="database_unavailable",
            details=[
                problem(
                    "database",
                    "unreachable",
                    status="unavailable",
                    database="unreachable",
                    version=__version__,
                    uptime_seconds=uptime,
                )
            ],
        ) from None
    with unit_of_work(request.app.state.session_factory) as session:
        statuses = request.app.state.live.statuses(session)
    cameras = [
        CameraHealth(
            id=status["camera_id"],
            online=bool(status.get("online")),
            input_fps=status.get("input_fps", 0.0),
            last_frame_age_seconds=status.get("last_frame_age_seconds"),
        )
        for status in statuses
    ]
    return Health(status="ok", version=__version__, uptime_seconds=uptime, database="ok", cameras=cameras)


@router.get(
    "/metrics",
    tags=["system"],
    summary="Prometheus metrics (admin, or an API key with the 'metrics' scope as a bearer token)",
    response_class=Response,
)
def metrics(
    request: Request,
    session: SessionDep,
    _principal: Annotated[Principal, Depends(require_scope(ApiKeyScope.METRICS))],
) -> Response:
    # Per camera, read now: the cameras this process runs and those its workers last reported.
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CameraCollector(request.app.state.live.statuses(session)))
    return Response(generate_latest() + generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
