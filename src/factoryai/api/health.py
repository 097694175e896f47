"""GET /api/health (no auth: load balancers and the install check use it) and GET /metrics."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from factoryai import __version__
from factoryai.accounts.deps import Principal, require_scope
from factoryai.accounts.models import ApiKeyScope
from factoryai.core.errors import ServiceUnavailableError, problem
from factoryai.core.routing import ApiRoute
from factoryai.core.web import errors

router = APIRouter(route_class=ApiRoute)
log = logging.getLogger(__name__)


class Health(BaseModel):
    status: str
    version: str
    uptime_seconds: float
    database: str


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
    return Health(status="ok", version=__version__, uptime_seconds=uptime, database="ok")


@router.get(
    "/metrics",
    tags=["system"],
    summary="Prometheus metrics (admin, or an API key with the 'metrics' scope as a bearer token)",
    response_class=Response,
)
def metrics(_principal: Annotated[Principal, Depends(require_scope(ApiKeyScope.METRICS))]) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
