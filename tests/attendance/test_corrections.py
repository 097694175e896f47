"""HR corrections: PATCH /api/v1/attendance/{id} (reason required, times re-derive status, grace and early exit
unless those are set too) and GET /api/v1/attendance/{id}/history (original values, who changed what, why)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from factoryai.attendance.models import AttendanceCorrection, AttendanceRecord
from tests.attendance.helpers import (
    CHECK_OUT,
    ingest_key_headers,
    instant,
    ist,
    new_employee,
    new_shift,
    punched,
)
from tests.conftest import HR_USERNAME, assert_error
from tests.db_helpers import count_rows, stored

URL = "/api/v1/attendance"


@pytest.fixture
def late_record(client, admin_headers, day_shift) -> int:
    """Checked in 08:10 (LATE), checked out 17:05 (not early) on Monday 2026-10-05."""
    employee = new_employee(client, admin_headers, day_shift)
    record = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 10))["attendance_id"]
    punched(client, admin_headers, employee, ist(2026, 10, 5, 17, 5), url=CHECK_OUT)
    return record


def correct(client: Any, headers: dict[str, str], record_id: int, **body: Any) -> dict[str, Any]:
    response = client.patch(f"{URL}/{record_id}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def history(client: Any, headers: dict[str, str], record_id: int) -> dict[str, Any]:
    response = client.get(f"{URL}/{record_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def times(values: dict[str, Any]) -> dict[str, Any]:
    """Datetime strings parsed to instants, so values from any engine and any offset compare."""
    return {k: instant(v) if isinstance(v, str) and v[4:5] == "-" and v[10:11] == "T" else v for k, v in values.items()}


# --- re-deriving from changed times -------------------------------------------------------------------------------


def test_a_corrected_check_in_re_derives_status_and_grace_and_keeps_the_history(
    client, hr, session, late_record
) -> None:
    corrected = correct(client, hr, late_record, reason="Gate camera was offline", check_in_time=ist(2026, 10, 5, 8, 3))

    assert instant(corrected["check_in_time"]) == instant(ist(2026, 10, 5, 8, 3))
    assert (corrected["status"], corrected["grace_period_applied"]) == ("PRESENT", True)
    assert instant(corrected["check_out_time"]) == instant(ist(2026, 10, 5, 17, 5))  # untouched
    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (False, False)
    assert corrected["attendance_date"] == "2026-10-05"

    row = stored(session, AttendanceRecord, late_record)
    assert row is not None
    assert row["check_in_time"] == instant(ist(2026, 10, 5, 8, 3))
    assert (row["status"], row["grace_period_applied"]) == ("PRESENT", True)

    past = history(client, hr, late_record)
    assert past["attendance_id"] == late_record
    assert times(past["original"]) == {
        "check_in_time": instant(ist(2026, 10, 5, 8, 10)),
        "check_out_time": instant(ist(2026, 10, 5, 17, 5)),
        "status": "LATE",
        "grace_period_applied": False,
        "is_early_exit": False,
        "flagged_for_review": False,
    }
    assert past["current"] == client.get(f"{URL}/{late_record}", headers=hr).json()
    assert past["current"]["status"] == "PRESENT"
    [entry] = past["corrections"]
    assert entry["changed_by_username"] == HR_USERNAME
    assert entry["reason"] == "Gate camera was offline"
    assert datetime.fromisoformat(entry["changed_at"]).tzinfo is not None
    assert {field: times(change) for field, change in entry["changes"].items()} == {
        "check_in_time": {"old": instant(ist(2026, 10, 5, 8, 10)), "new": instant(ist(2026, 10, 5, 8, 3))},
        "status": {"old": "LATE", "new": "PRESENT"},
        "grace_period_applied": {"old": False, "new": True},
    }
    assert count_rows(session, AttendanceCorrection) == 1


@pytest.mark.parametrize(
    ("hms", "status", "grace_applied"),
    [
        ((7, 59, 59), "PRESENT", False),
        ((8, 0, 0), "PRESENT", False),
        ((8, 0, 1), "PRESENT", True),
        ((8, 4, 59), "PRESENT", True),
        ((8, 5, 0), "LATE", False),
        ((8, 5, 1), "LATE", False),
    ],
)
def test_corrected_check_in_grace_edges(client, hr, late_record, hms, status, grace_applied) -> None:
    corrected = correct(client, hr, late_record, reason="Clock drift", check_in_time=ist(2026, 10, 5, *hms))

    assert (corrected["status"], corrected["grace_period_applied"]) == (status, grace_applied)


def test_an_explicit_status_wins_over_the_derived_one(client, hr, late_record) -> None:
    corrected = correct(
        client, hr, late_record, reason="Badge swiped late", check_in_time=ist(2026, 10, 5, 8, 3), status="LATE"
    )

    assert corrected["status"] == "LATE"
    assert corrected["grace_period_applied"] is True  # still derived from the time


def test_a_status_alone_can_be_corrected(client, hr, late_record) -> None:
    corrected = correct(client, hr, late_record, reason="Late with permission", status="PRESENT")

    assert corrected["status"] == "PRESENT"
    assert instant(corrected["check_in_time"]) == instant(ist(2026, 10, 5, 8, 10))


@pytest.mark.parametrize(("hms", "early"), [((16, 0, 0), True), ((16, 59, 59), True), ((17, 0, 0), False)])
def test_a_corrected_check_out_re_derives_the_early_exit(client, hr, session, late_record, hms, early) -> None:
    corrected = correct(client, hr, late_record, reason="Left with the bus", check_out_time=ist(2026, 10, 5, *hms))

    assert instant(corrected["check_out_time"]) == instant(ist(2026, 10, 5, *hms))
    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (early, early)
    assert corrected["status"] == "LATE"  # the check-in did not change
    row = stored(session, AttendanceRecord, late_record)
    assert row is not None
    assert (row["is_early_exit"], row["flagged_for_review"]) == (early, early)


def test_a_corrected_check_out_with_an_explicit_early_exit_keeps_it(client, hr, late_record) -> None:
    corrected = correct(
        client,
        hr,
        late_record,
        reason="Sent home by supervisor",
        check_out_time=ist(2026, 10, 5, 16),
        is_early_exit=False,
    )

    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (False, False)


def test_a_corrected_check_out_with_an_explicit_flag_keeps_the_flag(client, hr, late_record) -> None:
    corrected = correct(
        client,
        hr,
        late_record,
        reason="Early leave approved",
        check_out_time=ist(2026, 10, 5, 16),
        flagged_for_review=False,
    )

    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (True, False)


def test_reviewing_an_early_exit_clears_only_the_flag(client, admin_headers, hr, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    record = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 0))["attendance_id"]
    assert punched(client, admin_headers, employee, ist(2026, 10, 5, 15, 0), url=CHECK_OUT)["flagged_for_review"]

    corrected = correct(client, hr, record, reason="Doctor's appointment", flagged_for_review=False)

    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (True, False)
    assert [set(c["changes"]) for c in history(client, hr, record)["corrections"]] == [{"flagged_for_review"}]


def test_times_in_another_offset_are_stored_as_the_same_instant(client, hr, session, late_record) -> None:
    corrected = correct(
        client, hr, late_record, reason="Typed from the paper log", check_in_time="2026-10-04T22:34:00-04:00"
    )

    assert instant(corrected["check_in_time"]) == instant(ist(2026, 10, 5, 8, 4))
    assert (corrected["status"], corrected["grace_period_applied"]) == ("PRESENT", True)
    assert stored(session, AttendanceRecord, late_record)["check_in_time"] == instant(  # type: ignore[index]
        ist(2026, 10, 5, 8, 4)
    )


@pytest.mark.parametrize(("check_out", "early"), [(ist(2026, 10, 6, 5, 50), True), (ist(2026, 10, 6, 6, 0), False)])
def test_an_overnight_check_out_correction_uses_the_next_day_end(client, admin_headers, hr, check_out, early) -> None:
    night = new_shift(client, admin_headers, "Night", "22:00", "06:00", grace_period_minutes=5)
    employee = new_employee(client, admin_headers, night)
    record = punched(client, admin_headers, employee, ist(2026, 10, 5, 21, 45))["attendance_id"]

    corrected = correct(client, hr, record, reason="Exit camera missed him", check_out_time=check_out)

    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (early, early)
    assert corrected["attendance_date"] == "2026-10-05"


@pytest.mark.parametrize(
    ("check_in", "status", "grace_applied"),
    [((7, 58), "PRESENT", False), ((8, 2), "PRESENT", True), ((8, 6), "LATE", False)],
)
def test_an_absence_corrected_to_a_check_in(
    client, admin_headers, hr, session, day_shift, check_in, status, grace_applied
) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    assert client.post(f"{URL}/mark-absent", json={"date": "2026-10-05"}, headers=hr).json()["marked_absent"] == 1
    record = client.get(URL, params={"employee_id": employee}, headers=hr).json()["items"][0]
    assert record["status"] == "ABSENT"

    corrected = correct(
        client,
        hr,
        record["id"],
        reason="Worked at the other gate",
        check_in_time=ist(2026, 10, 5, *check_in),
        check_out_time=ist(2026, 10, 5, 17, 0),
    )

    assert (corrected["status"], corrected["grace_period_applied"]) == (status, grace_applied)
    assert (corrected["is_early_exit"], corrected["flagged_for_review"]) == (False, False)
    original = history(client, hr, record["id"])["original"]
    assert (original["status"], original["check_in_time"], original["check_out_time"]) == ("ABSENT", None, None)


def test_removing_the_check_in_makes_the_day_absent(client, admin_headers, hr, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    record = punched(client, admin_headers, employee, ist(2026, 10, 5, 8, 2))["attendance_id"]

    corrected = correct(client, hr, record, reason="Badge used by a colleague", check_in_time=None)

    assert (corrected["check_in_time"], corrected["status"], corrected["grace_period_applied"]) == (
        None,
        "ABSENT",
        False,
    )


def test_a_correction_never_moves_the_record_to_another_day_or_employee(client, hr, session, late_record) -> None:
    before = stored(session, AttendanceRecord, late_record)

    correct(client, hr, late_record, reason="Camera clock", check_in_time=ist(2026, 10, 5, 7, 50))

    after = stored(session, AttendanceRecord, late_record)
    assert before is not None
    assert after is not None
    assert (after["employee_id"], after["attendance_date"], after["shift_id"]) == (
        before["employee_id"],
        date(2026, 10, 5),
        before["shift_id"],
    )


# --- several corrections --------------------------------------------------------------------------------------


def test_history_keeps_the_first_values_and_every_change_in_order(client, make_user, hr, late_record) -> None:
    admin = make_user("admin", "admin-omar")
    correct(client, hr, late_record, reason="Gate camera was offline", check_in_time=ist(2026, 10, 5, 8, 3))
    correct(client, admin, late_record, reason="Left early, confirmed", check_out_time=ist(2026, 10, 5, 16, 30))

    past = history(client, hr, late_record)

    assert past["original"]["status"] == "LATE"
    assert instant(past["original"]["check_in_time"]) == instant(ist(2026, 10, 5, 8, 10))
    assert instant(past["original"]["check_out_time"]) == instant(ist(2026, 10, 5, 17, 5))
    assert past["original"]["is_early_exit"] is False
    assert [(c["changed_by_username"], c["reason"]) for c in past["corrections"]] == [
        (HR_USERNAME, "Gate camera was offline"),
        ("admin-omar", "Left early, confirmed"),
    ]
    assert set(past["corrections"][0]["changes"]) == {"check_in_time", "status", "grace_period_applied"}
    assert set(past["corrections"][1]["changes"]) == {"check_out_time", "is_early_exit", "flagged_for_review"}
    assert past["current"]["status"] == "PRESENT"
    assert (past["current"]["is_early_exit"], past["current"]["flagged_for_review"]) == (True, True)


def test_history_of_an_uncorrected_record(client, make_user, late_record) -> None:
    past = history(client, make_user("viewer"), late_record)

    assert past["corrections"] == []
    assert past["original"]["status"] == past["current"]["status"] == "LATE"
    assert instant(past["original"]["check_in_time"]) == instant(past["current"]["check_in_time"])
    assert instant(past["original"]["check_out_time"]) == instant(past["current"]["check_out_time"])


# --- refusals: nothing changes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_error"),
        ({"check_in_time": ist(2026, 10, 5, 8, 3)}, "validation_error"),  # no reason
        ({"reason": "ab", "status": "PRESENT"}, "validation_error"),  # reason too short
        ({"reason": "    ", "status": "PRESENT"}, "validation_error"),
        ({"reason": "x" * 501, "status": "PRESENT"}, "validation_error"),
        ({"reason": "Only a reason"}, "validation_error"),
        ({"reason": "Bad status", "status": "HALF_DAY"}, "validation_error"),
        ({"reason": "Naive time", "check_in_time": "2026-10-05T08:03:00"}, "validation_error"),
        ({"reason": "Unknown field", "attendance_date": "2026-10-06"}, "validation_error"),
        ({"reason": "Out equals in", "check_out_time": ist(2026, 10, 5, 8, 10)}, None),
        ({"reason": "Out before in", "check_out_time": ist(2026, 10, 5, 8, 0)}, None),
        ({"reason": "In after out", "check_in_time": ist(2026, 10, 5, 17, 10)}, None),
        ({"reason": "Same as now", "status": "LATE"}, "no_change"),
        ({"reason": "Same time", "check_in_time": ist(2026, 10, 5, 8, 10)}, "no_change"),
        ({"reason": "Present without in", "check_in_time": None, "status": "PRESENT"}, None),
    ],
)
def test_refused_corrections_change_nothing(client, hr, session, late_record, body, code) -> None:
    before = stored(session, AttendanceRecord, late_record)

    response = client.patch(f"{URL}/{late_record}", json=body, headers=hr)

    assert_error(response, 422, code)
    assert stored(session, AttendanceRecord, late_record) == before
    assert count_rows(session, AttendanceCorrection) == 0


def test_present_needs_a_check_in_on_an_absent_record(client, admin_headers, hr, session, day_shift) -> None:
    new_employee(client, admin_headers, day_shift)
    client.post(f"{URL}/mark-absent", json={"date": "2026-10-05"}, headers=hr)
    record = client.get(URL, headers=hr).json()["items"][0]["id"]

    for status in ("PRESENT", "LATE"):
        error = assert_error(
            client.patch(f"{URL}/{record}", json={"reason": "Was here", "status": status}, headers=hr), 422
        )
        assert [d["field"] for d in error["details"]] == ["status"]
    assert stored(session, AttendanceRecord, record)["status"] == "ABSENT"  # type: ignore[index]
    assert count_rows(session, AttendanceCorrection) == 0


def test_an_unknown_record(client, hr) -> None:
    assert_error(
        client.patch(f"{URL}/987654", json={"reason": "Nobody", "status": "LATE"}, headers=hr), 404, "not_found"
    )
    assert_error(client.get(f"{URL}/987654/history", headers=hr), 404, "not_found")
    assert_error(client.get(f"{URL}/987654", headers=hr), 404, "not_found")


# --- roles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_may_correct(client, make_user, late_record, role) -> None:
    assert correct(client, make_user(role), late_record, reason="Checked CCTV", status="PRESENT")["status"] == "PRESENT"


def test_other_callers_may_not_correct(client, make_user, admin_headers, session, late_record) -> None:
    before = stored(session, AttendanceRecord, late_record)
    body = {"reason": "Checked CCTV", "status": "PRESENT"}
    path = f"{URL}/{late_record}"

    assert_error(client.patch(path, json=body, headers=make_user("viewer")), 403, "forbidden")
    assert_error(client.patch(path, json=body, headers=make_user("security")), 403, "forbidden")
    assert_error(client.patch(path, json=body, headers=ingest_key_headers(client, admin_headers)), 403, "forbidden")
    assert_error(client.patch(path, json=body), 401, "unauthorized")
    assert stored(session, AttendanceRecord, late_record) == before
    assert count_rows(session, AttendanceCorrection) == 0


@pytest.mark.parametrize("role", ["hr", "viewer", "admin"])
def test_report_readers_may_read_a_record_and_its_history(client, make_user, late_record, role) -> None:
    headers = make_user(role)

    assert client.get(f"{URL}/{late_record}", headers=headers).status_code == 200
    assert history(client, headers, late_record)["attendance_id"] == late_record


def test_security_and_devices_may_not_read_history(client, make_user, admin_headers, late_record) -> None:
    key = ingest_key_headers(client, admin_headers)

    assert_error(client.get(f"{URL}/{late_record}/history", headers=make_user("security")), 403, "forbidden")
    assert_error(client.get(f"{URL}/{late_record}/history", headers=key), 403, "forbidden")
    assert_error(client.get(f"{URL}/{late_record}", headers=make_user("security")), 403, "forbidden")
