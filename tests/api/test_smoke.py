"""The newcomer's path: log in as the bootstrap admin, create a department, shift, employee and camera."""

from __future__ import annotations

from tests.conftest import ADMIN_PASSWORD


def test_admin_creates_department_shift_employee_camera(client) -> None:
    login = client.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    dept = client.post("/api/v1/departments", json={"name": "Assembly"}, headers=headers)
    assert dept.status_code == 201, dept.text
    shift = client.post(
        "/api/v1/shifts",
        json={"shift_name": "General", "start_time": "08:00", "end_time": "17:00", "grace_period_minutes": 5},
        headers=headers,
    )
    assert shift.status_code == 201, shift.text
    employee = client.post(
        "/api/v1/employees",
        json={
            "name": "John Smith",
            "email": "John.Smith@Example.com",
            "shift_id": shift.json()["id"],
            "department_id": dept.json()["id"],
        },
        headers=headers,
    )
    assert employee.status_code == 201, employee.text
    assert employee.json()["email"] == "john.smith@example.com"
    camera = client.post(
        "/api/v1/cameras",
        json={"id": "CAM-MAIN", "name": "Main gate", "source_url": "rtsp://cam:pw@10.0.0.5/stream", "role": "entrance"},
        headers=headers,
    )
    assert camera.status_code == 201, camera.text
    assert camera.json()["source_url"] == "rtsp://cam:***@10.0.0.5/stream"

    listed = client.get("/api/v1/employees", params={"department_id": dept.json()["id"]}, headers=headers)
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["name"] == "John Smith"
