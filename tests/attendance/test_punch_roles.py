"""Who may check in and out: the roles and device key scopes allowed and refused."""

from __future__ import annotations

import pytest

from tests.attendance.helpers import (
    CHECK_IN,
    CHECK_OUT,
    assert_nothing_written,
    ingest_key_headers,
    ist,
    new_employee,
    punch,
    punched,
)
from tests.conftest import assert_error

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
