"""Pure ASGI middleware (no BaseHTTPMiddleware: it buffers and breaks streaming responses)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factoryai.core.errors import error_body
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

    def __init__(self, message: str, max_bytes: int) -> None:
        super().__init__(413, detail=message)
        self.details = {"max_bytes": max_bytes}


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


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length up front or by counting a streamed body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    await _send_error(send, 400, "bad_request", "Content-Length is not a number")
                    return
                if too_big:
                    await self._reject(send)
                    return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises HTTPException from body parsing (anything else becomes a 400),
                    # so the app's handler renders it in the one error shape.
                    raise _TooLarge(self._message(), self.max_bytes)
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
            await self._reject(send)

    def _message(self) -> str:
        size = self.max_bytes
        limit = (
            f"{size / 1048576:.1f} MB"
            if size >= 1048576
            else f"{size / 1024:.1f} KB"
            if size >= 1024
            else f"{size} bytes"
        )
        return f"request body exceeds the {limit} limit ({size} bytes)"

    async def _reject(self, send: Send) -> None:
        await _send_error(send, 413, "payload_too_large", self._message(), {"max_bytes": self.max_bytes})


async def _send_error(send: Send, status: int, code: str, message: str, details: Any = None) -> None:
    body = json.dumps(error_body(code, message, details)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
