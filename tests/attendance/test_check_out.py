"""POST /api/v1/attendance/check-out: early exit at its edges (day and overnight shifts), later check-outs
replace earlier ones, the 20-hour reach back to the check-in, no open check-in, cameras, time zones."""

from __future__ import annotations

from datetime import date

import pytest

from factoryai.attendance.models import AttendanceRecord, AttendanceStatus
from factoryai.identity.models import AccessLog
from tests.attendance.helpers import (
    CHECK_OUT,
    all_rows,
    ingest_key_headers,
    instant,
    ist,
    new_camera,
    new_employee,
    new_shift,
    punch,
    punched,
    record_for,
)
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored


def checked_in(client, headers, shift: int, at: str) -> tuple[int, int]:
    """A new employee on the shift who checked in at ``at``: (employee id, attendance id)."""
    employee = new_employee(client, headers, shift)
    result = punched(client, headers, employee, at)
    assert result["skipped_duplicate"] is False
    return employee, result["attendance_id"]


# --- early exit: check_out < end - early_exit_grace -------------------------------------------------------------


@pytest.mark.parametrize(
    ("hms", "early"),
    [((16, 59, 59), True), ((17, 0, 0), False), ((17, 0, 1), False), ((12, 0, 0), True)],
)
def test_early_exit_edge_without_grace(client, admin_headers, session, day_shift, hms, early) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    at = ist(2026, 10, 5, *hms)

    result = punched(client, admin_headers, employee, at, url=CHECK_OUT)

    assert result["action"] == "check_out"
    assert result["skipped_duplicate"] is False
    assert result["attendance_id"] == record_id
    assert result["attendance_date"] == "2026-10-05"
    assert instant(result["check_in_time"]) == instant(ist(2026, 10, 5, 8, 0))
    assert instant(result["check_out_time"]) == instant(at)
    assert result["status"] == "PRESENT"  # a check-out never changes how the day started
    assert result["is_early_exit"] is early
    assert result["flagged_for_review"] is early  # early exits are flagged for review
    row = stored(session, AttendanceRecord, record_id)
    assert row is not None
    assert row["check_out_time"] == instant(at)
    assert (row["is_early_exit"], row["flagged_for_review"], row["status"]) == (early, early, "PRESENT")
    assert count_rows(session, AttendanceRecord) == 1


@pytest.mark.parametrize(("hms", "early"), [((16, 49, 59), True), ((16, 50, 0), False), ((16, 55, 0), False)])
def test_early_exit_edge_with_a_ten_minute_grace(client, admin_headers, hms, early) -> None:
    shift = new_shift(client, admin_headers, "Lenient", "08:00", "17:00", early_exit_grace_minutes=10)
    employee, _ = checked_in(client, admin_headers, shift, ist(2026, 10, 5, 7, 55))

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, *hms), url=CHECK_OUT)

    assert (result["is_early_exit"], result["flagged_for_review"]) == (early, early)


def test_a_late_arrival_keeps_its_status_on_check_out(client, admin_headers, day_shift) -> None:
    employee, _ = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 30))

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 15), url=CHECK_OUT)

    assert (result["status"], result["is_late"], result["is_early_exit"]) == ("LATE", True, False)


@pytest.mark.parametrize(
    ("check_in", "check_out", "early"),
    [
        (ist(2026, 10, 5, 21, 30), ist(2026, 10, 6, 5, 50), True),
        (ist(2026, 10, 5, 21, 30), ist(2026, 10, 6, 5, 59, 59), True),
        (ist(2026, 10, 5, 21, 30), ist(2026, 10, 6, 6, 0, 0), False),
        (ist(2026, 10, 5, 23, 59), ist(2026, 10, 6, 6, 10), False),
        (ist(2026, 10, 6, 1, 0), ist(2026, 10, 6, 6, 0, 0), False),  # checked in after midnight (late)
        (ist(2026, 10, 5, 21, 30), ist(2026, 10, 5, 23, 0), True),  # left before midnight
    ],
)
def test_overnight_check_out_is_judged_against_the_next_day_end(
    client, admin_headers, session, night_shift, check_in, check_out, early
) -> None:
    employee, record_id = checked_in(client, admin_headers, night_shift, check_in)

    result = punched(client, admin_headers, employee, check_out, url=CHECK_OUT)

    assert result["attendance_id"] == record_id
    assert result["attendance_date"] == "2026-10-05"
    assert (result["is_early_exit"], result["flagged_for_review"]) == (early, early)
    row = record_for(session, employee, date(2026, 10, 5))
    assert row is not None
    assert row["check_out_time"] == instant(check_out)
    assert record_for(session, employee, date(2026, 10, 6)) is None


# --- repeated check-outs: a later one replaces, an earlier one changes nothing ------------------------------------


def test_a_later_check_out_replaces_an_earlier_one(client, admin_headers, session, day_shift) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    first = punched(client, admin_headers, employee, ist(2026, 10, 5, 16, 0), url=CHECK_OUT)
    assert (first["is_early_exit"], first["flagged_for_review"]) == (True, True)

    later = punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 30), url=CHECK_OUT)

    assert later["skipped_duplicate"] is False
    assert later["attendance_id"] == record_id
    assert instant(later["check_out_time"]) == instant(ist(2026, 10, 5, 17, 30))
    assert (later["is_early_exit"], later["flagged_for_review"]) == (False, False)
    row = stored(session, AttendanceRecord, record_id)
    assert row is not None
    assert row["check_out_time"] == instant(ist(2026, 10, 5, 17, 30))
    assert (row["is_early_exit"], row["flagged_for_review"]) == (False, False)


@pytest.mark.parametrize("hms", [(17, 10, 0), (17, 30, 0), (9, 0, 0)])
def test_an_earlier_or_repeated_check_out_changes_nothing(client, admin_headers, session, day_shift, hms) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    camera = new_camera(client, admin_headers, "CAM-OUT", "exit")
    punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 30), url=CHECK_OUT)
    before = stored(session, AttendanceRecord, record_id)

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, *hms), url=CHECK_OUT, camera_id=camera)

    assert result["skipped_duplicate"] is True
    assert result["attendance_id"] == record_id
    assert instant(result["check_out_time"]) == instant(ist(2026, 10, 5, 17, 30))
    assert (result["is_early_exit"], result["flagged_for_review"]) == (False, False)
    assert stored(session, AttendanceRecord, record_id) == before  # camera included: nothing changed
    assert count_rows(session, AttendanceRecord) == 1


# --- which check-in a check-out closes -----------------------------------------------------------------------------


def test_no_check_in_at_all_is_a_conflict_and_writes_nothing(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 17, 0), url=CHECK_OUT, confidence=98.0)

    assert_error(response, 409, "no_open_check_in")
    assert count_rows(session, AttendanceRecord) == 0
    assert count_rows(session, AccessLog) == 0


def test_a_check_out_before_the_only_check_in_is_a_conflict(client, admin_headers, session, day_shift) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 7, 59, 59), url=CHECK_OUT)

    assert_error(response, 409, "no_open_check_in")
    row = stored(session, AttendanceRecord, record_id)
    assert row is not None
    assert row["check_out_time"] is None


def test_a_check_out_reaches_back_less_than_20_hours(client, admin_headers, session, day_shift) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    too_far = punch(client, admin_headers, employee, ist(2026, 10, 6, 4, 0, 0), url=CHECK_OUT)  # exactly 20 h
    assert_error(too_far, 409, "no_open_check_in")
    assert stored(session, AttendanceRecord, record_id)["check_out_time"] is None  # type: ignore[index]

    result = punched(client, admin_headers, employee, ist(2026, 10, 6, 3, 59, 59), url=CHECK_OUT)

    assert result["attendance_id"] == record_id
    assert result["is_early_exit"] is False
    assert stored(session, AttendanceRecord, record_id)["check_out_time"] == instant(  # type: ignore[index]
        ist(2026, 10, 6, 3, 59, 59)
    )


def test_a_check_out_closes_the_latest_check_in(client, admin_headers, session, day_shift) -> None:
    employee, monday = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    tuesday = punched(client, admin_headers, employee, ist(2026, 10, 6, 8, 2))["attendance_id"]

    result = punched(client, admin_headers, employee, ist(2026, 10, 6, 17, 5), url=CHECK_OUT)

    assert result["attendance_id"] == tuesday
    assert result["attendance_date"] == "2026-10-06"
    assert stored(session, AttendanceRecord, monday)["check_out_time"] is None  # type: ignore[index]
    assert stored(session, AttendanceRecord, tuesday)["check_out_time"] == instant(  # type: ignore[index]
        ist(2026, 10, 6, 17, 5)
    )


def test_an_absent_record_has_nothing_to_close(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    session.add(
        AttendanceRecord(
            employee_id=employee, shift_id=day_shift, attendance_date=date(2026, 10, 5), status=AttendanceStatus.ABSENT
        )
    )
    session.commit()

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 17, 0), url=CHECK_OUT)

    assert_error(response, 409, "no_open_check_in")
    row = record_for(session, employee, date(2026, 10, 5))
    assert row is not None
    assert (row["status"], row["check_out_time"]) == ("ABSENT", None)


def test_a_check_out_is_never_a_duplicate_check_in(client, admin_headers, session, day_shift) -> None:
    """A check-out soon after the check-in is a check-out, not a repeated check-in."""
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 1), url=CHECK_OUT)

    assert (result["action"], result["skipped_duplicate"], result["is_early_exit"]) == ("check_out", False, True)
    assert result["attendance_id"] == record_id


def test_a_check_out_at_the_very_instant_of_the_check_in_closes_nothing(
    client, admin_headers, session, day_shift
) -> None:
    """A check-out is after the check-in it closes (HR corrections enforce check_out_time > check_in_time);
    one at the same instant (the same face seen by both cameras) must not leave a zero-length day."""
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 8, 0, 0), url=CHECK_OUT)

    assert_error(response, 409, "no_open_check_in")
    row = stored(session, AttendanceRecord, record_id)
    assert row is not None
    assert (row["check_out_time"], row["is_early_exit"], row["flagged_for_review"]) == (None, False, False)


# --- time zones -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "early"),
    [
        ("2026-10-05T11:29:59Z", True),
        ("2026-10-05T16:59:59+05:30", True),
        ("2026-10-05T07:29:59-04:00", True),
        ("2026-10-05T11:30:00Z", False),
        ("2026-10-05T17:00:00+05:30", False),
        ("2026-10-05T07:30:00-04:00", False),
    ],
)
def test_check_out_time_in_any_offset(client, admin_headers, session, day_shift, form, early) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, "2026-10-05T02:30:00Z")

    result = punched(client, admin_headers, employee, form, url=CHECK_OUT)

    assert result["is_early_exit"] is early
    assert instant(result["check_out_time"]) == instant(form)
    assert stored(session, AttendanceRecord, record_id)["check_out_time"] == instant(form)  # type: ignore[index]


# --- cameras, access log, roles -------------------------------------------------------------------------------


def test_the_check_out_endpoint_records_the_camera_whatever_its_role(client, admin_headers, session, day_shift) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    camera = new_camera(client, admin_headers, "CAM-MAIN", "entrance")

    result = punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 0), url=CHECK_OUT, camera_id=camera)

    assert result["action"] == "check_out"
    assert stored(session, AttendanceRecord, record_id)["check_out_camera_id"] == "CAM-MAIN"  # type: ignore[index]


def test_a_recognised_check_out_writes_an_access_log_row(client, admin_headers, session, day_shift) -> None:
    employee, _ = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    camera = new_camera(client, admin_headers, "CAM-OUT", "exit")

    punched(
        client,
        admin_headers,
        employee,
        ist(2026, 10, 5, 17, 2),
        url=CHECK_OUT,
        camera_id=camera,
        confidence=88.5,
        face_id="f-1",
    )

    rows = all_rows(session, AccessLog)
    assert [(r["employee_id"], r["camera_id"], r["entry_time"], r["face_id"]) for r in rows] == [
        (employee, "CAM-OUT", instant(ist(2026, 10, 5, 17, 2)), "f-1")
    ]
    assert rows[0]["confidence"] == pytest.approx(88.5)


def test_a_check_out_in_the_future_is_refused(client, admin_headers, session, day_shift) -> None:
    employee, record_id = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    response = punch(client, admin_headers, employee, "2099-01-01T10:00:00+05:30", url=CHECK_OUT)

    assert_error(response, 422)
    assert stored(session, AttendanceRecord, record_id)["check_out_time"] is None  # type: ignore[index]


def test_security_and_devices_may_check_out(client, make_user, admin_headers, day_shift) -> None:
    first, _ = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))
    second, _ = checked_in(client, admin_headers, day_shift, ist(2026, 10, 5, 8, 0))

    by_guard = punched(client, make_user("security"), first, ist(2026, 10, 5, 17, 0), url=CHECK_OUT)
    by_device = punched(
        client, ingest_key_headers(client, admin_headers), second, ist(2026, 10, 5, 17, 0), url=CHECK_OUT
    )

    assert by_guard["action"] == by_device["action"] == "check_out"
