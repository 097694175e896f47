"""A recognised check-in (confidence given) writes an access log row; others do not."""

from __future__ import annotations

import pytest

from factoryai.attendance.models import AttendanceRecord
from factoryai.identity.models import AccessLog
from tests.attendance.helpers import (
    all_rows,
    assert_nothing_written,
    instant,
    ist,
    new_camera,
    new_employee,
    punch,
    punched,
)
from tests.conftest import assert_error
from tests.db_helpers import count_rows

# --- access log: a recognised punch (confidence given) -----------------------------------------------------------


def test_a_recognised_check_in_writes_an_access_log_row(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    camera = new_camera(client, admin_headers, "CAM-MAIN", "entrance")

    punched(
        client, admin_headers, employee, ist(2026, 10, 5, 8, 1), camera_id=camera, confidence=97.25, face_id="face-7"
    )

    rows = all_rows(session, AccessLog)
    assert len(rows) == 1
    assert rows[0]["employee_id"] == employee
    assert rows[0]["camera_id"] == "CAM-MAIN"
    assert rows[0]["entry_time"] == instant(ist(2026, 10, 5, 8, 1))
    assert rows[0]["confidence"] == pytest.approx(97.25)
    assert rows[0]["face_id"] == "face-7"


def test_a_punch_without_confidence_writes_no_access_log(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 1))

    assert count_rows(session, AccessLog) == 0
    assert count_rows(session, AttendanceRecord) == 1


def test_a_recognised_duplicate_is_still_access_logged(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 1), confidence=96.0)

    again = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 2), confidence=95.0)

    assert again["skipped_duplicate"] is True
    assert count_rows(session, AttendanceRecord) == 1
    assert [row["entry_time"] for row in all_rows(session, AccessLog)] == [
        instant(ist(2026, 10, 5, 8, 1)),
        instant(ist(2026, 10, 5, 8, 2)),
    ]


def test_a_recognised_check_in_refused_for_the_window_writes_no_access_log(
    client, admin_headers, session, day_shift
) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    camera = new_camera(client, admin_headers, "CAM-MAIN", "entrance")

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 3, 0), camera_id=camera, confidence=99.0)

    assert_error(response, 422, "outside_shift_window")
    assert_nothing_written(session)
