"""The check-in window [start - window, end): its opening, its length and its close."""

from __future__ import annotations

from datetime import date

from factoryai.attendance.models import AttendanceRecord
from tests.attendance.helpers import (
    assert_nothing_written,
    instant,
    ist,
    new_employee,
    new_shift,
    punch,
    punched,
    record_for,
)
from tests.conftest import assert_error
from tests.db_helpers import count_rows

# --- the check-in window: [start - window, end) ----------------------------------------------------------------


def test_window_opening_exactly_counts(client, admin_headers, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 7, 0, 0))

    assert result["attendance_date"] == "2026-10-05"
    assert (result["status"], result["grace_period_applied"]) == ("PRESENT", False)


def test_one_second_before_the_window_opens_is_refused_with_the_opening_time(
    client, admin_headers, session, day_shift
) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 6, 59, 59), confidence=97.5)

    error = assert_error(response, 422, "outside_shift_window")
    assert instant(error["details"][0]["next_window_opens"]) == instant(ist(2026, 10, 5, 7, 0, 0))
    assert error["details"][0]["next_window_opens"].endswith("+05:30")  # told in site time
    assert "2026-10-05 07:00" in error["message"]
    assert_nothing_written(session)


def test_a_custom_window_length_moves_the_opening(client, admin_headers, session) -> None:
    shift = new_shift(client, admin_headers, "Short window", "08:00", "17:00", checkin_window_before_minutes=15)
    early = new_employee(client, admin_headers, shift, "Ann Lee")
    on_edge = new_employee(client, admin_headers, shift, "Bob Roy")

    refused = punch(client, admin_headers, early, ist(2026, 10, 5, 7, 44, 59))
    accepted = punched(client, admin_headers, on_edge, ist(2026, 10, 5, 7, 45, 0))

    error = assert_error(refused, 422, "outside_shift_window")
    assert instant(error["details"][0]["next_window_opens"]) == instant(ist(2026, 10, 5, 7, 45))
    assert accepted["attendance_date"] == "2026-10-05"
    assert record_for(session, early, date(2026, 10, 5)) is None


def test_window_closes_at_the_shift_end(client, admin_headers, session, day_shift) -> None:
    last_second = new_employee(client, admin_headers, day_shift, "Ann Lee")
    at_end = new_employee(client, admin_headers, day_shift, "Bob Roy")

    accepted = punched(client, admin_headers, last_second, ist(2026, 10, 5, 16, 59, 59))
    refused = punch(client, admin_headers, at_end, ist(2026, 10, 5, 17, 0, 0))

    assert (accepted["attendance_date"], accepted["status"]) == ("2026-10-05", "LATE")
    error = assert_error(refused, 422, "outside_shift_window")
    assert instant(error["details"][0]["next_window_opens"]) == instant(ist(2026, 10, 6, 7, 0))
    assert count_rows(session, AttendanceRecord) == 1
