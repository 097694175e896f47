"""Check-ins at cameras: the camera is recorded; a punch at an exit camera is a check-out."""

from __future__ import annotations

from factoryai.attendance.models import AttendanceRecord
from tests.attendance.helpers import assert_nothing_written, instant, ist, new_camera, new_employee, punch, punched
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

# --- cameras: an exit camera's punch is a check-out ------------------------------------------------------------


def test_a_check_in_at_an_entrance_camera_records_the_camera(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    camera = new_camera(client, admin_headers, "CAM-MAIN", "entrance")

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 7, 58), camera_id=camera)

    assert result["action"] == "check_in"
    row = stored(session, AttendanceRecord, result["attendance_id"])
    assert row is not None
    assert row["check_in_camera_id"] == "CAM-MAIN"
    assert row["check_out_camera_id"] is None


def test_a_check_in_punch_at_an_exit_camera_is_a_check_out(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    entrance = new_camera(client, admin_headers, "CAM-IN", "entrance")
    exit_camera = new_camera(client, admin_headers, "CAM-OUT", "exit")
    check_in = punched(client, admin_headers, employee, ist(2026, 10, 5, 7, 58), camera_id=entrance)

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 30), camera_id=exit_camera)

    assert result["action"] == "check_out"
    assert result["attendance_id"] == check_in["attendance_id"]
    assert instant(result["check_out_time"]) == instant(ist(2026, 10, 5, 17, 30))
    assert instant(result["check_in_time"]) == instant(ist(2026, 10, 5, 7, 58))
    assert result["is_early_exit"] is False
    assert count_rows(session, AttendanceRecord) == 1
    row = stored(session, AttendanceRecord, check_in["attendance_id"])
    assert row is not None
    assert (row["check_in_camera_id"], row["check_out_camera_id"]) == ("CAM-IN", "CAM-OUT")
    assert row["check_out_time"] == instant(ist(2026, 10, 5, 17, 30))


def test_an_exit_camera_punch_without_a_check_in_is_a_conflict(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    exit_camera = new_camera(client, admin_headers, "CAM-OUT", "exit")

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 8, 0), camera_id=exit_camera, confidence=93)

    assert_error(response, 409, "no_open_check_in")
    assert_nothing_written(session)


def test_an_early_exit_at_an_exit_camera_is_flagged(client, admin_headers, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    exit_camera = new_camera(client, admin_headers, "CAM-OUT", "exit")
    punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0))

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 16, 0), camera_id=exit_camera)

    assert (result["action"], result["is_early_exit"], result["flagged_for_review"]) == ("check_out", True, True)
