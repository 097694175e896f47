"""The one error hierarchy. Every API error leaves as {"error": {"code", "message", "details"}}, where details is
always a list of {"field", "message", ...} items, so a client handles every error with one piece of code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Problem = dict[str, Any]


def problem(field: str, message: str, **facts: Any) -> Problem:
    """One item of an error's details: the input it concerns ("body.name", "image", "date"; "" for the request as a
    whole), what is wrong with it, and any further facts a client can act on as extra keys (max_bytes, ...)."""
    return {"field": field, "message": message, **facts}


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: Sequence[Problem] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """``field`` is the short form of ``details=[problem(field, message)]`` for the usual one-field error."""
        super().__init__(message)
        self.message = message
        if details is None and field is not None:
            details = [problem(field, message)]
        self.details: list[Problem] = list(details or ())
        self.headers = headers
        if code is not None:
            self.code = code


class BadRequestError(AppError):
    """A body that cannot be read at all (not UTF-8, broken multipart)."""

    status_code = 400
    code = "bad_request"


class UnauthorizedError(AppError):
    status_code = 401
    code = "unauthorized"


class ForbiddenError(AppError):
    status_code = 403
    code = "forbidden"


class NotFoundError(AppError):
    status_code = 404
    code = "not_found"


class ConflictError(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLargeError(AppError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(AppError):
    status_code = 415
    code = "unsupported_media_type"


class ValidationFailedError(AppError):
    """A request that is well-formed but breaks a business rule (HTTP 422)."""

    status_code = 422
    code = "validation_error"


class TooManyRequestsError(AppError):
    status_code = 429
    code = "too_many_requests"


class ServiceUnavailableError(AppError):
    status_code = 503
    code = "service_unavailable"


def error_body(code: str, message: str, details: Sequence[Problem] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details or ())}}
