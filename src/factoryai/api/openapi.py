"""The OpenAPI document the Angular client is generated from: readable operation ids, one tag per domain, and every
error a route can answer documented in the one error shape.

Most error codes follow from what a route depends on, so they are derived rather than written by hand on 60 routes:
authentication (401, 403), a database session (503 while the database is unreachable), parameters or a body (422),
a body (413, the size limit; 415, the wrong media type), a path parameter (404, the thing it names may not
exist). Routes declare the rest themselves with `core.web.errors(...)`: 409, 429, an engine's 503.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from factoryai.accounts.deps import get_principal
from factoryai.core.web import ERROR_DESCRIPTIONS, ErrorResponse, get_session

TAGS = [
    {"name": "accounts", "description": "Log-in, users and roles, device API keys."},
    {"name": "organization", "description": "Departments, shifts and employees."},
    {"name": "attendance", "description": "Punches (by hand, by device, by face), records, HR corrections, reports."},
    {"name": "identity", "description": "Face enrolment and erasure, identification, unknown faces, access log."},
    {"name": "vehicles", "description": "Plate reading and the gate decision, watchlists, alerts, the gate log."},
    {"name": "occupancy", "description": "People counts per zone: samples, live counts, roll-ups, drift, capacity."},
    {"name": "cameras", "description": "Cameras, their roles and settings, device heartbeats."},
    {"name": "video", "description": "Live MJPEG streams with the AI overlay, snapshots, camera status, viewer links."},
    {"name": "retention", "description": "Snapshot retention (the spec's cleanup)."},
    {"name": "system", "description": "Health, metrics, the audit log and scheduled jobs."},
]


def operation_id(route: APIRoute) -> str:
    """`list_employees` -> `listEmployees`: the method name the generated client will have."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _calls(dependant: Dependant) -> Iterable[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def derived_errors(route: APIRoute) -> set[int]:
    calls = set(_calls(route.dependant))
    dependants = [route.dependant, *_dependants(route.dependant)]
    body = any(d.body_params for d in dependants)
    path = any(d.path_params for d in dependants)
    query = any(d.query_params for d in dependants)
    codes: set[int] = set()
    if get_principal in calls:
        codes |= {401, 403}
    if get_session in calls:
        codes.add(503)
    if body:
        codes |= {400, 413, 415}
    if body or path or query:
        codes.add(422)
    if path:
        codes.add(404)
    return codes


def _dependants(dependant: Dependant) -> Iterable[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependants(dependency)


def _forbidden(route: APIRoute) -> str:
    """The 403's description names what the route takes (the role and scope checks carry it as ``accepts``)."""
    accepts = [a for call in _calls(route.dependant) if (a := getattr(call, "accepts", None))]
    return f"Not allowed: this route takes {accepts[-1]}" if accepts else ERROR_DESCRIPTIONS[403]


_ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}


def install(app: FastAPI, routes: list[APIRoute]) -> None:
    """Replace app.openapi with one that adds the derived error responses to the generated document."""
    by_operation = {(method.lower(), route.path): route for route in routes for method in route.methods or ()}
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ErrorResponse", ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                route = by_operation.get((method, path))
                if route is None:
                    continue
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)  # FastAPI's own validation body: this app answers in its one shape
                for code in sorted(derived_errors(route)):
                    description = _forbidden(route) if code == 403 else ERROR_DESCRIPTIONS[code]
                    responses.setdefault(str(code), {"description": description, "content": _ERROR_BODY})
                operation["responses"] = dict(sorted(responses.items()))
        for unused in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
