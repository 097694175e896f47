"""GET /api/v1/attendance/register: every active employee's standing for a date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.attendance.helpers import SITE, ist, punched
from tests.attendance.report_helpers import FORMULA_NAME, REGISTER, get_json
from tests.conftest import assert_error

# --- GET /attendance/register -------------------------------------------------------------------------------------


def register(client: Any, headers: dict[str, str], day: str, **params: Any) -> dict[str, Any]:
    return get_json(client, REGISTER, headers, date=day, **params)


def standing(body: dict[str, Any]) -> dict[int, str]:
    return {row["employee_id"]: row["status"] for row in body["rows"]}


def test_register_of_a_past_working_day(client, viewer, site) -> None:
    body = register(client, viewer, "2026-10-05")

    assert body["attendance_date"] == "2026-10-05"
    assert standing(body) == {
        site.ann: "PRESENT",
        site.bob: "LATE",
        site.sum_: "ABSENT",  # no record, shift over: absent even before mark-absent ran for the date
        site.dan: "OFF",  # no shift
        site.eve: "PRESENT",  # inactive now, but worked that day
        site.nina: "ABSENT",
    }
    assert body["totals"] == {"PRESENT": 2, "LATE": 1, "ABSENT": 2, "OFF": 1}
    rows = {row["employee_id"]: row for row in body["rows"]}
    assert rows[site.ann]["employee_name"] == "Ann Lee"
    assert (rows[site.ann]["department_id"], rows[site.ann]["shift_id"]) == (site.assembly, site.day)
    assert rows[site.ann]["shift_name"] == "Day"
    assert datetime.fromisoformat(rows[site.ann]["check_in_time"]) == datetime(2026, 10, 5, 8, 3, tzinfo=SITE)
    assert datetime.fromisoformat(rows[site.ann]["check_out_time"]) == datetime(2026, 10, 5, 17, 0, tzinfo=SITE)
    assert (rows[site.dan]["shift_id"], rows[site.dan]["shift_name"], rows[site.dan]["check_in_time"]) == (
        None,
        None,
        None,
    )
    assert rows[site.sum_]["employee_name"] == FORMULA_NAME  # JSON is not a spreadsheet: no prefix
    history = client.get(f"/api/v1/attendance/{rows[site.ann]['attendance_id']}/history", headers=viewer)
    assert history.status_code == 200, history.text  # the row links to its record
    assert rows[site.sum_]["attendance_id"] is None  # no record


def test_register_after_absences_were_marked(client, viewer, site) -> None:
    body = register(client, viewer, "2026-10-06")

    assert standing(body) == {
        site.ann: "LATE",
        site.bob: "ABSENT",
        site.sum_: "ABSENT",
        site.dan: "OFF",
        site.nina: "ABSENT",
    }  # eve left and has no record that day: not listed
    ann = next(row for row in body["rows"] if row["employee_id"] == site.ann)
    assert (ann["is_early_exit"], ann["flagged_for_review"]) == (True, True)
    assert body["totals"] == {"LATE": 1, "ABSENT": 3, "OFF": 1}


def test_register_on_the_weekly_off_day(client, admin_headers, viewer, site) -> None:
    punched(client, admin_headers, site.bob, ist(2026, 10, 4, 9, 0))  # came in on Sunday anyway

    body = register(client, viewer, "2026-10-04")

    assert standing(body) == {
        site.ann: "OFF",
        site.bob: "LATE",
        site.sum_: "OFF",
        site.dan: "OFF",
        site.nina: "OFF",
    }
    assert body["totals"] == {"OFF": 4, "LATE": 1}


@pytest.mark.parametrize(
    ("now", "day_status", "night_status"),
    [
        (datetime(2026, 10, 5, 16, 59, 59, tzinfo=SITE), "NOT_YET", "NOT_YET"),
        (datetime(2026, 10, 5, 17, 0, 0, tzinfo=SITE), "ABSENT", "NOT_YET"),
        (datetime(2026, 10, 6, 5, 59, 59, tzinfo=SITE), "ABSENT", "NOT_YET"),
        (datetime(2026, 10, 6, 6, 0, 0, tzinfo=SITE), "ABSENT", "ABSENT"),
    ],
)
def test_register_shows_not_yet_until_the_shift_run_ends(
    client, viewer, site, monkeypatch, now, day_status, night_status
) -> None:
    monkeypatch.setattr("factoryai.attendance.reports.utcnow", lambda: now.astimezone(UTC))

    body = register(client, viewer, "2026-10-05")

    status = standing(body)
    assert (status[site.sum_], status[site.nina]) == (day_status, night_status)
    assert (status[site.ann], status[site.bob], status[site.dan]) == ("PRESENT", "LATE", "OFF")


def test_register_of_a_future_date_by_the_real_clock(client, viewer, site) -> None:
    body = register(client, viewer, "2030-01-01")  # a Tuesday

    assert standing(body) == {
        site.ann: "NOT_YET",
        site.bob: "NOT_YET",
        site.sum_: "NOT_YET",
        site.dan: "OFF",
        site.nina: "NOT_YET",
    }
    assert body["totals"] == {"NOT_YET": 4, "OFF": 1}


def test_register_filters_by_department(client, viewer, site) -> None:
    assert standing(register(client, viewer, "2026-10-05", department_id=site.assembly)) == {
        site.ann: "PRESENT",
        site.sum_: "ABSENT",
        site.eve: "PRESENT",
    }
    assert set(standing(register(client, viewer, "2026-10-05", department_id=site.paint))) == {site.bob, site.nina}


@pytest.mark.parametrize(
    "params", [{}, {"date": "2026-02-30"}, {"date": "today"}, {"date": "2026-10-05", "format": "ods"}]
)
def test_register_refuses_bad_parameters(client, viewer, site, params) -> None:
    assert_error(client.get(REGISTER, params=params, headers=viewer), 422)
