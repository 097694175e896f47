"""Check-in grace period: on time iff check_in < shift start + grace, at every edge."""

from __future__ import annotations

from datetime import date

import pytest

from factoryai.attendance.models import AttendanceRecord
from tests.attendance.helpers import instant, ist, new_employee, new_shift, punched
from tests.db_helpers import count_rows, stored

# --- grace: on time iff check_in < start + grace ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("hms", "status", "grace_applied"),
    [
        ((7, 59, 59), "PRESENT", False),
        ((8, 0, 0), "PRESENT", False),  # exactly at the start: on time, no grace needed
        ((8, 0, 1), "PRESENT", True),
        ((8, 4, 59), "PRESENT", True),
        ((8, 5, 0), "LATE", False),  # check_in < start + grace is the rule, so start + grace itself is late
        ((8, 5, 1), "LATE", False),
    ],
)
def test_grace_period_edges(client, admin_headers, session, day_shift, hms, status, grace_applied) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    at = ist(2026, 10, 5, *hms)

    result = punched(client, admin_headers, employee, at)

    assert result["action"] == "check_in"
    assert result["skipped_duplicate"] is False
    assert result["employee_id"] == employee
    assert result["shift_id"] == day_shift
    assert result["attendance_date"] == "2026-10-05"
    assert instant(result["check_in_time"]) == instant(at)
    assert result["check_out_time"] is None
    assert result["status"] == status
    assert result["is_late"] is (status == "LATE")
    assert result["grace_period_applied"] is grace_applied
    assert result["is_early_exit"] is False
    assert result["flagged_for_review"] is False

    row = stored(session, AttendanceRecord, result["attendance_id"])
    assert row is not None
    assert row["employee_id"] == employee
    assert row["attendance_date"] == date(2026, 10, 5)
    assert row["check_in_time"] == instant(at)
    assert row["status"] == status
    assert row["grace_period_applied"] is grace_applied
    assert count_rows(session, AttendanceRecord) == 1


def test_without_grace_on_time_means_before_the_start(client, admin_headers) -> None:
    """check_in < start + 0: the last on-time second is 07:59:59; 08:00:00 itself is late."""
    shift = new_shift(client, admin_headers, "Strict", "08:00", "17:00", grace_period_minutes=0)
    before = new_employee(client, admin_headers, shift, "Ann Lee")
    at_start = new_employee(client, admin_headers, shift, "Bob Roy")
    after = new_employee(client, admin_headers, shift, "Cara Diaz")

    first = punched(client, admin_headers, before, ist(2026, 10, 5, 7, 59, 59))
    second = punched(client, admin_headers, at_start, ist(2026, 10, 5, 8, 0, 0))
    third = punched(client, admin_headers, after, ist(2026, 10, 5, 8, 0, 1))

    assert (first["status"], first["is_late"], first["grace_period_applied"]) == ("PRESENT", False, False)
    assert (second["status"], second["is_late"], second["grace_period_applied"]) == ("LATE", True, False)
    assert (third["status"], third["is_late"], third["grace_period_applied"]) == ("LATE", True, False)
