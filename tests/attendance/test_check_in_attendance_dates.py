"""Which date a check-in counts for: overnight shifts and any UTC offset."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from factoryai.attendance.models import AttendanceRecord
from tests.attendance.helpers import (
    all_rows,
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

# --- overnight shift 22:00-06:00: the attendance date is the day it starts -------------------------------------


@pytest.mark.parametrize(
    ("at", "status", "grace_applied"),
    [
        (ist(2026, 10, 5, 21, 0, 0), "PRESENT", False),  # the window opens exactly
        (ist(2026, 10, 5, 21, 30), "PRESENT", False),
        (ist(2026, 10, 5, 22, 0, 0), "PRESENT", False),
        (ist(2026, 10, 5, 22, 4, 59), "PRESENT", True),
        (ist(2026, 10, 5, 22, 5, 0), "LATE", False),
        (ist(2026, 10, 5, 23, 59), "LATE", False),
        (ist(2026, 10, 6, 1, 0), "LATE", False),  # after midnight: still the run that started on 10-05
        (ist(2026, 10, 6, 5, 59, 59), "LATE", False),
    ],
)
def test_overnight_check_ins_belong_to_the_day_the_shift_starts(
    client, admin_headers, session, night_shift, at, status, grace_applied
) -> None:
    employee = new_employee(client, admin_headers, night_shift)

    result = punched(client, admin_headers, employee, at)

    assert result["attendance_date"] == "2026-10-05"
    assert (result["status"], result["grace_period_applied"]) == (status, grace_applied)
    row = record_for(session, employee, date(2026, 10, 5))
    assert row is not None
    assert row["status"] == status
    assert count_rows(session, AttendanceRecord) == 1


@pytest.mark.parametrize(
    ("at", "opens"),
    [
        (ist(2026, 10, 5, 20, 59, 59), ist(2026, 10, 5, 21, 0)),
        (ist(2026, 10, 6, 6, 0, 0), ist(2026, 10, 6, 21, 0)),  # the run ended at 06:00: next opening tonight
        (ist(2026, 10, 6, 12, 0, 0), ist(2026, 10, 6, 21, 0)),
    ],
)
def test_overnight_check_ins_outside_the_window_are_refused(
    client, admin_headers, session, night_shift, at, opens
) -> None:
    employee = new_employee(client, admin_headers, night_shift)

    response = punch(client, admin_headers, employee, at)

    error = assert_error(response, 422, "outside_shift_window")
    assert instant(error["details"][0]["next_window_opens"]) == instant(opens)
    assert_nothing_written(session)


# --- time zones ------------------------------------------------------------------------------------------------


def test_the_same_instant_in_any_offset_gives_the_same_result(client, admin_headers, session, day_shift) -> None:
    forms = ["2026-10-05T02:33:20Z", "2026-10-05T08:03:20+05:30", "2026-10-04T22:33:20-04:00"]
    results = []
    for n, form in enumerate(forms):
        employee = new_employee(client, admin_headers, day_shift, f"Worker {n}")
        results.append(punched(client, admin_headers, employee, form))

    for result in results:
        assert result["attendance_date"] == "2026-10-05"
        assert instant(result["check_in_time"]) == datetime(2026, 10, 5, 2, 33, 20, tzinfo=UTC)
        assert (result["status"], result["is_late"], result["grace_period_applied"]) == ("PRESENT", False, True)
    stored_times = {row["check_in_time"] for row in all_rows(session, AttendanceRecord)}
    assert stored_times == {datetime(2026, 10, 5, 2, 33, 20, tzinfo=UTC)}


def test_the_same_late_instant_in_any_offset_is_late(client, admin_headers, day_shift) -> None:
    forms = ["2026-10-05T02:35:00Z", "2026-10-05T08:05:00+05:30", "2026-10-04T22:35:00-04:00"]
    for n, form in enumerate(forms):
        employee = new_employee(client, admin_headers, day_shift, f"Worker {n}")
        result = punched(client, admin_headers, employee, form)
        assert (result["attendance_date"], result["status"]) == ("2026-10-05", "LATE"), form


@pytest.mark.parametrize("form", ["2026-10-05T19:00:00Z", "2026-10-06T00:30:00+05:30", "2026-10-05T15:00:00-04:00"])
def test_attendance_date_is_the_site_date_not_the_utc_date(client, admin_headers, session, form) -> None:
    """19:00 UTC on 10-05 is 00:30 IST on 10-06: a shift starting at 00:30 runs on 10-06."""
    shift = new_shift(client, admin_headers, "Early", "00:30", "09:00", grace_period_minutes=5)
    employee = new_employee(client, admin_headers, shift)

    result = punched(client, admin_headers, employee, form)

    assert result["attendance_date"] == "2026-10-06"
    assert (result["status"], result["grace_period_applied"]) == ("PRESENT", False)
    assert record_for(session, employee, date(2026, 10, 6)) is not None
