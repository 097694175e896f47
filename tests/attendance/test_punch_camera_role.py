"""Punches come only from entrance and exit cameras: a gate or zone camera naming an employee is refused."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from tests.camera_site import AT_SHIFT_START, add_cameras, add_employee_on_day_shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows

CHECK_IN = "/api/v1/attendance/check-in"
CHECK_OUT = "/api/v1/attendance/check-out"
FACE_CHECK_IN = "/api/v1/attendance/check-in/face"


@pytest.fixture
def employee_id(session: Session) -> int:
    employee = add_employee_on_day_shift(session)
    add_cameras(session, CAM_MAIN="entrance", CAM_EXIT="exit", CAM_GATE="gate", CAM_ZONE="zone")
    session.commit()
    return employee


@pytest.mark.parametrize("url", [CHECK_IN, CHECK_OUT])
@pytest.mark.parametrize(("camera_id", "role"), [("CAM-GATE", "gate"), ("CAM-ZONE", "zone")])
def test_a_punch_from_a_gate_or_zone_camera_is_refused(
    client, make_user, session: Session, employee_id: int, url: str, camera_id: str, role: str
) -> None:
    body = {"employee_id": employee_id, "timestamp": AT_SHIFT_START, "camera_id": camera_id}
    error = assert_error(client.post(url, json=body, headers=make_user("hr")), 422)
    assert {k: v for k, v in error["details"][0].items() if k != "message"} == {
        "field": "camera_id",
        "role": role,
        "allowed_roles": ["entrance", "exit"],
    }
    assert count_rows(session, AttendanceRecord) == 0


def test_entrance_and_exit_cameras_still_punch(client, make_user, session: Session, employee_id: int) -> None:
    hr = make_user("hr")
    body = {"employee_id": employee_id, "timestamp": AT_SHIFT_START, "camera_id": "CAM-MAIN"}
    checked_in = client.post(CHECK_IN, json=body, headers=hr)
    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["action"] == "check_in"
    out = {**body, "timestamp": "2026-03-02T17:05:00+05:30", "camera_id": "CAM-EXIT"}
    checked_out = client.post(CHECK_IN, json=out, headers=hr)
    assert checked_out.status_code == 200, checked_out.text
    assert checked_out.json()["action"] == "check_out"


def test_a_face_punch_from_a_gate_camera_is_refused_before_any_face_is_looked_at(
    client, make_user, employee_id: int
) -> None:
    files = {"image": ("frame.jpg", b"not even an image", "image/jpeg")}
    response = client.post(FACE_CHECK_IN, files=files, data={"camera_id": "CAM-GATE"}, headers=make_user("hr"))
    error = assert_error(response, 422)
    assert error["details"][0]["field"] == "camera_id"
    assert error["details"][0]["role"] == "gate"
