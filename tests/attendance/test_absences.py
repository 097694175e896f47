"""Absences: POST /api/v1/attendance/mark-absent and `factoryai attendance mark-absent` write ABSENT for active
employees whose shift run that date ended without a check-in; idempotent; the weekly off day marks nobody;
a check-in turns an ABSENT record into PRESENT/LATE."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factoryai.api.app import create_app
from factoryai.attendance.models import AttendanceRecord, AttendanceStatus
from factoryai.cli import app as cli_app
from factoryai.system.models import SystemLog
from tests.attendance.helpers import (
    SITE,
    all_rows,
    ingest_key_headers,
    ist,
    new_employee,
    new_shift,
    punched,
    record_for,
)
from tests.conftest import assert_error
from tests.db_helpers import count_rows

URL = "/api/v1/attendance/mark-absent"
MONDAY = date(2026, 10, 5)
SUNDAY = date(2026, 10, 4)
SATURDAY = date(2026, 10, 3)


def mark_absent(client: Any, headers: dict[str, str], day: date | str) -> dict[str, Any]:
    response = client.post(URL, json={"date": str(day)}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def staff(client, admin_headers) -> dict[str, int]:
    """Shifts and employees covering who is and is not marked.

    present: checked in on Monday 2026-10-05; missing: day shift, no punch; night: 22:00-06:00, no punch;
    inactive: not employed any more; no_shift: no shift assigned; retired_shift: on an inactive shift.
    """
    day = new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    night = new_shift(client, admin_headers, "Night", "22:00", "06:00")
    retired = new_shift(client, admin_headers, "Retired", "09:00", "18:00", is_active=False)
    ids = {
        "present": new_employee(client, admin_headers, day, "Ann Lee"),
        "missing": new_employee(client, admin_headers, day, "Bob Roy"),
        "night": new_employee(client, admin_headers, night, "Cara Diaz"),
        "inactive": new_employee(client, admin_headers, day, "Dev Old", is_active=False),
        "no_shift": new_employee(client, admin_headers, None, "Eve Free"),
        "retired_shift": new_employee(client, admin_headers, retired, "Fay Gone"),
        "day_shift": day,
        "night_shift": night,
    }
    punched(client, admin_headers, ids["present"], ist(2026, 10, 5, 8, 2))
    return ids


def statuses(session, day: date) -> dict[int, str]:
    return {
        row["employee_id"]: row["status"]
        for row in all_rows(session, AttendanceRecord)
        if row["attendance_date"] == day
    }


# --- the API --------------------------------------------------------------------------------------------------


def test_marks_active_employees_whose_shift_ended_without_a_check_in(client, admin_headers, session, staff) -> None:
    run = mark_absent(client, admin_headers, MONDAY)

    assert run == {"attendance_date": "2026-10-05", "marked_absent": 2, "skipped_reason": None}
    assert statuses(session, MONDAY) == {
        staff["present"]: "PRESENT",
        staff["missing"]: "ABSENT",
        staff["night"]: "ABSENT",
    }
    missing = record_for(session, staff["missing"], MONDAY)
    assert missing is not None
    assert missing["shift_id"] == staff["day_shift"]
    assert (missing["check_in_time"], missing["check_out_time"]) == (None, None)
    assert (missing["grace_period_applied"], missing["is_early_exit"], missing["flagged_for_review"]) == (
        False,
        False,
        False,
    )
    night = record_for(session, staff["night"], MONDAY)
    assert night is not None
    assert night["shift_id"] == staff["night_shift"]


def test_marking_twice_adds_nothing(client, admin_headers, session, staff) -> None:
    mark_absent(client, admin_headers, MONDAY)
    before = all_rows(session, AttendanceRecord)

    again = mark_absent(client, admin_headers, MONDAY)

    assert again["marked_absent"] == 0
    assert all_rows(session, AttendanceRecord) == before


def test_each_run_is_logged_for_the_administrator(client, admin_headers, session, staff) -> None:
    mark_absent(client, admin_headers, MONDAY)
    mark_absent(client, admin_headers, MONDAY)

    logs = [row for row in all_rows(session, SystemLog) if row["source"] == "attendance.mark_absent"]
    assert [log["details"] for log in logs] == [
        {"attendance_date": "2026-10-05", "marked_absent": 2},
        {"attendance_date": "2026-10-05", "marked_absent": 0},
    ]


def test_the_weekly_off_day_marks_nobody(client, admin_headers, session, staff) -> None:
    run = mark_absent(client, admin_headers, SUNDAY)

    assert run["marked_absent"] == 0
    assert run["attendance_date"] == "2026-10-04"
    assert "sun" in run["skipped_reason"]
    assert count_rows(session, AttendanceRecord) == 1  # only Monday's check-in


def test_saturday_is_a_working_day_by_default(client, admin_headers, session, staff) -> None:
    run = mark_absent(client, admin_headers, SATURDAY)

    assert run["marked_absent"] == 3  # present, missing and night: nobody checked in on Saturday
    assert run["skipped_reason"] is None


@pytest.mark.parametrize(
    ("off_days", "day", "marked"),
    [(["sat"], SATURDAY, 0), (["sat"], SUNDAY, 2), ([], SUNDAY, 2), (["fri", "sat", "sun"], date(2026, 10, 2), 0)],
)
def test_the_weekly_off_days_setting(settings, clean_db, make_user, admin_headers, session, off_days, day, marked):
    settings.attendance.weekly_off_days = off_days
    with TestClient(create_app(settings, engine=clean_db)) as client:
        shift = new_shift(client, admin_headers, "Day", "08:00", "17:00")
        new_employee(client, admin_headers, shift, "Ann Lee")
        new_employee(client, admin_headers, shift, "Bob Roy")

        run = mark_absent(client, make_user("hr"), day)

    assert run["marked_absent"] == marked
    assert (run["skipped_reason"] is not None) is (marked == 0)
    assert count_rows(session, AttendanceRecord) == marked


def test_a_date_whose_shifts_have_not_ended_marks_nobody(client, admin_headers, session, staff) -> None:
    run = mark_absent(client, admin_headers, date(2030, 1, 1))  # a Tuesday, in the future by the real clock

    assert run["marked_absent"] == 0
    assert count_rows(session, AttendanceRecord) == 1


@pytest.mark.parametrize(
    ("now", "marked"),
    [
        (datetime(2026, 10, 5, 16, 59, 59, tzinfo=SITE), set()),  # day shift still running
        (datetime(2026, 10, 5, 17, 0, 0, tzinfo=SITE), {"missing"}),  # day shift over; night shift not started
        (datetime(2026, 10, 6, 5, 59, 59, tzinfo=SITE), {"missing"}),  # night shift still running
        (datetime(2026, 10, 6, 6, 0, 0, tzinfo=SITE), {"missing", "night"}),
    ],
)
def test_nobody_is_absent_before_their_shift_run_ends(
    client, admin_headers, session, staff, monkeypatch, now, marked
) -> None:
    monkeypatch.setattr("factoryai.attendance.service.utcnow", lambda: now.astimezone(UTC))

    run = mark_absent(client, admin_headers, MONDAY)

    assert run["marked_absent"] == len(marked)
    absent = {employee for employee, status in statuses(session, MONDAY).items() if status == "ABSENT"}
    assert absent == {staff[name] for name in marked}


def test_the_register_predicts_exactly_whom_mark_absent_marks(client, admin_headers, session, staff) -> None:
    """Before the job runs, the register already shows ABSENT for those without a record whose shift is over;
    the job must write ABSENT for exactly those people, or the register and the monthly summary disagree.
    (staff["retired_shift"] is on an inactive shift: the job skips them, so the register must not call them
    absent either.)"""
    register = client.get("/api/v1/attendance/register", params={"date": "2026-10-05"}, headers=admin_headers)
    assert register.status_code == 200, register.text
    predicted = {row["employee_id"] for row in register.json()["rows"] if row["status"] == "ABSENT"}

    mark_absent(client, admin_headers, MONDAY)

    written = {employee for employee, status in statuses(session, MONDAY).items() if status == "ABSENT"}
    assert written == {staff["missing"], staff["night"]}
    assert predicted == written


# --- a check-in on a date already marked ABSENT ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("hms", "status", "grace_applied"), [((8, 3, 0), "PRESENT", True), ((9, 30, 0), "LATE", False)]
)
def test_a_late_delivered_punch_turns_absent_into_present_or_late(
    client, admin_headers, session, staff, hms, status, grace_applied
) -> None:
    mark_absent(client, admin_headers, MONDAY)
    absent = record_for(session, staff["missing"], MONDAY)
    assert absent is not None
    assert absent["status"] == "ABSENT"

    result = punched(client, admin_headers, staff["missing"], ist(2026, 10, 5, *hms))

    assert result["skipped_duplicate"] is False
    assert result["attendance_id"] == absent["id"]  # the same row, not a second one
    assert (result["status"], result["grace_period_applied"]) == (status, grace_applied)
    row = record_for(session, staff["missing"], MONDAY)
    assert row is not None
    assert (row["status"], row["grace_period_applied"]) == (status, grace_applied)
    assert row["check_in_time"] is not None
    assert count_rows(session, AttendanceRecord, employee_id=staff["missing"]) == 1


def test_a_record_marked_absent_by_hand_becomes_late_on_check_in(client, admin_headers, session) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    employee = new_employee(client, admin_headers, shift)
    session.add(
        AttendanceRecord(employee_id=employee, shift_id=shift, attendance_date=MONDAY, status=AttendanceStatus.ABSENT)
    )
    session.commit()

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 10, 15))

    assert (result["status"], result["is_late"], result["skipped_duplicate"]) == ("LATE", True, False)
    assert count_rows(session, AttendanceRecord) == 1
    assert (
        punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 0), url="/api/v1/attendance/check-out")[
            "is_early_exit"
        ]
        is False
    )


def test_an_overnight_absence_becomes_late_on_an_after_midnight_check_in(client, admin_headers, session, staff):
    mark_absent(client, admin_headers, MONDAY)

    result = punched(client, admin_headers, staff["night"], ist(2026, 10, 6, 1, 0))

    assert (result["attendance_date"], result["status"]) == ("2026-10-05", "LATE")
    assert count_rows(session, AttendanceRecord, employee_id=staff["night"]) == 1


def test_marking_again_after_the_check_in_keeps_it(client, admin_headers, session, staff) -> None:
    mark_absent(client, admin_headers, MONDAY)
    punched(client, admin_headers, staff["missing"], ist(2026, 10, 5, 8, 3))

    assert mark_absent(client, admin_headers, MONDAY)["marked_absent"] == 0
    row = record_for(session, staff["missing"], MONDAY)
    assert row is not None
    assert row["status"] == "PRESENT"


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"date": "2026-13-01"}, {"date": "yesterday"}, {"date": None}])
def test_a_bad_date_is_refused(client, admin_headers, session, staff, body) -> None:
    assert_error(client.post(URL, json=body, headers=admin_headers), 422, "validation_error")
    assert count_rows(session, AttendanceRecord) == 1


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_may_mark_absences(client, make_user, staff, role) -> None:
    assert mark_absent(client, make_user(role), MONDAY)["marked_absent"] == 2


def test_other_callers_may_not_mark_absences(client, make_user, admin_headers, session, staff) -> None:
    body = {"date": "2026-10-05"}

    assert_error(client.post(URL, json=body, headers=make_user("viewer")), 403, "forbidden")
    assert_error(client.post(URL, json=body, headers=make_user("security")), 403, "forbidden")
    assert_error(client.post(URL, json=body, headers=ingest_key_headers(client, admin_headers)), 403, "forbidden")
    assert_error(client.post(URL, json=body), 401, "unauthorized")
    assert count_rows(session, AttendanceRecord) == 1


# --- the CLI --------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("FACTORYAI_"):
            monkeypatch.delenv(name)
    return {"FACTORYAI_DATABASE__URL": settings.database.url}


def run_cli(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli_app, ["attendance", "mark-absent", *args], env=env)


def test_cli_marks_absences_and_a_second_run_adds_none(cli_env, client, admin_headers, session, staff) -> None:
    first = run_cli(cli_env, "--date", "2026-10-05")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "2026-10-05: 2 marked absent"
    after_first = all_rows(session, AttendanceRecord)

    second = run_cli(cli_env, "--date", "2026-10-05")

    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "2026-10-05: 0 marked absent"
    assert all_rows(session, AttendanceRecord) == after_first
    assert statuses(session, MONDAY) == {
        staff["present"]: "PRESENT",
        staff["missing"]: "ABSENT",
        staff["night"]: "ABSENT",
    }


def test_cli_and_api_agree_that_a_date_is_done(cli_env, client, admin_headers, session, staff) -> None:
    assert mark_absent(client, admin_headers, MONDAY)["marked_absent"] == 2

    result = run_cli(cli_env, "--date", "2026-10-05")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2026-10-05: 0 marked absent"


def test_cli_on_the_weekly_off_day_marks_nobody(cli_env, client, staff, session) -> None:
    result = run_cli(cli_env, "--date", "2026-10-04")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2026-10-04: 0 marked absent (weekly off")
    assert count_rows(session, AttendanceRecord) == 1


def test_cli_refuses_a_malformed_date(cli_env, client, staff, session) -> None:
    result = run_cli(cli_env, "--date", "05/10/2026")

    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
    assert count_rows(session, AttendanceRecord) == 1


def test_cli_defaults_to_yesterday_in_site_time(cli_env, client, staff, session, monkeypatch) -> None:
    # 00:30 IST on 2026-10-06 is still 2026-10-05 in UTC: "yesterday" must be the site's, 2026-10-05.
    monkeypatch.setattr(
        "factoryai.core.clock.utcnow", lambda: datetime(2026, 10, 6, 0, 30, tzinfo=SITE).astimezone(UTC)
    )

    result = run_cli(cli_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2026-10-05: 2 marked absent"
    assert statuses(session, MONDAY)[staff["missing"]] == "ABSENT"
