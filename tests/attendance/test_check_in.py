"""POST /api/v1/attendance/check-in: grace and window edges, the 12-hour double-entry rule, overnight shifts,
time zones, refusals (nothing written), exit cameras, the access log and roles.

The helpers at the top are shared by the other attendance API test modules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.identity.models import AccessLog
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

SITE = ZoneInfo("Asia/Kolkata")
CHECK_IN = "/api/v1/attendance/check-in"
CHECK_OUT = "/api/v1/attendance/check-out"


# --- shared helpers ------------------------------------------------------------------------------------------


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str:
    """A site-local (IST, +05:30) instant as ISO-8601 with its offset."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SITE).isoformat()


def instant(value: str) -> datetime:
    """An ISO-8601 string from a request or response as an aware datetime in UTC."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed.astimezone(UTC)


def post_created(client: Any, url: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_shift(
    client: Any, headers: dict[str, str], name: str = "General", start: str = "08:00", end: str = "17:00", **extra: Any
) -> int:
    return post_created(client, "/api/v1/shifts", headers, shift_name=name, start_time=start, end_time=end, **extra)[
        "id"
    ]


def new_department(client: Any, headers: dict[str, str], name: str) -> int:
    return post_created(client, "/api/v1/departments", headers, name=name)["id"]


_emails = iter(range(1, 1_000_000))


def new_employee(
    client: Any, headers: dict[str, str], shift_id: int | None, name: str = "Ann Lee", **extra: Any
) -> int:
    extra.setdefault("email", f"employee{next(_emails)}@example.com")
    return post_created(client, "/api/v1/employees", headers, name=name, shift_id=shift_id, **extra)["id"]


def new_camera(client: Any, headers: dict[str, str], camera_id: str, role: str = "entrance", **extra: Any) -> str:
    return post_created(
        client,
        "/api/v1/cameras",
        headers,
        id=camera_id,
        name=camera_id,
        source_url="rtsp://10.0.0.5/s",
        role=role,
        **extra,
    )["id"]


def ingest_key_headers(client: Any, admin_headers: dict[str, str], scopes: list[str] | None = None) -> dict[str, str]:
    key = post_created(client, "/api/v1/api-keys", admin_headers, name="gate box", scopes=scopes or ["ingest"])
    return {"X-API-Key": key["key"]}


def punch(
    client: Any, headers: dict[str, str], employee_id: int, timestamp: str | None, url: str = CHECK_IN, **extra: Any
) -> Any:
    body: dict[str, Any] = {"employee_id": employee_id, **extra}
    if timestamp is not None:
        body["timestamp"] = timestamp
    return client.post(url, json=body, headers=headers)


def punched(
    client: Any, headers: dict[str, str], employee_id: int, timestamp: str | None, url: str = CHECK_IN, **extra: Any
) -> dict[str, Any]:
    response = punch(client, headers, employee_id, timestamp, url, **extra)
    assert response.status_code == 200, response.text
    return response.json()


def all_rows(session: Session, model: type[Any]) -> list[dict[str, Any]]:
    session.rollback()
    try:
        session.expire_all()
        rows = session.scalars(select(model).order_by(model.id)).all()
        return [{c.key: getattr(row, c.key) for c in model.__table__.columns} for row in rows]
    finally:
        session.rollback()


def record_for(session: Session, employee_id: int, attendance_date: date) -> dict[str, Any] | None:
    session.rollback()
    try:
        session.expire_all()
        row = session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.employee_id == employee_id, AttendanceRecord.attendance_date == attendance_date
            )
        )
        return None if row is None else {c.key: getattr(row, c.key) for c in AttendanceRecord.__table__.columns}
    finally:
        session.rollback()


def assert_nothing_written(session: Session) -> None:
    assert count_rows(session, AttendanceRecord) == 0
    assert count_rows(session, AccessLog) == 0


# --- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture
def day_shift(client, admin_headers) -> int:
    """08:00-17:00, 5 minutes grace, check-in window opening 60 minutes before the start."""
    return new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)


@pytest.fixture
def night_shift(client, admin_headers) -> int:
    """22:00-06:00 (ends the next day), 5 minutes grace."""
    return new_shift(client, admin_headers, "Night", "22:00", "06:00", grace_period_minutes=5)


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


def test_a_timestamp_without_an_offset_is_refused(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    response = punch(client, admin_headers, employee, "2026-10-05T08:00:00")

    error = assert_error(response, 422, "validation_error")
    assert any(d["field"].endswith("timestamp") for d in error["details"])
    assert_nothing_written(session)


# --- timestamps in the future; no timestamp means now ---------------------------------------------------------

NOW = datetime(2026, 10, 5, 8, 30, tzinfo=SITE)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr("factoryai.attendance.service.utcnow", lambda: NOW.astimezone(UTC))
    return NOW


def test_a_timestamp_five_minutes_ahead_is_accepted(client, admin_headers, day_shift, frozen_now) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    result = punched(client, admin_headers, employee, (frozen_now + timedelta(minutes=5)).isoformat())

    assert instant(result["check_in_time"]) == instant((frozen_now + timedelta(minutes=5)).isoformat())
    assert result["status"] == "LATE"


def test_a_timestamp_more_than_five_minutes_ahead_is_refused(
    client, admin_headers, session, day_shift, frozen_now
) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    response = punch(
        client, admin_headers, employee, (frozen_now + timedelta(minutes=5, seconds=1)).isoformat(), confidence=99.0
    )

    error = assert_error(response, 422)
    assert [d["field"] for d in error["details"]] == ["timestamp"]
    assert_nothing_written(session)


def test_a_timestamp_far_ahead_of_the_real_clock_is_refused(client, admin_headers, session, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).astimezone(SITE).replace(hour=8, minute=0, second=0)

    response = punch(client, admin_headers, employee, tomorrow.isoformat())

    assert_error(response, 422)
    assert_nothing_written(session)


def test_without_a_timestamp_the_punch_is_now(client, admin_headers, session, day_shift, frozen_now) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    result = punched(client, admin_headers, employee, None)

    assert instant(result["check_in_time"]) == frozen_now.astimezone(UTC)
    assert (result["attendance_date"], result["status"]) == ("2026-10-05", "LATE")


# --- who cannot punch: refused, nothing written -----------------------------------------------------------------


def _unknown_employee(client, headers, shift) -> int:
    return 999_999


def _inactive_employee(client, headers, shift) -> int:
    return new_employee(client, headers, shift, is_active=False)


def _employee_without_shift(client, headers, shift) -> int:
    return new_employee(client, headers, None)


def _employee_on_inactive_shift(client, headers, shift) -> int:
    other = new_shift(client, headers, "Retired", "08:00", "17:00", is_active=False)
    return new_employee(client, headers, other)


@pytest.mark.parametrize("url", [CHECK_IN, CHECK_OUT])
@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (_unknown_employee, 404, "not_found"),
        (_inactive_employee, 422, "employee_inactive"),
        (_employee_without_shift, 422, "employee_without_shift"),
        (_employee_on_inactive_shift, 422, "shift_inactive"),
    ],
)
def test_employees_who_cannot_punch_are_refused(
    client, admin_headers, session, day_shift, make, status, code, url
) -> None:
    employee = make(client, admin_headers, day_shift)

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 8, 0), url=url, confidence=95.0)

    assert_error(response, status, code)
    assert_nothing_written(session)


@pytest.mark.parametrize("url", [CHECK_IN, CHECK_OUT])
def test_an_unknown_camera_is_refused(client, admin_headers, session, day_shift, url) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 8, 0), url=url, camera_id="CAM-NOPE")

    error = assert_error(response, 422)
    assert [d["field"] for d in error["details"]] == ["camera_id"]
    assert_nothing_written(session)


@pytest.mark.parametrize("role", ["entrance", "exit"])
@pytest.mark.parametrize("url", [CHECK_IN, CHECK_OUT])
def test_a_disabled_camera_is_refused(client, admin_headers, session, day_shift, url, role) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    camera = new_camera(client, admin_headers, "CAM-OFF", role, enabled=False)

    response = punch(client, admin_headers, employee, ist(2026, 10, 5, 8, 0), url=url, camera_id=camera, confidence=90)

    error = assert_error(response, 422)
    assert [d["field"] for d in error["details"]] == ["camera_id"]
    assert_nothing_written(session)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"employee_id": 0},
        {"employee_id": "x"},
        {"employee_id": 1, "timestamp": "yesterday"},
        {"employee_id": 1, "confidence": 101},
        {"employee_id": 1, "confidence": -1},
        {"employee_id": 1, "unexpected": True},
    ],
)
def test_malformed_bodies_are_refused(client, admin_headers, session, day_shift, body) -> None:
    new_employee(client, admin_headers, day_shift)

    assert_error(client.post(CHECK_IN, json=body, headers=admin_headers), 422, "validation_error")
    assert_nothing_written(session)


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


# --- roles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "hr", "security"])
def test_punch_roles_allowed(client, make_user, admin_headers, day_shift, role) -> None:
    employee = new_employee(client, admin_headers, day_shift)

    result = punched(client, make_user(role), employee, ist(2026, 10, 5, 8, 0))

    assert result["skipped_duplicate"] is False


def test_a_device_key_with_the_ingest_scope_may_punch(client, admin_headers, day_shift) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    headers = ingest_key_headers(client, admin_headers)

    assert punched(client, headers, employee, ist(2026, 10, 5, 8, 0))["action"] == "check_in"
    assert punched(client, headers, employee, ist(2026, 10, 5, 17, 0), url=CHECK_OUT)["action"] == "check_out"


@pytest.mark.parametrize("url", [CHECK_IN, CHECK_OUT])
def test_punch_callers_refused(client, make_user, admin_headers, session, day_shift, url) -> None:
    employee = new_employee(client, admin_headers, day_shift)
    metrics_key = ingest_key_headers(client, admin_headers, ["metrics"])
    at = ist(2026, 10, 5, 8, 0)

    assert_error(punch(client, make_user("viewer"), employee, at, url=url), 403, "forbidden")
    assert_error(punch(client, make_user("hr", is_active=False), employee, at, url=url), 401)
    assert_error(punch(client, metrics_key, employee, at, url=url), 403, "forbidden")
    assert_error(punch(client, {}, employee, at, url=url), 401, "unauthorized")
    assert_error(punch(client, {"X-API-Key": "fai_not-a-real-key"}, employee, at, url=url), 401)
    assert_nothing_written(session)
