"""Messages a person can act on: a 403 says what the route takes, details is always a list of {field, message},
times in messages and exports name the site time zone, reports carry department names."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.config import Settings
from tests.conftest import assert_error

CHECK_IN = "/api/v1/attendance/check-in"


def problems(error: dict[str, Any]) -> list[dict[str, Any]]:
    assert isinstance(error["details"], list), error
    for item in error["details"]:
        assert isinstance(item["field"], str), error
        assert isinstance(item["message"], str), error
        assert item["message"], error
    return error["details"]


@pytest.fixture
def site(client: TestClient, admin_headers: dict[str, str]) -> dict[str, int]:
    def created(url: str, body: dict[str, Any]) -> int:
        response = client.post(url, json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    department = created("/api/v1/departments", {"name": "Assembly"})
    shift = created("/api/v1/shifts", {"shift_name": "Day", "start_time": "08:00", "end_time": "17:00"})
    employee = created(
        "/api/v1/employees",
        {
            "name": "Ann Lee",
            "email": "ann@example.com",
            "shift_id": shift,
            "department_id": department,
            "joined_on": "2025-12-01",  # on the books before the reports' January 2026
        },
    )
    return {"department": department, "shift": shift, "employee": employee}


# --- 403s say what the route takes ------------------------------------------------------------------------------


def test_a_viewer_punching_is_told_which_roles_and_scope_may(
    client: TestClient, make_user: Callable[..., dict[str, str]], site: dict[str, int]
) -> None:
    response = client.post(CHECK_IN, json={"employee_id": site["employee"]}, headers=make_user("viewer"))
    error = assert_error(response, 403, "forbidden")
    assert "admin, hr, security" in error["message"]
    assert "'ingest' scope" in error["message"]
    assert "you are viewer" in error["message"]
    assert "administrators" not in error["message"]
    [item] = problems(error)
    assert (item["role"], item["scope"], item["roles"]) == ("viewer", "ingest", ["admin", "hr", "security"])


def test_an_api_key_without_the_scope_is_told_which_it_needs(
    client: TestClient, admin_headers: dict[str, str], site: dict[str, int]
) -> None:
    key = client.post("/api/v1/api-keys", json={"name": "prometheus", "scopes": ["metrics"]}, headers=admin_headers)
    assert key.status_code == 201, key.text
    response = client.post(CHECK_IN, json={"employee_id": site["employee"]}, headers={"X-API-Key": key.json()["key"]})
    error = assert_error(response, 403, "forbidden")
    assert "lacks the 'ingest' scope" in error["message"]
    assert "admin, hr, security" in error["message"]


def test_an_api_key_at_a_user_route_is_told_to_log_in(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = client.post("/api/v1/api-keys", json={"name": "gate box"}, headers=admin_headers).json()["key"]
    error = assert_error(client.post("/api/v1/departments", json={"name": "X"}, headers={"X-API-Key": key}), 403)
    assert "logged-in user with one of the roles: admin, hr" in error["message"]
    assert problems(error)[0]["roles"] == ["admin", "hr"]


def test_the_documented_403_says_what_the_route_takes(app) -> None:
    paths = app.openapi()["paths"]
    check_in = paths[CHECK_IN]["post"]["responses"]["403"]["description"]
    assert check_in == (
        "Not allowed: this route takes an API key with the 'ingest' scope, or a user with one of the roles: "
        "admin, hr, security"
    )
    users = paths["/api/v1/users"]["post"]["responses"]["403"]["description"]
    assert users == "Not allowed: this route takes a logged-in user with one of the roles: admin"


def test_a_role_refusal_lists_the_roles(client: TestClient, make_user: Callable[..., dict[str, str]]) -> None:
    response = client.post("/api/v1/departments", json={"name": "X"}, headers=make_user("security"))
    error = assert_error(response, 403, "forbidden")
    assert error["message"] == "this action needs one of the roles: admin, hr (you are security)"


# --- details is always a list -------------------------------------------------------------------------------------


def test_errors_without_details_have_an_empty_list(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert problems(assert_error(client.get("/api/v1/nothing-here"), 404)) == []
    assert problems(assert_error(client.get("/api/v1/departments"), 401)) == []
    assert problems(assert_error(client.put("/api/v1/departments", json={}, headers=admin_headers), 405)) == []


def test_a_blocked_delete_lists_what_is_in_the_way(
    client: TestClient, admin_headers: dict[str, str], site: dict[str, int]
) -> None:
    error = assert_error(client.delete(f"/api/v1/departments/{site['department']}", headers=admin_headers), 409)
    [item] = problems(error)
    assert (item["table"], item["count"]) == ("employee", 1)


def test_the_documented_error_shape_has_a_list_of_details(app) -> None:
    schema = app.openapi()["components"]["schemas"]
    details = schema["ErrorDetail"]["properties"]["details"]
    assert details["type"] == "array"
    item = schema[details["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(item["required"]) == {"field", "message"}


# --- the site time zone is named ----------------------------------------------------------------------------------


@pytest.fixture
def berlin_client(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    berlin = settings.model_copy(update={"site": settings.site.model_copy(update={"timezone": "Europe/Berlin"})})
    with TestClient(create_app(berlin, engine=clean_db)) as client:
        yield client


def test_the_outside_window_message_names_the_zone(
    client: TestClient, admin_headers: dict[str, str], site: dict[str, int]
) -> None:
    body = {"employee_id": site["employee"], "timestamp": "2026-01-05T20:00:00+05:30"}
    error = assert_error(client.post(CHECK_IN, json=body, headers=admin_headers), 422, "outside_shift_window")
    assert "check-in at 2026-01-05 20:00:00 (Asia/Kolkata)" in error["message"]
    assert "opens at 2026-01-06 07:00 (Asia/Kolkata)" in error["message"]
    [item] = problems(error)
    assert item["field"] == "timestamp"
    assert item["next_window_opens"] == "2026-01-06T07:00:00+05:30"


def csv_header(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exported_times_name_the_zone(berlin_client: TestClient, admin_headers: dict[str, str]) -> None:
    header = csv_header(berlin_client.get("/api/v1/attendance?format=csv", headers=admin_headers))
    assert "check_in (Europe/Berlin)" in header
    header = csv_header(
        berlin_client.get("/api/v1/attendance/register?date=2026-01-05&format=csv", headers=admin_headers)
    )
    assert header[6:8] == ["check_in (Europe/Berlin)", "check_out (Europe/Berlin)"]
    header = csv_header(berlin_client.get("/api/v1/vehicles/log?format=csv", headers=admin_headers))
    assert header[1] == "time (Europe/Berlin)"


# --- department names in reports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["register?date=2026-01-05", "summary?year=2026&month=1"])
def test_reports_carry_department_names(
    client: TestClient, admin_headers: dict[str, str], site: dict[str, int], report: str
) -> None:
    body = client.get(f"/api/v1/attendance/{report}", headers=admin_headers).json()
    [row] = body["rows"]
    assert (row["department_id"], row["department_name"]) == (site["department"], "Assembly")
    response = client.get(f"/api/v1/attendance/{report}&format=csv", headers=admin_headers)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:4] == ["department_id", "department"]
    assert rows[1][2:4] == [str(site["department"]), "Assembly"]
