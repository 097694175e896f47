"""What every router needs from the web layer: the request's unit of work, the settings, the snapshot store,
size-limited upload reads and the one error shape. Auth dependencies live in `accounts.deps`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import PayloadTooLargeError, ValidationFailedError, error_body, problem
from factoryai.core.snapshots import SnapshotStore

# Routers carry the prefix themselves, so the route a request matched (metrics labels, logs) has the full path.
API_V1 = "/api/v1"


async def get_settings(request: Request) -> Settings:  # async: no thread hop for a lookup
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's one unit of work: commit when the endpoint succeeds, roll back when it raises."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_snapshot_store(settings: SettingsDep) -> SnapshotStore:
    return SnapshotStore(settings.identity.snapshot_dir)


SnapshotStoreDep = Annotated[SnapshotStore, Depends(get_snapshot_store)]
# scope="function": commit before the response is sent, so a failed commit is reported, not hidden.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def read_upload(upload: UploadFile, max_mb: float, field: str) -> bytes:
    """The whole file, or 413 rather than holding an oversized image in memory; an empty file is a 422."""
    limit = int(max_mb * 1024 * 1024)
    data = upload.file.read(limit + 1)  # sync: endpoints that take images run in the threadpool
    name = upload.filename or field
    if len(data) > limit:
        message = f"{name} is larger than {max_mb:g} MB"
        raise PayloadTooLargeError(message, details=[problem(field, message, file=name)])
    if not data:
        raise ValidationFailedError(f"{name} is empty", details=[problem(field, f"{name} is empty", file=name)])
    return data


def error_response(
    status_code: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error shape, for the few places that answer an error without raising (the unit of work commits)."""
    return JSONResponse(
        status_code=status_code, content=jsonable_encoder(error_body(code, message, details)), headers=headers
    )


class ErrorItem(BaseModel):
    """One problem: which input, what is wrong with it; some items carry further facts as extra keys."""

    model_config = ConfigDict(extra="allow")

    field: str = Field(
        description='The input it concerns: "body.name", "query.date", "image"; "" for the request as a whole.'
    )
    message: str = Field(description="What is wrong with it, for a person.")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, validation_error.")
    message: str = Field(description="What went wrong, for a person.")
    details: list[ErrorItem] = Field(
        default_factory=list,
        description="Always a list, empty when there is nothing to add: one {field, message} item per problem (at "
        "most the first 20 validation errors; the message counts the rest). Items may carry extra facts as further "
        "keys: type (the validation error), max_bytes, retry_after_seconds, next_window_opens, table and count "
        "(rows that block a delete), roles and scope (what a route accepts).",
    )


class ErrorResponse(BaseModel):
    """The one shape of every 4xx and 5xx answer."""

    error: ErrorDetail


ERROR_DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8 JSON, or a broken multipart upload)",
    401: "Not authenticated (no, expired or revoked credentials)",
    403: "Not allowed for this role or API key",
    404: "Not found",
    409: "Conflicts with existing data",
    413: "Request body or upload too large",
    415: "The body is not in the media type the route takes (JSON, or form fields / multipart)",
    422: "Invalid request",
    429: "Too many attempts; retry after the Retry-After header",
    503: "A service it needs is unavailable (database, face engine, OCR); retry later",
}


def errors(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for the errors a route can answer beyond those derived from its dependencies
    (api/openapi.py): ``responses=errors(409, 503)``; ``descriptions`` override by ``e409="..."``."""
    return {
        code: {"model": ErrorResponse, "description": descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[code])}
        for code in codes
    }
