"""Exception handlers: every 4xx/5xx leaves in the one JSON shape, never with a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from factoryai.core.errors import AppError, problem
from factoryai.core.web import error_response

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    503: "service_unavailable",
}


# A body with thousands of mistakes must not produce a response thousands of items long (a million unknown keys once
# gave a 92.9 MB answer): the first few say what is wrong, the message counts the rest.
MAX_LISTED_ERRORS = 20


def _validation_details(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        problem(".".join(str(part) for part in err.get("loc", ())), err.get("msg", ""), type=err.get("type", ""))
        for err in errors[:MAX_LISTED_ERRORS]
    ]


async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    details = _validation_details(errors)
    invalid_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if invalid_json is not None:
        reason = (invalid_json.get("ctx") or {}).get("error")
        message = "request body is not valid JSON" + (f": {reason}" if reason else "")
        return error_response(422, "invalid_json", message, details)
    first = details[0] if details else problem("", "invalid request")
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    if len(errors) > len(details):
        message += f" (and {len(errors) - 1} more problems; details lists the first {len(details)})"
    return error_response(422, "validation_error", message, details)


UNREADABLE_BODY = (
    "the request body could not be read: send JSON (Content-Type: application/json), or multipart/form-data where "
    "a route takes files"
)


async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 400 and message == "There was an error parsing the body":  # FastAPI's own wording
        message = UNREADABLE_BODY
    details = getattr(exc, "details", None)
    return error_response(exc.status_code, code, message, details, getattr(exc, "headers", None))


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    # Services turn the integrity errors they expect into specific messages; this is the safety net
    # (e.g. a concurrent insert of the same unique value) so the client still gets a 409, not a 500.
    log.warning("integrity error reached the handler: %s", getattr(exc, "orig", exc))
    return error_response(409, "conflict", "the request conflicts with existing data")


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    # Schemas bound what they can; this catches what only the database knows (e.g. a NUL in a query string).
    log.warning("data error reached the handler: %s", getattr(exc, "orig", exc))
    return error_response(422, "validation_error", "a value was refused by the database (out of range or invalid)")


async def _operational_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", getattr(exc, "orig", exc))
    return error_response(503, "database_unavailable", "the database is not reachable; try again shortly")


async def _unhandled(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "an internal error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _operational_error)
    app.add_exception_handler(Exception, _unhandled)
