"""Every APIRoute an app serves, also those of included routers (FastAPI 0.165 includes routers by reference)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute


def api_routes(app: Any) -> Iterator[APIRoute]:
    stack = list(app.routes)
    while stack:
        route = stack.pop()
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            stack.extend(included.routes)
