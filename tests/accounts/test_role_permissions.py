"""What the viewer, hr, security and admin roles may and may not do across the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import assert_error

# ------------------------------------------------------------------------------------------------ roles

SHIFT = {"shift_name": "General", "start_time": "08:00", "end_time": "17:00", "grace_period_minutes": 5}


def _camera(camera_id: str) -> dict[str, Any]:
    return {"id": camera_id, "name": "Gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance"}


def _user(username: str) -> dict[str, Any]:
    return {"username": username, "password": "long-enough-pw", "role": "viewer"}


def test_viewer_can_read_departments_but_not_create(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    viewer = make_user("viewer")
    assert client.get("/api/v1/departments", headers=viewer).status_code == 200

    response = client.post("/api/v1/departments", json={"name": "Paint"}, headers=viewer)

    error = assert_error(response, 403, "forbidden")
    assert "admin" in error["message"]
    assert "hr" in error["message"]
    assert [d["role"] for d in error["details"]] == ["viewer"]
    assert client.get("/api/v1/departments", headers=viewer).json()["total"] == 0


def test_viewer_cannot_manage_users_and_is_told_admin_is_needed(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    viewer = make_user("viewer")
    error = assert_error(client.get("/api/v1/users", headers=viewer), 403, "forbidden")
    assert "admin" in error["message"]
    assert "hr" not in error["message"]


def test_hr_creates_departments_employees_shifts_but_not_cameras_or_users(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    hr = make_user("hr")

    dept = client.post("/api/v1/departments", json={"name": "Assembly"}, headers=hr)
    assert dept.status_code == 201, dept.text
    shift = client.post("/api/v1/shifts", json=SHIFT, headers=hr)
    assert shift.status_code == 201, shift.text
    employee = client.post(
        "/api/v1/employees",
        json={
            "name": "Asha Rao",
            "email": "asha@example.com",
            "department_id": dept.json()["id"],
            "shift_id": shift.json()["id"],
        },
        headers=hr,
    )
    assert employee.status_code == 201, employee.text

    camera = client.post("/api/v1/cameras", json=_camera("CAM-HR"), headers=hr)
    error = assert_error(camera, 403, "forbidden")
    assert "admin" in error["message"]
    assert_error(client.post("/api/v1/users", json=_user("made-by-hr"), headers=hr), 403, "forbidden")
    assert_error(client.post("/api/v1/api-keys", json={"name": "k"}, headers=hr), 403, "forbidden")

    # Nothing was created by the refused requests.
    assert client.get("/api/v1/cameras", headers=admin_headers).json()["total"] == 0
    names = [u["username"] for u in client.get("/api/v1/users", headers=admin_headers).json()["items"]]
    assert "made-by-hr" not in names


def test_security_reads_but_does_not_create_employees(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/employees", json={"name": "Ravi", "email": "ravi@example.com"}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    security = make_user("security")

    listed = client.get("/api/v1/employees", headers=security)
    assert listed.status_code == 200, listed.text
    assert [e["name"] for e in listed.json()["items"]] == ["Ravi"]
    assert client.get(f"/api/v1/employees/{created.json()['id']}", headers=security).status_code == 200

    response = client.post("/api/v1/employees", json={"name": "Mallory", "email": "m@example.com"}, headers=security)
    error = assert_error(response, 403, "forbidden")
    assert "hr" in error["message"]
    assert [d["role"] for d in error["details"]] == ["security"]
    assert_error(client.patch(f"/api/v1/employees/{created.json()['id']}", json={"name": "X"}, headers=security), 403)
    assert client.get("/api/v1/employees", headers=security).json()["total"] == 1


def test_admin_can_do_all(client: TestClient, admin_headers: dict[str, str]) -> None:
    dept = client.post("/api/v1/departments", json={"name": "Stores"}, headers=admin_headers)
    assert dept.status_code == 201, dept.text
    shift = client.post("/api/v1/shifts", json=SHIFT, headers=admin_headers)
    assert shift.status_code == 201, shift.text
    employee = client.post(
        "/api/v1/employees",
        json={"name": "Kiran", "email": "kiran@example.com", "department_id": dept.json()["id"]},
        headers=admin_headers,
    )
    assert employee.status_code == 201, employee.text
    camera = client.post("/api/v1/cameras", json=_camera("CAM-ADMIN"), headers=admin_headers)
    assert camera.status_code == 201, camera.text
    user = client.post("/api/v1/users", json=_user("made-by-admin"), headers=admin_headers)
    assert user.status_code == 201, user.text
    key = client.post("/api/v1/api-keys", json={"name": "gate worker"}, headers=admin_headers)
    assert key.status_code == 201, key.text
    for path in ("/api/v1/users", "/api/v1/api-keys", "/api/v1/cameras", "/api/v1/employees", "/metrics"):
        assert client.get(path, headers=admin_headers).status_code == 200, path
