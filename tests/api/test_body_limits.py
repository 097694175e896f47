"""JSON bodies are capped far below uploads, by size and by the count of values; validation errors are listed up to
a cap; large bodies are parsed and validated off the event loop; a body in the wrong media type says what to send."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import File, UploadFile
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from factoryai.api.app import create_app
from factoryai.api.errors import MAX_LISTED_ERRORS
from factoryai.core import routing
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.routing import MAX_JSON_VALUES, OFFLOAD_BYTES, ApiRoute
from factoryai.organization.models import Department
from tests.api.app_routes import api_routes
from tests.conftest import assert_error

JSON_LIMIT = 64 * 1024
UPLOAD_LIMIT = 512 * 1024
DEPARTMENTS = "/api/v1/departments"
JSON = {"Content-Type": "application/json"}


def department_count(engine: Engine) -> int:
    with create_session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(Department))


def unknown_keys(n: int, key_width: int = 6) -> bytes:
    """An object of n unknown keys (each a validation error), keys zero-padded to key_width digits."""
    return json.dumps({f"k{i:0{key_width}d}": 0 for i in range(n)}).encode()


def upload(file: Annotated[UploadFile, File()]) -> dict[str, int]:
    return {"size": len(file.file.read())}


@pytest.fixture
def limited_app(settings: Settings, clean_db: Engine):
    small = settings.model_copy(
        update={
            "server": settings.server.model_copy(
                update={"max_json_body_bytes": JSON_LIMIT, "max_body_bytes": UPLOAD_LIMIT}
            )
        }
    )
    app = create_app(small, engine=clean_db)
    app.add_api_route("/test/upload", upload, methods=["POST"])
    return app


@pytest.fixture
def limited(limited_app) -> Iterator[TestClient]:
    with TestClient(limited_app) as client:
        yield client


# --- the size cap ---------------------------------------------------------------------------------------------


def test_json_over_its_cap_is_413_before_authentication(limited: TestClient, clean_db: Engine) -> None:
    body = b'{"name": "' + b"A" * JSON_LIMIT + b'"}'
    error = assert_error(limited.post(DEPARTMENTS, content=body, headers=JSON), 413, "payload_too_large")
    assert [(d["field"], d["max_bytes"]) for d in error["details"]] == [("body", JSON_LIMIT)]
    assert "64.0 KB" in error["message"]
    assert "multipart/form-data" in error["message"]  # says what may be larger
    assert department_count(clean_db) == 0


def test_chunked_json_over_its_cap_is_413(limited: TestClient, admin_headers: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(JSON_LIMIT // 4096 + 1):
            yield b"A" * 4096
        yield b'"}'

    response = limited.post(DEPARTMENTS, content=chunks(), headers={**admin_headers, **JSON})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_error(response, 413, "payload_too_large")


def test_an_upload_may_be_larger_than_the_json_cap(limited: TestClient) -> None:
    data = b"\xff" * (JSON_LIMIT * 4)
    response = limited.post("/test/upload", files={"file": ("frame.jpg", data, "image/jpeg")})
    assert response.status_code == 200, response.text
    assert response.json() == {"size": len(data)}
    too_big = limited.post("/test/upload", files={"file": ("frame.jpg", b"\xff" * UPLOAD_LIMIT, "image/jpeg")})
    assert_error(too_big, 413, "payload_too_large")


# --- the value budget ---------------------------------------------------------------------------------------------


def test_many_keys_under_the_size_cap_are_413_before_authentication(limited: TestClient, clean_db: Engine) -> None:
    body = unknown_keys(5000, key_width=4)
    assert len(body) < JSON_LIMIT
    error = assert_error(limited.post(DEPARTMENTS, content=body, headers=JSON), 413, "payload_too_large")
    assert f"more than {MAX_JSON_VALUES} values" in error["message"]
    assert [(d["field"], d["max_values"]) for d in error["details"]] == [("body", MAX_JSON_VALUES)]
    assert department_count(clean_db) == 0


def test_values_are_counted_at_every_depth(client: TestClient, admin_headers: dict[str, str]) -> None:
    headers = {**admin_headers, **JSON}
    over = {"name": "Deep", "description": [[0] * 500, [0] * (MAX_JSON_VALUES - 503)]}  # 1,001 members and items
    assert_error(client.post(DEPARTMENTS, content=json.dumps(over), headers=headers), 413, "payload_too_large")
    at = {"name": "Deep", "description": [[0] * 500, [0] * (MAX_JSON_VALUES - 504)]}  # exactly the budget
    error = assert_error(client.post(DEPARTMENTS, content=json.dumps(at), headers=headers), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.description"]


def test_deep_nesting_is_a_client_error(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post(DEPARTMENTS, content=body, headers={**admin_headers, **JSON})
    assert_error(response, 413, "payload_too_large")


# --- listed errors, and the same answers whether a body was validated on the loop or in a thread -----------------


@pytest.mark.parametrize("key_width", [3, 60], ids=["small-body", "offloaded-body"])
def test_validation_errors_are_listed_up_to_the_cap(
    client: TestClient, admin_headers: dict[str, str], clean_db: Engine, key_width: int
) -> None:
    body = unknown_keys(500, key_width)
    assert (len(body) > OFFLOAD_BYTES) == (key_width == 60)
    response = client.post(DEPARTMENTS, content=body, headers={**admin_headers, **JSON})
    error = assert_error(response, 422, "validation_error")
    assert len(error["details"]) == MAX_LISTED_ERRORS
    assert all(d["message"] and d["field"].startswith("body") for d in error["details"])
    # 500 unknown keys and the missing name: the message names the first and counts the rest.
    assert error["message"].startswith(error["details"][0]["field"])
    assert f"and 500 more problems; details lists the first {MAX_LISTED_ERRORS}" in error["message"]
    assert len(response.content) < 10_000
    assert department_count(clean_db) == 0


def test_an_offloaded_body_still_needs_authentication_first(client: TestClient) -> None:
    body = unknown_keys(500, 60)
    assert len(body) > OFFLOAD_BYTES
    assert_error(client.post(DEPARTMENTS, content=body, headers=JSON), 401, "unauthorized")


def test_an_offloaded_body_reports_path_errors_too(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = unknown_keys(30, 600)
    assert len(body) > OFFLOAD_BYTES
    response = client.patch(f"{DEPARTMENTS}/abc", content=body, headers={**admin_headers, **JSON})
    fields = [d["field"] for d in assert_error(response, 422, "validation_error")["details"]]
    assert fields[0] == "path.department_id"
    assert all(f.startswith("body.k") for f in fields[1:])


def test_a_large_valid_body_is_accepted(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    body = b'{"name": "Padded",' + b" " * (OFFLOAD_BYTES * 2) + b'"description": "spaces are not values"}'
    response = client.post(DEPARTMENTS, content=body, headers={**admin_headers, **JSON})
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "spaces are not values"
    assert department_count(clean_db) == 1


def test_large_invalid_json_is_invalid_json(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = b'{"name": "Broken", "description": "' + b"d" * (OFFLOAD_BYTES * 2) + b'",}'
    error = assert_error(client.post(DEPARTMENTS, content=body, headers={**admin_headers, **JSON}), 422, "invalid_json")
    assert "not valid JSON" in error["message"]


def test_large_bodies_are_parsed_off_the_event_loop(
    client: TestClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    parse = routing.parse_json_body

    def recording(body: bytes, max_values: int = routing.MAX_JSON_VALUES) -> Any:
        threads.append(threading.get_ident())
        return parse(body, max_values)

    monkeypatch.setattr(routing, "parse_json_body", recording)
    headers = {**admin_headers, **JSON}
    client.post(DEPARTMENTS, json={"name": "Small one"}, headers=headers)
    client.post(DEPARTMENTS, json={"name": "Small two"}, headers=headers)
    client.post(DEPARTMENTS, content=unknown_keys(300, 60), headers=headers)
    loop, loop_again, worker = threads
    assert loop == loop_again  # small bodies: parsed where the endpoint's dependencies run, on the loop
    assert worker != loop


# --- media types ----------------------------------------------------------------------------------------------


def test_form_data_where_json_is_expected_says_to_send_json(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(DEPARTMENTS, data={"name": "Paint"}, headers=admin_headers)
    error = assert_error(response, 415, "unsupported_media_type")
    assert "Content-Type: application/json" in error["message"]
    assert "application/x-www-form-urlencoded" in error["message"]
    assert error["details"][0]["field"] == "body"


def test_json_without_a_content_type_says_to_send_one(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(DEPARTMENTS, content=b'{"name": "Paint"}', headers=admin_headers)
    error = assert_error(response, 415, "unsupported_media_type")
    assert "no Content-Type was sent" in error["message"]


def test_json_at_the_login_form_says_to_send_form_fields(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "admin", "password": "x"})
    error = assert_error(response, 415, "unsupported_media_type")
    assert "form fields, not JSON" in error["message"]
    assert "username, password" in error["message"]
    assert "application/x-www-form-urlencoded" in error["message"]


def test_json_at_an_upload_route_says_to_send_multipart(limited: TestClient) -> None:
    error = assert_error(limited.post("/test/upload", json={"file": "abc"}), 415, "unsupported_media_type")
    assert "Content-Type: multipart/form-data" in error["message"]


def test_every_route_reads_bodies_through_the_api_route_class(app) -> None:
    plain = [r.path for r in api_routes(app) if not isinstance(r, ApiRoute)]
    assert plain == []
    assert any(isinstance(r, APIRoute) and r.body_field is not None for r in api_routes(app))
