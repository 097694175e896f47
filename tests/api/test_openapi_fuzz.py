"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis + Hypothesis).

For every operation, generated requests -- valid ones and deliberately invalid ones -- must never get a 5xx,
every status they get must be one the operation documents (the generated Angular client relies on it), and every
4xx answer must carry the one error shape {"error": {"code", "message", "details"}}. Requests are
sent as an admin so the handlers and the database really run, on SQLite and on PostgreSQL (which rejects
what SQLite lets through: integers beyond BIGINT, NUL bytes in text).

Nothing is excluded: every operation the app publishes is fuzzed, including log-in, the API-key endpoints and
/metrics. Responses are checked here rather than with schemathesis' built-in schema-conformance checks because
FastAPI documents its own validation-error body, while this app deliberately answers in its one error shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from factoryai.api.app import create_app
from factoryai.core.auth import API_KEY_PREFIX
from factoryai.core.config import load_settings

MAX_EXAMPLES = 30

# Path parameter name -> id of the seeded row, for the test that is running (set by the `seeded` fixture).
_SEEDED: dict[str, Any] = {}


def _seed(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """A department, shift, employee, camera, extra user, API key and attendance record, through the API."""

    def created(response: Any) -> dict[str, Any]:
        assert response.status_code == 201, response.text
        return response.json()

    dept = created(client.post("/api/v1/departments", json={"name": "Fuzz Assembly"}, headers=headers))
    shift = created(
        client.post(
            "/api/v1/shifts",
            json={"shift_name": "Fuzz Shift", "start_time": "22:00", "end_time": "06:00"},
            headers=headers,
        )
    )
    employee = created(
        client.post(
            "/api/v1/employees",
            json={
                "name": "Fuzz Adam",
                "email": "fuzz@example.com",
                "shift_id": shift["id"],
                "department_id": dept["id"],
            },
            headers=headers,
        )
    )
    camera = created(
        client.post(
            "/api/v1/cameras",
            json={"id": "CAM-FUZZ", "name": "Fuzz cam", "source_url": "rtsp://u:p@10.0.0.9/s", "role": "entrance"},
            headers=headers,
        )
    )
    user = created(
        client.post(
            "/api/v1/users",
            json={"username": "fuzz-viewer", "password": "viewer-pass-1", "role": "viewer"},
            headers=headers,
        )
    )
    key = created(client.post("/api/v1/api-keys", json={"name": "fuzz device"}, headers=headers))
    assert key["key"].startswith(API_KEY_PREFIX)
    punch = client.post(
        "/api/v1/attendance/check-in",
        json={"employee_id": employee["id"], "timestamp": "2026-01-05T22:05:00+05:30"},
        headers=headers,
    )
    assert punch.status_code == 200, punch.text
    return {
        "attendance_id": punch.json()["attendance_id"],
        "department_id": dept["id"],
        "shift_id": shift["id"],
        "employee_id": employee["id"],
        "camera_id": camera["id"],
        "user_id": user["id"],
        "key_id": key["id"],
    }


@pytest.fixture
def seeded(client: Any, admin_headers: dict[str, str]) -> Iterator[dict[str, Any]]:
    # The live event stream never ends while the app runs, and the in-process client reads a body to its end: end
    # the streams at once, as a stopping server does (tests/api/test_live_events.py streams over HTTP).
    client.app.state.live_events.close_streams()
    rows = _seed(client, admin_headers)
    _SEEDED.clear()
    _SEEDED.update(rows)
    yield rows
    _SEEDED.clear()


# The schema does not depend on the database, so it is loaded once at import from an app that never starts;
# each test then sends its cases to the `app` fixture (a started app on a clean, seeded database).
# (schemathesis.pytest.from_fixture would be the lazy alternative, but with pytest 9 it fails on
# `Function._nodeid`; an eager schema is collected per operation and per backend instead.)
schema = schemathesis.openapi.from_dict(create_app(load_settings()).openapi())


def _assert_error_shape(response: Any, description: str) -> None:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        pytest.fail(f"{description}: error body is not JSON: {response.text[:500]!r}")
    assert isinstance(body, dict), f"{description}: not the error shape: {body!r}"
    assert set(body) == {"error"}, f"{description}: not the error shape: {body!r}"
    error = body["error"]
    assert isinstance(error, dict), f"{description}: not the error shape: {body!r}"
    assert set(error) == {"code", "message", "details"}, f"{description}: not the error shape: {body!r}"
    assert isinstance(error["code"], str), f"{description}: {body!r}"
    assert error["code"], f"{description}: {body!r}"
    assert isinstance(error["message"], str), f"{description}: {body!r}"
    assert error["message"], f"{description}: {body!r}"
    details = error["details"]
    assert isinstance(details, list), f"{description}: details is not a list: {body!r}"
    for item in details:
        assert isinstance(item, dict), f"{description}: {body!r}"
        assert isinstance(item.get("field"), str), f"{description}: {body!r}"
        assert isinstance(item.get("message"), str), f"{description}: {body!r}"


@schema.hook
def before_generate_case(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Steer the fuzzing phase's cases toward the handlers (the coverage phase sends its cases unchanged).

    * About half the cases with ids in their path are pointed at the seeded rows, so updates, deletes and
      "still referenced" conflicts run, not only 404s.
    * The schema offers a bearer token or X-API-Key, so schemathesis generates X-API-Key values; the app tries
      a given API key first, so keeping every one would end most cases in 401. About a quarter keep it (the
      API-key path is fuzzed too); the rest run as the admin whose token the test sends.
    """
    return st.tuples(strategy, st.booleans(), st.sampled_from((False, False, False, True))).map(_steer)


def _steer(drawn: tuple[Any, bool, bool]) -> Any:
    case, use_existing, keep_api_key = drawn
    if use_existing and case.path_parameters:
        for name in list(case.path_parameters):
            if name in _SEEDED:
                case.path_parameters[name] = _SEEDED[name]
    if not keep_api_key and case.headers:
        for name in [n for n in case.headers if n.lower() == "x-api-key"]:
            del case.headers[name]
    return case


def _no_cameras_here(response: Any) -> bool:
    """The live-video routes' documented 503 on an app that runs no cameras. The fuzzed app runs none on purpose: an
    MJPEG stream never ends, and the in-process client reads a body to its end (tests/video streams over HTTP)."""
    if response.status_code != 503:
        return False
    body = response.json()
    return body["error"]["code"] == "camera_not_running"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ directory left behind; failures print their reproduction instead
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_one_error_shape(case: Any, app: Any, admin_headers: dict[str, str], seeded: Any) -> None:
    try:
        response = case.call(app=app, headers=admin_headers)
    except Exception as exc:
        # The in-process transport re-raises what the app's 500 handler rendered, as a real server would log it.
        pytest.fail(f"{case.method} {case.formatted_path} raised {exc!r} (a 500):\n{case.as_curl_command()}")
    description = f"{case.method} {case.formatted_path} -> {response.status_code}\n{case.as_curl_command()}"
    if not _no_cameras_here(response):
        assert response.status_code < 500, f"{description}\nserver error: {response.text[:2000]}"
    if case.method.upper() == case.operation.method.upper():  # not the 405s of methods the path does not have
        documented = sorted(case.operation.definition.raw["responses"])
        assert str(response.status_code) in documented, f"{description}\nundocumented status; documents {documented}"
    if response.status_code >= 400:
        _assert_error_shape(response, description)


# The values random generation finds only by luck, sent every run: NUL bytes (PostgreSQL text cannot hold them),
# integers beyond 32/64 bits (PostgreSQL INTEGER/BIGINT overflow), and NaN/Infinity (Python's json parser accepts
# them; JSON output must never contain them). Each must end in a 4xx in the one error shape, never a 5xx.
NUL = "a\x00b"
HUGE = 2**63
EDGE_REQUESTS = [
    ("POST", "/api/v1/departments", {"json": {"name": NUL}}),
    ("POST", "/api/v1/departments", {"json": {"name": "Edge", "description": NUL}}),
    ("POST", "/api/v1/shifts", {"json": {"shift_name": NUL, "start_time": "08:00", "end_time": "17:00"}}),
    ("POST", "/api/v1/employees", {"json": {"name": NUL, "email": "edge@example.com"}}),
    (
        "POST",
        "/api/v1/cameras",
        {"json": {"id": "CAM-EDGE", "name": NUL, "source_url": "rtsp://10.0.0.1/s", "role": "entrance"}},
    ),
    ("GET", "/api/v1/cameras/CAM%00X", {}),
    ("POST", "/api/v1/users", {"json": {"username": "edge-user", "password": NUL * 4, "role": "viewer"}}),
    (
        "POST",
        "/api/v1/users",
        {"json": {"username": "edge-user", "password": "edge-pass-1", "role": "viewer", "full_name": NUL}},
    ),
    ("POST", "/api/v1/api-keys", {"json": {"name": NUL}}),
    ("POST", "/api/v1/auth/login", {"data": {"username": NUL, "password": "whatever-1"}}),
    ("GET", f"/api/v1/departments/{HUGE}", {}),
    ("GET", f"/api/v1/employees/{2**31}", {}),
    ("GET", "/api/v1/departments", {"params": {"limit": str(HUGE)}}),
    ("GET", "/api/v1/departments", {"params": {"offset": str(HUGE)}}),
    ("GET", "/api/v1/employees", {"params": {"department_id": str(HUGE)}}),
    ("POST", "/api/v1/employees", {"json": {"name": "Edge", "email": "edge@example.com", "department_id": HUGE}}),
    ("POST", "/api/v1/employees", {"json": {"name": "Edge", "email": "edge@example.com", "shift_id": 2**31}}),
    (
        "POST",
        "/api/v1/shifts",
        {"json": {"shift_name": "Edge", "start_time": "08:00", "end_time": "17:00", "grace_period_minutes": HUGE}},
    ),
    ("PATCH", f"/api/v1/users/{HUGE}", {"json": {"is_active": False}}),
    ("DELETE", f"/api/v1/api-keys/{HUGE}", {}),
    (
        "POST",
        "/api/v1/cameras",
        {
            "content": b'{"id": "CAM-NAN", "name": "n", "source_url": "rtsp://h/s", "role": "entrance",'
            b' "settings": {"analysis_fps": NaN, "min_confidence": Infinity}}',
            "headers": {"Content-Type": "application/json"},
        },
    ),
    (
        "POST",
        "/api/v1/cameras",
        {
            "content": b'{"id": "CAM-NAN", "name": "n", "source_url": "rtsp://h/s", "role": "zone",'
            b' "settings": {"counting_line": [[NaN, 0], [1, 1e400]]}}',
            "headers": {"Content-Type": "application/json"},
        },
    ),
    ("POST", "/api/v1/departments", {"content": b'{"name": NaN}', "headers": {"Content-Type": "application/json"}}),
]


@pytest.mark.parametrize(
    ("method", "url", "kwargs"), EDGE_REQUESTS, ids=[f"{m} {u} {i}" for i, (m, u, _) in enumerate(EDGE_REQUESTS)]
)
def test_edge_values_are_client_errors(
    app: Any, admin_headers: dict[str, str], method: str, url: str, kwargs: dict[str, Any]
) -> None:
    kwargs = dict(kwargs)
    headers = {**admin_headers, **kwargs.pop("headers", {})}
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(method, url, headers=headers, **kwargs)
    description = f"{method} {url} {kwargs!r} -> {response.status_code}"
    assert 400 <= response.status_code < 500, f"{description}: {response.text[:1000]}"
    _assert_error_shape(response, description)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/departments", {"q": NUL}),
        ("/api/v1/employees", {"q": NUL}),
        ("/api/v1/cameras", {"q": NUL}),
        ("/api/v1/system/logs", {"source": NUL}),
    ],
)
def test_nul_in_a_search_filter_is_refused_or_matches_nothing(
    app: Any, seeded: dict[str, Any], admin_headers: dict[str, str], url: str, params: dict[str, str]
) -> None:
    """A filter with a NUL may be refused (PostgreSQL) or run, but must not match rows it does not match.

    The seeded rows' names contain "a" (the text before the NUL), so a filter cut short at the NUL would list them.
    """
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(url, params=params, headers=admin_headers)
    description = f"GET {url} {params!r} -> {response.status_code}"
    assert response.status_code < 500, f"{description}: {response.text[:1000]}"
    if response.status_code >= 400:
        _assert_error_shape(response, description)
    else:
        assert response.status_code == 200, description
        assert response.json()["total"] == 0, f"{description}: {response.json()}"
