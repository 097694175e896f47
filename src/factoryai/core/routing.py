"""The route class every router uses: how a request body is read before FastAPI validates it.

FastAPI parses and validates a JSON body on the event loop, so one large body stalls every other request (an
18.8 MB object with a million keys once held the whole server for 20 s). The size middleware caps JSON bodies at
``server.max_json_body_bytes``; within that cap, the cost is not the bytes but the count of values, because pydantic
builds one error per unknown key and FastAPI then rewrites each in Python. Measured on the 2-core dev VM: a 1 MiB
object of 75,000 unknown keys takes ~30 ms to parse, ~0.5 s for FastAPI's validation and its error list and ~0.25 s
to render the 7.4 MB answer, all on the event loop without these limits (bench/body_flood.py, docs/benchmarks.md).
So this class, for every route with a body:

* refuses a body in a media type the route does not take with a 415 that says what to send (form fields where JSON
  is expected, JSON at the log-in form), instead of a validation error about missing fields;
* refuses a JSON body of more than MAX_JSON_VALUES object members and array items with 413 before validation: no
  body this API takes has more than a few dozen, so it bounds the errors a body can produce;
* parses and validates a body over OFFLOAD_BYTES in a worker thread. pydantic and the JSON parser hold the GIL while
  they run, so a thread does not make them free; it keeps FastAPI's per-error Python work off the loop, and with the
  value budget what remains on the loop is a bounded pause (measured in bench/body_flood.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response, params
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_body_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from factoryai.core.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, problem

OFFLOAD_BYTES = 16 * 1024  # below this, parsing takes well under a millisecond: a thread hop would cost more
MAX_JSON_VALUES = 1000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def media_type(request: Request) -> str | None:
    value = request.headers.get("content-type")
    return value.split(";", 1)[0].strip().lower() if value else None


def is_json(media: str | None) -> bool:
    return media is not None and (
        media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
    )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool(length and length.strip() != "0") or "transfer-encoding" in request.headers


def _invalid_json(exc: json.JSONDecodeError) -> RequestValidationError:
    # The error FastAPI itself raises for a body it cannot parse, so the handler renders both alike.
    error = {"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error", "input": {}}
    return RequestValidationError([{**error, "ctx": {"error": exc.msg}}])


def _over_budget(data: Any, limit: int) -> bool:
    """Whether the parsed body holds more than ``limit`` object members and array items, at any depth."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            count += len(item)
            stack.extend(item)
        if count > limit:
            return True
    return False


def parse_json_body(body: bytes, max_values: int = MAX_JSON_VALUES) -> Any:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise _invalid_json(exc) from None
    except UnicodeDecodeError:
        message = "the body is not UTF-8 text: send JSON encoded as UTF-8"
        raise BadRequestError(message, details=[problem("body", message)]) from None
    except RecursionError:
        raise PayloadTooLargeError(
            "the JSON body is nested too deeply", details=[problem("body", "nested too deeply")]
        ) from None
    if _over_budget(data, max_values):
        message = f"the JSON body holds more than {max_values} values (object members and array items)"
        raise PayloadTooLargeError(message, details=[problem("body", message, max_values=max_values)])
    return data


def _flat_body_params(dependant: Dependant) -> list[ModelField]:
    """The body fields of the route and of its dependencies (the log-in form's fields come from a dependency)."""
    found, pending = [], [dependant]
    while pending:
        current = pending.pop()
        found.extend(current.body_params)
        pending.extend(reversed(current.dependencies))
    return found


class _NotABody:
    """A stand-in body no schema accepts (not None, not a mapping, not a list), so FastAPI's own validation fails
    at once with one error per body field."""


def _parse_and_validate(
    body: bytes, body_params: list[ModelField], embed: bool, max_values: int
) -> tuple[Any, list[dict[str, Any]]]:
    """In a worker thread: the parsed body and FastAPI's own validation errors for it (none when valid)."""
    data = parse_json_body(body, max_values)
    # request_body_to_args is a coroutine only because form bodies are awaited; for JSON it never awaits, and in
    # a worker thread it needs a loop of its own.
    _values, errors = asyncio.run(request_body_to_args(body_params, data, embed))
    return data, errors


class ApiRoute(APIRoute):
    """Set as ``route_class`` on every router (a test checks it). A bulk route (device batches) subclasses it with a
    larger ``max_json_values``, and the app gives its path a larger byte cap (BodySizeLimitMiddleware)."""

    max_json_values = MAX_JSON_VALUES

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler
        body_params = _flat_body_params(self.dependant)
        embed = self._embed_body_fields
        if isinstance(self.body_field.field_info, params.Form):
            takes_files = any(isinstance(p.field_info, params.File) for p in body_params)
            required = [p.alias for p in body_params if p.field_info.is_required()]
            return _form_handler(handler, required or [p.alias for p in body_params], takes_files)

        async def handle(request: Request) -> Response:
            body = await request.body()
            if not body:
                return await handler(request)
            media = media_type(request)
            if not is_json(media):
                got = f"got {media}" if media else "no Content-Type was sent"
                message = f"this route takes a JSON body: send it with Content-Type: application/json ({got})"
                raise UnsupportedMediaTypeError(message, details=[problem("body", message, content_type=media)])
            if len(body) <= OFFLOAD_BYTES:
                request._json = parse_json_body(body, self.max_json_values)  # cached: request.json() returns it
                return await handler(request)
            data, errors = await run_in_threadpool(_parse_and_validate, body, body_params, embed, self.max_json_values)
            if not errors:
                request._json = data
                return await handler(request)
            # Authentication and the other parameters still come first (a stranger learns nothing about the schema
            # from a 422), so FastAPI runs as usual on a body that fails at once, and its errors become these.
            request._json = _NotABody()
            try:
                return await handler(request)
            except RequestValidationError as exc:
                others = [e for e in exc.errors() if tuple(e.get("loc", ()))[:1] != ("body",)]
                raise RequestValidationError([*others, *errors]) from None

        return handle


def _form_handler(
    handler: Callable[[Request], Coroutine[Any, Any, Response]], fields: Sequence[str], takes_files: bool
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    # A route taking files also reads a plain form (it then says which file is missing); anything else is refused.
    wanted = "multipart/form-data" if takes_files else " or ".join(FORM_TYPES)

    async def handle(request: Request) -> Response:
        media = media_type(request)
        if _has_body(request) and media not in FORM_TYPES:
            got = f"got {media}" if media else "no Content-Type was sent"
            what = "files and form fields" if takes_files else "form fields, not JSON"
            message = f"this route takes {what} ({', '.join(fields)}): send Content-Type: {wanted} ({got})"
            raise UnsupportedMediaTypeError(message, details=[problem("body", message, content_type=media)])
        return await handler(request)

    return handle
