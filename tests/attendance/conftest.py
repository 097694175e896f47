"""Fixtures shared by the attendance tests: the day and night shifts, and the site the reports read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.attendance.helpers import CHECK_OUT, ist, new_department, new_employee, new_shift, punched
from tests.attendance.report_helpers import FORMULA_NAME


@pytest.fixture
def day_shift(client, admin_headers) -> int:
    """08:00-17:00, 5 minutes grace, check-in window opening 60 minutes before the start."""
    return new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)


@pytest.fixture
def night_shift(client, admin_headers) -> int:
    """22:00-06:00 (ends the next day), 5 minutes grace."""
    return new_shift(client, admin_headers, "Night", "22:00", "06:00", grace_period_minutes=5)


# --- the reports' site: departments, shifts, employees and five weeks of punches ----------------------------


@dataclass
class Site:
    assembly: int
    paint: int
    day: int
    night: int
    ann: int  # Assembly, day shift
    bob: int  # Paint, day shift
    sum_: int  # Assembly, day shift, named "=SUM(1,2)"
    dan: int  # no department, no shift
    eve: int  # Assembly, day shift, left the company after 2026-10-05
    nina: int  # Paint, night shift


@pytest.fixture
def site(client, admin_headers) -> Site:
    """Punches from 2026-09-30 to 2026-11-02 (all in site time), then absences marked for 2026-10-06.

    ann:  09-30 08:00-17:00 | 10-01 07:55-17:00 | 10-05 08:03-17:00 (grace) | 10-06 08:10-16:00 (late, early)
          10-31 08:00-12:00 (early) | 11-02 08:00 (no check-out)
    bob:  10-05 08:20 (late, no check-out) | 10-06 absent
    =SUM: 10-06 absent
    eve:  10-05 07:59-17:00, then made inactive
    nina: 09-30 22:00-10-01 06:00 | 10-06 absent | 10-31 21:50-11-01 06:00
    """
    h = admin_headers
    assembly = new_department(client, h, "Assembly")
    paint = new_department(client, h, "Paint")
    day = new_shift(client, h, "Day", "08:00", "17:00", grace_period_minutes=5)
    night = new_shift(client, h, "Night", "22:00", "06:00", grace_period_minutes=5)
    s = Site(
        assembly=assembly,
        paint=paint,
        day=day,
        night=night,
        ann=new_employee(client, h, day, "Ann Lee", department_id=assembly),
        bob=new_employee(client, h, day, "Bob Roy", department_id=paint),
        sum_=new_employee(client, h, day, FORMULA_NAME, department_id=assembly),
        dan=new_employee(client, h, None, "Dan Free"),
        eve=new_employee(client, h, day, "Eve Gone", department_id=assembly),
        nina=new_employee(client, h, night, "Nina Night", department_id=paint),
    )

    def shift_worked(employee: int, check_in: str, check_out: str | None = None) -> None:
        assert punched(client, h, employee, check_in)["skipped_duplicate"] is False
        if check_out is not None:
            assert punched(client, h, employee, check_out, url=CHECK_OUT)["action"] == "check_out"

    shift_worked(s.ann, ist(2026, 9, 30, 8, 0), ist(2026, 9, 30, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 1, 7, 55), ist(2026, 10, 1, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 5, 8, 3), ist(2026, 10, 5, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 6, 8, 10), ist(2026, 10, 6, 16, 0))
    shift_worked(s.ann, ist(2026, 10, 31, 8, 0), ist(2026, 10, 31, 12, 0))
    shift_worked(s.ann, ist(2026, 11, 2, 8, 0))
    shift_worked(s.bob, ist(2026, 10, 5, 8, 20))
    shift_worked(s.eve, ist(2026, 10, 5, 7, 59), ist(2026, 10, 5, 17, 0))
    shift_worked(s.nina, ist(2026, 9, 30, 22, 0), ist(2026, 10, 1, 6, 0))
    shift_worked(s.nina, ist(2026, 10, 31, 21, 50), ist(2026, 11, 1, 6, 0))
    response = client.patch(f"/api/v1/employees/{s.eve}", json={"is_active": False}, headers=h)
    assert response.status_code == 200, response.text
    response = client.post("/api/v1/attendance/mark-absent", json={"date": "2026-10-06"}, headers=h)
    assert response.json()["marked_absent"] == 3, response.text  # bob, =SUM, nina
    return s


@pytest.fixture
def viewer(make_user) -> dict[str, str]:
    return make_user("viewer")
