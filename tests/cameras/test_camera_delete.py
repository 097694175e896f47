"""Deleting cameras: history blocks it, in the API and the schema; unknown and over-long ids."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.cameras.models import Camera
from factoryai.occupancy.models import OccupancyLog
from factoryai.organization.models import Employee
from tests.cameras.helpers import URL, create, ids
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored


def add_occupancy(session: Session, camera_id: str) -> None:
    session.add(
        OccupancyLog(
            camera_id=camera_id, current_count=3, entries=4, exits=1, timestamp=datetime(2026, 3, 2, 9, tzinfo=UTC)
        )
    )
    session.commit()


def add_attendance(session: Session, check_in_camera: str | None, check_out_camera: str | None) -> None:
    employee = Employee(name="Ann", email="ann@example.com")
    session.add(employee)
    session.flush()
    session.add(
        AttendanceRecord(
            employee_id=employee.id,
            attendance_date=date(2026, 3, 2),
            status="PRESENT",
            check_in_time=datetime(2026, 3, 2, 7, 55, tzinfo=UTC),
            check_out_time=datetime(2026, 3, 2, 16, 5, tzinfo=UTC),
            check_in_camera_id=check_in_camera,
            check_out_camera_id=check_out_camera,
        )
    )
    session.commit()


# --- delete -------------------------------------------------------------------------------------------


def test_delete_fresh_camera(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-KEEP")
    create(client, admin_headers, "CAM-MAIN")
    response = client.delete(f"{URL}/CAM-MAIN", headers=admin_headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(f"{URL}/CAM-MAIN", headers=admin_headers), 404, "not_found")
    assert stored(session, Camera, "CAM-MAIN") is None
    assert ids(client, admin_headers) == ["CAM-KEEP"]


def test_delete_camera_with_occupancy_history_is_409_telling_to_disable(client, admin_headers, session) -> None:
    created = create(client, admin_headers, "CAM-ZONE", role="zone")
    add_occupancy(session, "CAM-ZONE")

    error = assert_error(client.delete(f"{URL}/CAM-ZONE", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"occupancy_log": 1}
    assert "disable" in error["message"]
    assert "enabled=false" in error["message"]
    assert "1 occupancy log row" in error["message"]
    assert client.get(f"{URL}/CAM-ZONE", headers=admin_headers).json() == created
    assert count_rows(session, Camera) == 1
    assert count_rows(session, OccupancyLog) == 1

    disabled = client.patch(f"{URL}/CAM-ZONE", json={"enabled": False}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["enabled"] is False


def test_delete_counts_a_record_that_uses_the_camera_twice_once(client, admin_headers, session) -> None:
    """One attendance record that checked in and out at the same camera is one row in the way, not two."""
    create(client, admin_headers, "CAM-MAIN")
    add_attendance(session, "CAM-MAIN", "CAM-MAIN")
    error = assert_error(client.delete(f"{URL}/CAM-MAIN", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"attendance_record": 1}
    assert "1 attendance record row" in error["message"]


def test_the_database_itself_keeps_a_camera_with_attendance_history(client, admin_headers, session) -> None:
    """The foreign keys restrict in the schema too, not only in the service: history never loses its camera."""
    create(client, admin_headers, "CAM-MAIN")
    add_attendance(session, "CAM-MAIN", None)
    try:
        with pytest.raises(IntegrityError):
            session.execute(delete(Camera).where(Camera.id == "CAM-MAIN"))
    finally:
        session.rollback()
    assert stored(session, Camera, "CAM-MAIN") is not None


def test_unknown_camera_is_404(client, admin_headers) -> None:
    for response in (
        client.get(f"{URL}/CAM-NONE", headers=admin_headers),
        client.patch(f"{URL}/CAM-NONE", json={"name": "x"}, headers=admin_headers),
        client.delete(f"{URL}/CAM-NONE", headers=admin_headers),
    ):
        error = assert_error(response, 404, "not_found")
        assert "CAM-NONE" in error["message"]


def test_camera_path_longer_than_an_id_is_422(client, admin_headers) -> None:
    assert_error(client.get(f"{URL}/{'x' * 51}", headers=admin_headers), 422, "validation_error")
