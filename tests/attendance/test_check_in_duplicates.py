"""Double entry: a check-in within 12 hours of another, or for a run that has one, is skipped."""

from __future__ import annotations

from datetime import date

import pytest

from factoryai.attendance.models import AttendanceRecord
from tests.attendance.helpers import instant, ist, new_employee, new_shift, punched, record_for
from tests.db_helpers import count_rows

# --- double entry: another check-in within (t - 12 h, t + 12 h) -----------------------------------------------


@pytest.fixture
def four_hour_shift(client, admin_headers) -> int:
    """08:00-12:00 whose window opens 12 h before the start (20:00 the day before): a second check-in exactly
    12 h after an on-time one is a valid check-in for the next day's run."""
    return new_shift(
        client, admin_headers, "Four hours", "08:00", "12:00", grace_period_minutes=5, checkin_window_before_minutes=720
    )


def test_check_in_11_59_59_later_is_a_duplicate_that_writes_nothing(
    client, admin_headers, session, four_hour_shift
) -> None:
    employee = new_employee(client, admin_headers, four_hour_shift)
    first = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 0))

    again = punched(client, admin_headers, employee, ist(2026, 10, 5, 19, 59, 59))

    assert again["skipped_duplicate"] is True
    assert again["action"] == "check_in"
    assert again["attendance_id"] == first["attendance_id"]
    assert again["attendance_date"] == "2026-10-05"
    assert instant(again["check_in_time"]) == instant(ist(2026, 10, 5, 8, 0, 0))
    assert again["status"] == "PRESENT"
    assert count_rows(session, AttendanceRecord) == 1
    assert record_for(session, employee, date(2026, 10, 6)) is None


def test_check_in_exactly_12_hours_later_is_not_a_duplicate(client, admin_headers, session, four_hour_shift) -> None:
    employee = new_employee(client, admin_headers, four_hour_shift)
    first = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 0))

    second = punched(client, admin_headers, employee, ist(2026, 10, 5, 20, 0, 0))

    assert second["skipped_duplicate"] is False
    assert second["attendance_id"] != first["attendance_id"]
    assert second["attendance_date"] == "2026-10-06"  # the next run's window opened at exactly 20:00
    assert (second["status"], second["grace_period_applied"]) == ("PRESENT", False)
    assert count_rows(session, AttendanceRecord) == 2
    kept = record_for(session, employee, date(2026, 10, 5))
    assert kept is not None
    assert kept["check_in_time"] == instant(ist(2026, 10, 5, 8, 0, 0))


def test_an_older_punch_arriving_late_within_12_hours_is_a_duplicate(
    client, admin_headers, session, four_hour_shift
) -> None:
    """The window is on both sides: an edge device may deliver a punch older than the last one."""
    employee = new_employee(client, admin_headers, four_hour_shift)
    newer = punched(client, admin_headers, employee, ist(2026, 10, 5, 20, 0, 0))  # for 2026-10-06

    older = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 1))

    assert older["skipped_duplicate"] is True
    assert older["attendance_id"] == newer["attendance_id"]
    assert count_rows(session, AttendanceRecord) == 1


def test_an_older_punch_exactly_12_hours_earlier_counts_for_its_own_run(
    client, admin_headers, session, four_hour_shift
) -> None:
    employee = new_employee(client, admin_headers, four_hour_shift)
    punched(client, admin_headers, employee, ist(2026, 10, 5, 20, 0, 0))  # for 2026-10-06

    older = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 0))

    assert older["skipped_duplicate"] is False
    assert older["attendance_date"] == "2026-10-05"
    assert count_rows(session, AttendanceRecord) == 2


def test_a_second_check_in_for_a_run_that_already_has_one_is_skipped(client, admin_headers, session) -> None:
    """More than 12 h apart but for the same run (a long shift with a wide window): still one record."""
    shift = new_shift(client, admin_headers, "Long", "08:00", "23:00", checkin_window_before_minutes=720)
    employee = new_employee(client, admin_headers, shift)
    first = punched(client, admin_headers, employee, ist(2026, 10, 4, 20, 0, 0))  # window of 10-05 opens then
    assert first["attendance_date"] == "2026-10-05"

    second = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 0))

    assert second["skipped_duplicate"] is True
    assert second["attendance_id"] == first["attendance_id"]
    assert instant(second["check_in_time"]) == instant(ist(2026, 10, 4, 20, 0, 0))
    assert count_rows(session, AttendanceRecord) == 1
