"""Check-in timestamps: an offset is required, the future is refused, none means now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.attendance.helpers import SITE, assert_nothing_written, instant, new_employee, punch, punched
from tests.conftest import assert_error


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
