"""The one error shape for every failure, body limits, request ids and CORS."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from factoryai.api.app import create_app
from factoryai.core.config import load_settings
from factoryai.core.db import create_session_factory
from factoryai.core.logging import RequestIdFilter
from factoryai.core.web import SessionDep
from factoryai.organization.models import Department
from tests.conftest import ADMIN_PASSWORD, assert_error

SMALL_LIMIT = 2048
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def department_count(engine: Engine) -> int:
    with create_session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(Department))


@pytest.fixture
def small_body_app(db_url: str, clean_db: Engine):
    settings = load_settings(
        database={"url": db_url},
        server={"max_body_bytes": SMALL_LIMIT},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD},
    )
    return create_app(settings, engine=clean_db)


@pytest.fixture
def small_body_client(small_body_app) -> Iterator[TestClient]:
    with TestClient(small_body_app) as client:
        yield client


def admin_token(client: TestClient) -> dict[str, str]:
    login = client.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def fields(error: dict[str, Any]) -> list[str]:
    return [d["field"] for d in error["details"]]


# --- request validation -------------------------------------------------------------------------------


def test_malformed_json(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    response = client.post(
        "/api/v1/departments",
        content=b'{"name": "Assembly", ',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    error = assert_error(response, 422, "invalid_json")
    assert isinstance(error["details"], list)
    assert department_count(clean_db) == 0


def test_wrong_type(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/employees",
        json={"name": "Asha", "email": "asha@example.com", "shift_id": "morning"},
        headers=admin_headers,
    )
    error = assert_error(response, 422, "validation_error")
    assert fields(error) == ["body.shift_id"]
    assert error["details"][0]["type"] == "int_parsing"
    assert error["details"][0]["message"]
    assert "shift_id" in error["message"]


def test_every_invalid_field_is_listed(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/employees", json={"email": "not-an-email", "department_id": 0}, headers=admin_headers
    )
    error = assert_error(response, 422, "validation_error")
    assert set(fields(error)) == {"body.name", "body.email", "body.department_id"}
    types = {d["field"]: d["type"] for d in error["details"]}
    assert types["body.name"] == "missing"


def test_unknown_field(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    response = client.post("/api/v1/departments", json={"name": "Paint", "colour": "red"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert fields(error) == ["body.colour"]
    assert error["details"][0]["type"] == "extra_forbidden"
    assert department_count(clean_db) == 0


def test_wrong_query_and_path_types(client: TestClient, admin_headers: dict[str, str]) -> None:
    error = assert_error(client.get("/api/v1/employees?limit=lots", headers=admin_headers), 422, "validation_error")
    assert fields(error) == ["query.limit"]
    error = assert_error(client.get("/api/v1/employees/abc", headers=admin_headers), 422, "validation_error")
    assert fields(error) == ["path.employee_id"]


def test_body_that_is_not_an_object(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post("/api/v1/departments", json=["Assembly"], headers=admin_headers)
    assert_error(response, 422, "validation_error")


# --- body size ----------------------------------------------------------------------------------------


def test_body_over_the_limit(small_body_client: TestClient, clean_db: Engine) -> None:
    headers = admin_token(small_body_client)
    body = '{"name": "' + "A" * (SMALL_LIMIT * 2) + '"}'
    response = small_body_client.post(
        "/api/v1/departments", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    error = assert_error(response, 413, "payload_too_large")
    assert [(d["field"], d["max_bytes"]) for d in error["details"]] == [("body", SMALL_LIMIT)]
    assert response.headers.get("x-request-id")
    assert department_count(clean_db) == 0


def test_body_over_the_limit_is_refused_before_authentication(small_body_client: TestClient) -> None:
    response = small_body_client.post("/api/v1/departments", content=b"x" * (SMALL_LIMIT + 1))
    assert_error(response, 413, "payload_too_large")


def test_body_at_the_limit_is_accepted(small_body_client: TestClient, clean_db: Engine) -> None:
    headers = admin_token(small_body_client)
    prefix, suffix = '{"name": "Q", "description": "', '"}'
    body = prefix + "d" * (SMALL_LIMIT - len(prefix) - len(suffix)) + suffix
    assert len(body) == SMALL_LIMIT
    response = small_body_client.post(
        "/api/v1/departments", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    # Not refused for its size: the schema's own length rule answers instead.
    assert response.status_code == 422, response.text
    assert department_count(clean_db) == 0


def test_chunked_body_over_the_limit(small_body_client: TestClient, clean_db: Engine) -> None:
    headers = admin_token(small_body_client)

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(8):
            yield b"A" * 512
        yield b'"}'

    response = small_body_client.post(
        "/api/v1/departments", content=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_error(response, 413, "payload_too_large")
    assert response.headers.get("x-request-id")
    assert department_count(clean_db) == 0


def test_small_chunked_body_passes(small_body_client: TestClient, clean_db: Engine) -> None:
    headers = admin_token(small_body_client)

    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"Chunked"}'

    response = small_body_client.post(
        "/api/v1/departments", content=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Chunked"
    assert department_count(clean_db) == 1


def test_limit_message_states_the_real_limit(small_body_client: TestClient) -> None:
    """A 2048-byte limit must not be announced as a '0.0 MB limit'."""
    error = assert_error(small_body_client.post("/api/v1/departments", content=b"x" * 4096), 413, "payload_too_large")
    assert "0.0 MB" not in error["message"]


# --- routing errors -----------------------------------------------------------------------------------


def test_unknown_route(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing/42")
    assert_error(response, 404, "not_found")
    assert response.headers.get("x-request-id")


def test_wrong_method(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.put("/api/v1/departments", json={"name": "x"}, headers=admin_headers)
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers.get("allow", "")
    assert response.headers.get("x-request-id")


def test_missing_resource_is_404_in_the_shape(client: TestClient, admin_headers: dict[str, str]) -> None:
    error = assert_error(client.get("/api/v1/departments/999999", headers=admin_headers), 404, "not_found")
    assert "999999" in error["message"]


def test_no_authentication_is_401_in_the_shape(client: TestClient) -> None:
    response = client.get("/api/v1/departments")
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"


# --- server-side failures -----------------------------------------------------------------------------


@pytest.fixture
def failing_app(app):
    def boom() -> None:
        raise RuntimeError("secret-internal-detail at /srv/factoryai/core.py")

    def integrity() -> None:
        raise IntegrityError("INSERT INTO department (name) VALUES (?)", {"name": "x"}, Exception("UNIQUE failed"))

    def operational() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    def duplicate_on_flush(session: SessionDep) -> dict[str, bool]:
        session.add(Department(name="Taken"))
        session.flush()
        return {"ok": True}

    def duplicate_on_commit(session: SessionDep) -> dict[str, bool]:
        session.add(Department(name="Taken"))  # no flush: the request's commit meets the duplicate
        return {"ok": True}

    app.add_api_route("/test/boom", boom)
    app.add_api_route("/test/integrity", integrity)
    app.add_api_route("/test/operational", operational)
    app.add_api_route("/test/duplicate-flush", duplicate_on_flush, methods=["POST"])
    app.add_api_route("/test/duplicate-commit", duplicate_on_commit, methods=["POST"])
    return app


@pytest.fixture
def lenient_client(failing_app) -> Iterator[TestClient]:
    with TestClient(failing_app, raise_server_exceptions=False) as client:
        yield client


def test_unexpected_exception_is_500_without_internals(lenient_client: TestClient) -> None:
    response = lenient_client.get("/test/boom")
    assert_error(response, 500, "internal_error")
    for leak in ("Traceback", "RuntimeError", "secret-internal-detail", "/srv/factoryai", 'File "'):
        assert leak not in response.text
    assert response.headers["content-type"].startswith("application/json")


def test_unexpected_exception_response_carries_the_request_id(lenient_client: TestClient) -> None:
    """The 500 is the response whose id matters most: it ties the client's report to the logged traceback."""
    response = lenient_client.get("/test/boom", headers={"X-Request-ID": "trace-500"})
    assert_error(response, 500, "internal_error")
    assert response.headers.get("x-request-id") == "trace-500"


def test_unexpected_exception_is_logged_with_the_request_id(
    lenient_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="factoryai")
    request_filter = RequestIdFilter()
    caplog.handler.addFilter(request_filter)
    try:
        lenient_client.get("/test/boom", headers={"X-Request-ID": "trace-log-500"})
    finally:
        caplog.handler.removeFilter(request_filter)
    errors = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert errors, [r.getMessage() for r in caplog.records]
    assert errors[0].exc_info is not None  # the traceback goes to the log, not to the client
    assert errors[0].request_id == "trace-log-500"


def test_integrity_error_is_409(lenient_client: TestClient) -> None:
    response = lenient_client.get("/test/integrity")
    error = assert_error(response, 409, "conflict")
    assert "UNIQUE failed" not in response.text
    assert "INSERT" not in error["message"]


def test_operational_error_is_503(lenient_client: TestClient) -> None:
    response = lenient_client.get("/test/operational")
    assert_error(response, 503, "database_unavailable")
    assert "connection refused" not in response.text


def test_real_duplicate_on_flush_is_409(lenient_client: TestClient, session, clean_db: Engine) -> None:
    session.add(Department(name="Taken"))
    session.commit()
    assert_error(lenient_client.post("/test/duplicate-flush"), 409, "conflict")
    assert department_count(clean_db) == 1


def test_real_duplicate_on_commit_is_409_not_200(lenient_client: TestClient, session, clean_db: Engine) -> None:
    session.add(Department(name="Taken"))
    session.commit()
    assert_error(lenient_client.post("/test/duplicate-commit"), 409, "conflict")
    assert department_count(clean_db) == 1


# --- request ids --------------------------------------------------------------------------------------


def test_every_response_has_a_request_id(client: TestClient) -> None:
    for method, path in [
        ("GET", "/api/health"),
        ("GET", "/api/v1/departments"),
        ("GET", "/nowhere"),
        ("DELETE", "/api/health"),
    ]:
        response = client.request(method, path)
        assert HEX_ID.match(response.headers.get("x-request-id", "")), (method, path, response.headers)


def test_request_ids_differ_between_requests(client: TestClient) -> None:
    ids = {client.get("/api/health").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


def test_valid_incoming_request_id_is_echoed(client: TestClient) -> None:
    for incoming in ["abc-123", "Trace_ID.42", "a" * 64]:
        assert client.get("/api/health", headers={"X-Request-ID": incoming}).headers["x-request-id"] == incoming


def test_unsafe_incoming_request_id_is_replaced(client: TestClient) -> None:
    for incoming in ["has spaces in it", "line\nbreak", "semi;colon", 'quote"d', "<script>", ""]:
        echoed = client.get("/api/health", headers={"X-Request-ID": incoming}).headers["x-request-id"]
        assert echoed != incoming
        assert HEX_ID.match(echoed), (incoming, echoed)


def test_overlong_request_id_is_cut(client: TestClient) -> None:
    echoed = client.get("/api/health", headers={"X-Request-ID": "b" * 500}).headers["x-request-id"]
    assert len(echoed) <= 64
    assert echoed == "b" * 64


def test_request_id_of_error_responses_is_echoed(client: TestClient) -> None:
    response = client.get("/api/v1/departments", headers={"X-Request-ID": "err-401"})
    assert_error(response, 401, "unauthorized")
    assert response.headers["x-request-id"] == "err-401"


def test_access_log_carries_the_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="factoryai.access")
    request_filter = RequestIdFilter()
    caplog.handler.addFilter(request_filter)
    try:
        client.get("/api/health", headers={"X-Request-ID": "access-1"})
    finally:
        caplog.handler.removeFilter(request_filter)
    lines = [r for r in caplog.records if r.name == "factoryai.access"]
    assert [r.request_id for r in lines] == ["access-1"]
    assert "/api/health" in lines[0].getMessage()
    assert " 200 " in lines[0].getMessage()


# --- CORS ---------------------------------------------------------------------------------------------

ORIGIN = "https://dashboard.example"


def test_no_cors_headers_by_default(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/api/v1/departments", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
def cors_client(db_url: str, clean_db: Engine) -> Iterator[TestClient]:
    settings = load_settings(
        database={"url": db_url},
        server={"cors_origins": [ORIGIN]},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD},
    )
    with TestClient(create_app(settings, engine=clean_db)) as client:
        yield client


def test_cors_headers_for_a_configured_origin(cors_client: TestClient) -> None:
    response = cors_client.get("/api/health", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in response.headers.get("access-control-expose-headers", "").lower()
    assert response.headers.get("x-request-id")


def test_cors_preflight_for_a_configured_origin(cors_client: TestClient) -> None:
    response = cors_client.options(
        "/api/v1/departments",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers.get("access-control-allow-methods", "")


def test_cors_refuses_other_origins(cors_client: TestClient) -> None:
    response = cors_client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = cors_client.options(
        "/api/v1/departments", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.headers.get("access-control-allow-origin") != "https://evil.example"


def test_cors_headers_on_error_responses(cors_client: TestClient) -> None:
    response = cors_client.get("/api/v1/departments", headers={"Origin": ORIGIN})
    assert_error(response, 401, "unauthorized")
    assert response.headers["access-control-allow-origin"] == ORIGIN
