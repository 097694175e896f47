"""/api/v1/shifts: wall-clock times, overnight shifts, bounds on the minute fields, uniqueness,
PATCH that would make a zero-length shift, delete guards and roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from factoryai.attendance.models import AttendanceRecord
from factoryai.organization.models import Shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

URL = "/api/v1/shifts"


def body(name: str = "General", start: str = "08:00", end: str = "17:00", **extra: Any) -> dict[str, Any]:
    return {"shift_name": name, "start_time": start, "end_time": end, **extra}


def create(client: Any, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    response = client.post(URL, json=body(**kwargs), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def shift_names(client: Any, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [s["shift_name"] for s in response.json()["items"]]


# --- create -------------------------------------------------------------------------------------------


def test_create_returns_all_fields_with_defaults(client, admin_headers, session) -> None:
    created = create(client, admin_headers, name="General", start="08:00", end="17:00", grace_period_minutes=5)
    assert set(created) == {
        "id",
        "shift_name",
        "start_time",
        "end_time",
        "grace_period_minutes",
        "early_exit_grace_minutes",
        "checkin_window_before_minutes",
        "is_active",
        "created_at",
        "is_overnight",
        "duration_minutes",
    }
    assert created["shift_name"] == "General"
    assert created["start_time"] == "08:00:00"
    assert created["end_time"] == "17:00:00"
    assert created["grace_period_minutes"] == 5
    assert created["early_exit_grace_minutes"] == 0
    assert created["checkin_window_before_minutes"] == 60
    assert created["is_active"] is True
    assert created["is_overnight"] is False
    assert created["duration_minutes"] == 540

    row = stored(session, Shift, created["id"])
    assert (row["start_time"], row["end_time"]) == (time(8, 0), time(17, 0))
    assert (row["grace_period_minutes"], row["early_exit_grace_minutes"]) == (5, 0)
    assert row["checkin_window_before_minutes"] == 60

    got = client.get(f"{URL}/{created['id']}", headers=admin_headers)
    assert got.status_code == 200
    assert got.json() == created


def test_grace_defaults_to_zero(client, admin_headers) -> None:
    assert create(client, admin_headers)["grace_period_minutes"] == 0


@pytest.mark.parametrize(("start", "end"), [("08:00", "17:00"), ("08:00:00", "17:00:00"), ("08:00", "17:00:00")])
def test_hh_mm_and_hh_mm_ss_are_both_accepted_and_returned_with_seconds(client, admin_headers, start, end) -> None:
    created = create(client, admin_headers, start=start, end=end)
    assert (created["start_time"], created["end_time"]) == ("08:00:00", "17:00:00")


def test_seconds_are_kept(client, admin_headers, session) -> None:
    created = create(client, admin_headers, start="08:00:30", end="16:30:45")
    assert (created["start_time"], created["end_time"]) == ("08:00:30", "16:30:45")
    assert created["duration_minutes"] == 510
    assert stored(session, Shift, created["id"])["start_time"] == time(8, 0, 30)


def test_overnight_shift(client, admin_headers) -> None:
    created = create(client, admin_headers, name="Night", start="22:00", end="06:00")
    assert created["is_overnight"] is True
    assert created["duration_minutes"] == 480
    assert client.get(f"{URL}/{created['id']}", headers=admin_headers).json()["is_overnight"] is True


def test_shift_ending_at_midnight_is_overnight(client, admin_headers) -> None:
    created = create(client, admin_headers, name="Late", start="16:00", end="00:00")
    assert created["is_overnight"] is True
    assert created["duration_minutes"] == 480


def test_all_fields_round_trip(client, admin_headers) -> None:
    created = create(
        client,
        admin_headers,
        name="Custom",
        start="06:30",
        end="14:30",
        grace_period_minutes=240,
        early_exit_grace_minutes=240,
        checkin_window_before_minutes=720,
        is_active=False,
    )
    assert created["grace_period_minutes"] == 240
    assert created["early_exit_grace_minutes"] == 240
    assert created["checkin_window_before_minutes"] == 720
    assert created["is_active"] is False


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(body(start="08:00", end="08:00"), id="start-equals-end"),
        pytest.param(body(start="08:00", end="08:00:00"), id="start-equals-end-other-format"),
        pytest.param(body(start="08:00+05:30"), id="start-with-offset"),
        pytest.param(body(end="17:00Z"), id="end-with-utc-zone"),
        pytest.param(body(start="08:00:00.500"), id="sub-second"),
        pytest.param(body(start="24:00"), id="hour-24"),
        pytest.param(body(start="8am"), id="not-a-time"),
        pytest.param(body(start=None), id="null-start"),
        pytest.param({"shift_name": "General", "start_time": "08:00"}, id="missing-end"),
        pytest.param(body(grace_period_minutes=241), id="grace-241"),
        pytest.param(body(grace_period_minutes=-1), id="grace-negative"),
        pytest.param(body(early_exit_grace_minutes=241), id="early-exit-241"),
        pytest.param(body(early_exit_grace_minutes=-5), id="early-exit-negative"),
        pytest.param(body(checkin_window_before_minutes=721), id="window-721"),
        pytest.param(body(checkin_window_before_minutes=-1), id="window-negative"),
        pytest.param(body(grace_period_minutes=2.5), id="grace-fraction"),
        pytest.param(body(name=""), id="empty-name"),
        pytest.param(body(name="   "), id="blank-name"),
        pytest.param(body(name="x" * 51), id="51-char-name"),
        pytest.param(body(colour="blue"), id="unknown-field"),
    ],
)
def test_invalid_shift_is_422_and_adds_nothing(client, admin_headers, session, payload) -> None:
    error = assert_error(client.post(URL, json=payload, headers=admin_headers), 422, "validation_error")
    assert error["details"]
    assert count_rows(session, Shift) == 0
    assert client.get(URL, headers=admin_headers).json()["total"] == 0


def test_zone_offset_error_names_the_field(client, admin_headers) -> None:
    error = assert_error(client.post(URL, json=body(start="08:00+05:30"), headers=admin_headers), 422)
    assert any(d["field"].endswith("start_time") for d in error["details"]), error


def test_grace_error_names_the_field(client, admin_headers) -> None:
    error = assert_error(client.post(URL, json=body(grace_period_minutes=241), headers=admin_headers), 422)
    assert any(d["field"].endswith("grace_period_minutes") for d in error["details"]), error


def test_name_of_50_characters_is_accepted(client, admin_headers) -> None:
    assert create(client, admin_headers, name="x" * 50)["shift_name"] == "x" * 50


@pytest.mark.parametrize("duplicate", ["General", "general", "GENERAL", " General  "])
def test_duplicate_shift_name_in_any_case_is_409(client, admin_headers, session, duplicate) -> None:
    create(client, admin_headers, name="General")
    error = assert_error(
        client.post(URL, json=body(name=duplicate, start="09:00", end="18:00"), headers=admin_headers), 409, "conflict"
    )
    assert [d["field"] for d in error["details"]] == ["shift_name"]
    assert "General" in error["message"]
    assert count_rows(session, Shift) == 1


# --- patch --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"end_time": "08:00"}, id="end-onto-start"),
        pytest.param({"start_time": "17:00:00"}, id="start-onto-end"),
        pytest.param({"start_time": "10:00", "end_time": "10:00", "grace_period_minutes": 9}, id="both-equal"),
    ],
)
def test_patch_making_start_equal_end_is_422_and_leaves_the_row(client, admin_headers, session, change) -> None:
    shift = create(client, admin_headers, start="08:00", end="17:00")
    before = stored(session, Shift, shift["id"])
    error = assert_error(
        client.patch(f"{URL}/{shift['id']}", json=change, headers=admin_headers), 422, "validation_error"
    )
    assert "differ" in error["message"]
    assert client.get(f"{URL}/{shift['id']}", headers=admin_headers).json() == shift
    assert stored(session, Shift, shift["id"]) == before


def test_patch_swapping_to_overnight(client, admin_headers, session) -> None:
    shift = create(client, admin_headers, start="08:00", end="17:00")
    response = client.patch(
        f"{URL}/{shift['id']}", json={"start_time": "22:00", "end_time": "06:00"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_overnight"] is True
    assert response.json()["duration_minutes"] == 480
    row = stored(session, Shift, shift["id"])
    assert (row["start_time"], row["end_time"]) == (time(22, 0), time(6, 0))


def test_patch_one_bound_keeps_the_other(client, admin_headers) -> None:
    shift = create(client, admin_headers, start="08:00", end="17:00", grace_period_minutes=5)
    response = client.patch(f"{URL}/{shift['id']}", json={"end_time": "16:00"}, headers=admin_headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["start_time"], updated["end_time"]) == ("08:00:00", "16:00:00")
    assert updated["duration_minutes"] == 480
    assert updated["grace_period_minutes"] == 5


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"shift_name": None}, id="null-name"),
        pytest.param({"start_time": None}, id="null-start"),
        pytest.param({"grace_period_minutes": None}, id="null-grace"),
        pytest.param({"is_active": None}, id="null-active"),
        pytest.param({"grace_period_minutes": 241}, id="grace-241"),
        pytest.param({"checkin_window_before_minutes": -1}, id="window-negative"),
        pytest.param({"end_time": "17:00+01:00"}, id="offset"),
        pytest.param({"shift_name": "x" * 51}, id="long-name"),
        pytest.param({"colour": "blue"}, id="unknown-field"),
    ],
)
def test_invalid_patch_is_422_and_leaves_the_row(client, admin_headers, change) -> None:
    shift = create(client, admin_headers)
    assert_error(client.patch(f"{URL}/{shift['id']}", json=change, headers=admin_headers), 422, "validation_error")
    assert client.get(f"{URL}/{shift['id']}", headers=admin_headers).json() == shift


def test_patch_rename_onto_another_shift_is_409_and_leaves_the_row(client, admin_headers) -> None:
    create(client, admin_headers, name="Day")
    night = create(client, admin_headers, name="Night", start="22:00", end="06:00")
    response = client.patch(
        f"{URL}/{night['id']}", json={"shift_name": "DAY", "grace_period_minutes": 3}, headers=admin_headers
    )
    error = assert_error(response, 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["shift_name"]
    assert client.get(f"{URL}/{night['id']}", headers=admin_headers).json() == night


def test_patch_rename_to_own_name_in_other_case_is_allowed(client, admin_headers) -> None:
    shift = create(client, admin_headers, name="Day")
    response = client.patch(f"{URL}/{shift['id']}", json={"shift_name": "DAY"}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["shift_name"] == "DAY"


def test_patch_deactivates(client, admin_headers) -> None:
    shift = create(client, admin_headers)
    response = client.patch(f"{URL}/{shift['id']}", json={"is_active": False}, headers=admin_headers)
    assert response.json()["is_active"] is False
    assert client.get(f"{URL}/{shift['id']}", headers=admin_headers).json()["is_active"] is False


# --- list ---------------------------------------------------------------------------------------------


def test_list_is_ordered_by_start_time_and_filters_on_is_active(client, admin_headers) -> None:
    create(client, admin_headers, name="Night", start="22:00", end="06:00")
    create(client, admin_headers, name="Day", start="08:00", end="16:00")
    create(client, admin_headers, name="Early", start="05:00", end="13:00", is_active=False)
    create(client, admin_headers, name="Late", start="14:00", end="22:00")

    assert shift_names(client, admin_headers) == ["Early", "Day", "Late", "Night"]
    assert shift_names(client, admin_headers, is_active="true") == ["Day", "Late", "Night"]
    assert shift_names(client, admin_headers, is_active="false") == ["Early"]
    page = client.get(URL, params={"is_active": "true", "limit": 1, "offset": 1}, headers=admin_headers).json()
    assert (page["total"], [s["shift_name"] for s in page["items"]]) == (3, ["Late"])


def test_bad_is_active_filter_is_422(client, admin_headers) -> None:
    assert_error(client.get(URL, params={"is_active": "sometimes"}, headers=admin_headers), 422, "validation_error")


# --- delete -------------------------------------------------------------------------------------------


def test_delete_unused_shift(client, admin_headers, session) -> None:
    shift = create(client, admin_headers)
    assert client.delete(f"{URL}/{shift['id']}", headers=admin_headers).status_code == 204
    assert_error(client.get(f"{URL}/{shift['id']}", headers=admin_headers), 404, "not_found")
    assert count_rows(session, Shift) == 0


def test_delete_shift_used_by_an_employee_is_409(client, admin_headers, session) -> None:
    shift = create(client, admin_headers, name="Day")
    employee = client.post(
        "/api/v1/employees",
        json={"name": "Ann", "email": "ann@example.com", "shift_id": shift["id"]},
        headers=admin_headers,
    )
    assert employee.status_code == 201, employee.text

    error = assert_error(client.delete(f"{URL}/{shift['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"employee": 1}
    assert "Day" in error["message"]
    assert "1 employee row" in error["message"]
    assert "is_active=false" in error["message"]
    assert client.get(f"{URL}/{shift['id']}", headers=admin_headers).json() == shift
    assert count_rows(session, Shift) == 1

    cleared = client.patch(f"/api/v1/employees/{employee.json()['id']}", json={"shift_id": None}, headers=admin_headers)
    assert cleared.status_code == 200, cleared.text
    assert client.delete(f"{URL}/{shift['id']}", headers=admin_headers).status_code == 204


def test_delete_shift_referenced_by_attendance_is_409(client, admin_headers, session) -> None:
    shift = create(client, admin_headers, name="Day")
    employee = client.post("/api/v1/employees", json={"name": "Ann", "email": "ann@example.com"}, headers=admin_headers)
    assert employee.status_code == 201, employee.text
    session.add(
        AttendanceRecord(
            employee_id=employee.json()["id"],
            shift_id=shift["id"],
            attendance_date=date(2026, 3, 2),
            status="PRESENT",
            check_in_time=datetime(2026, 3, 2, 7, 58, tzinfo=UTC),
        )
    )
    session.commit()
    error = assert_error(client.delete(f"{URL}/{shift['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"attendance_record": 1}
    assert count_rows(session, Shift) == 1


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_shift_is_404(client, admin_headers, method) -> None:
    kwargs: dict[str, Any] = {"json": {"grace_period_minutes": 1}} if method == "patch" else {}
    error = assert_error(getattr(client, method)(f"{URL}/4242", headers=admin_headers, **kwargs), 404, "not_found")
    assert "4242" in error["message"]


@pytest.mark.parametrize("shift_id", ["99999999999", "0", "-3", "x"])
def test_out_of_range_shift_id_is_422(client, admin_headers, shift_id) -> None:
    assert_error(client.get(f"{URL}/{shift_id}", headers=admin_headers), 422, "validation_error")
    assert_error(client.delete(f"{URL}/{shift_id}", headers=admin_headers), 422, "validation_error")


# --- roles --------------------------------------------------------------------------------------------


def test_hr_may_create_patch_and_delete(client, make_user) -> None:
    hr = make_user("hr")
    shift = create(client, hr, name="Day")
    assert client.patch(f"{URL}/{shift['id']}", json={"grace_period_minutes": 10}, headers=hr).status_code == 200
    assert client.delete(f"{URL}/{shift['id']}", headers=hr).status_code == 204


@pytest.mark.parametrize("role", ["viewer", "security"])
def test_other_roles_may_read_but_not_write(client, admin_headers, make_user, session, role) -> None:
    shift = create(client, admin_headers, name="Day")
    headers = make_user(role)
    assert shift_names(client, headers) == ["Day"]
    assert client.get(f"{URL}/{shift['id']}", headers=headers).json() == shift

    assert_error(
        client.post(URL, json=body(name="Night", start="22:00", end="06:00"), headers=headers), 403, "forbidden"
    )
    assert_error(client.patch(f"{URL}/{shift['id']}", json={"is_active": False}, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{shift['id']}", headers=headers), 403, "forbidden")
    assert count_rows(session, Shift) == 1
    assert client.get(f"{URL}/{shift['id']}", headers=admin_headers).json() == shift


def test_unauthenticated_is_401(client) -> None:
    assert_error(client.get(URL), 401, "unauthorized")
    assert_error(client.post(URL, json=body()), 401, "unauthorized")
