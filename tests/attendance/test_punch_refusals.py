"""Check-in and check-out refusals (employee, shift, camera, body) that write nothing."""

from __future__ import annotations

import pytest

from tests.attendance.helpers import (
    CHECK_IN,
    CHECK_OUT,
    assert_nothing_written,
    ist,
    new_camera,
    new_employee,
    new_shift,
    punch,
)
from tests.conftest import assert_error

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
