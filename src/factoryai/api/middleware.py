"""Pure ASGI middleware (no BaseHTTPMiddleware: it buffers and breaks streaming responses)."""

from __future__ import annotations

import json
import logging
import time
import uuid

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factoryai.core.errors import Problem, error_body, problem
from factoryai.core.logging import request_id_var
from factoryai.core.metrics import HTTP_LATENCY, HTTP_REQUESTS

access_log = logging.getLogger("factoryai.access")
log = logging.getLogger(__name__)
_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")[:64]
            if candidate and set(candidate) <= _SAFE_ID:  # never echo arbitrary bytes into logs/headers
                return candidate
    return uuid.uuid4().hex


class _TooLarge(HTTPException):
    """A streamed body went over the limit. An HTTPException, because FastAPI's body parsing re-raises those
    (anything else becomes a 400); the app's handler renders it in the one error shape, details included."""

    def __init__(self, details: list[Problem]) -> None:
        super().__init__(413, detail=details[0]["message"])
        self.details = details


class RequestContextMiddleware:
    """Request id (X-Request-ID in and out), one access-log line and Prometheus metrics per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            # Unhandled: log it while the request id is still set and answer here, so the 500 carries
            # X-Request-ID and the client's report can be matched to this log line.
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            body = json.dumps(error_body("internal_error", "an internal error occurred; it has been logged")).encode()
            await send_wrapper(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send_wrapper({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            # Label by route template, never the raw path, so ids don't explode the metric cardinality.
            route_label = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(scope["method"], route_label, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route_label).observe(elapsed)
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                scope["path"],
                status,
                elapsed * 1000,
                extra={"method": scope["method"], "path": scope["path"], "status": status, "ms": elapsed * 1000},
            )
            request_id_var.reset(token)


def _is_multipart(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"multipart/form-data"
    return False


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length up front or by counting a streamed body.

    Multipart uploads (camera frames, photos) may be up to ``max_bytes``; every other body (JSON, log-in forms) only
    up to ``max_json_bytes``: parsing and validating a JSON body costs far more CPU per byte than storing an image,
    and no JSON body this API takes is more than a few kilobytes.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, max_json_bytes: int, bulk_json_bytes: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_upload_bytes = max_bytes
        self.max_json_bytes = min(max_json_bytes, max_bytes)
        # Paths of bulk device routes (a batch of 10,000 occupancy samples is ~1.5 MB) and their own JSON caps.
        self.bulk_json_bytes = {path: min(limit, max_bytes) for path, limit in (bulk_json_bytes or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _is_multipart(scope):
            limit = self.max_upload_bytes
        else:
            limit = self.bulk_json_bytes.get(scope.get("path", ""), self.max_json_bytes)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    await _send_error(send, 400, "bad_request", "Content-Length is not a number")
                    return
                if too_big:
                    await self._reject(send, limit)
                    return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI re-raises HTTPException from body parsing (anything else becomes a 400),
                    # so the app's handler renders it in the one error shape.
                    raise _TooLarge(self._details(limit))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if response_started:
                raise
            await self._reject(send, limit)

    def _details(self, limit: int) -> list[Problem]:
        message = f"request body exceeds the {_size(limit)} limit ({limit} bytes)"
        if limit < self.max_upload_bytes:
            message += f"; only multipart/form-data uploads may be larger, up to {_size(self.max_upload_bytes)}"
        return [problem("body", message, max_bytes=limit)]

    async def _reject(self, send: Send, limit: int) -> None:
        details = self._details(limit)
        await _send_error(send, 413, "payload_too_large", details[0]["message"], details)


async def _send_error(send: Send, status: int, code: str, message: str, details: list[Problem] | None = None) -> None:
    body = json.dumps(error_body(code, message, details)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
