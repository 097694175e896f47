"""GET /api/v1/attendance: every record, newest first; date, employee, department and status filters; pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.attendance.helpers import SITE
from tests.attendance.report_helpers import LIST, get_json, listed
from tests.conftest import assert_error

# --- GET /attendance: filters and pages ------------------------------------------------------------------------


def keys(items: list[dict[str, Any]]) -> set[tuple[int, str]]:
    return {(item["employee_id"], item["attendance_date"]) for item in items}


def test_list_returns_every_record_newest_date_first(client, viewer, site) -> None:
    items = listed(client, viewer)

    assert len(items) == 13
    dates = [item["attendance_date"] for item in items]
    assert dates == sorted(dates, reverse=True)
    ann_1005 = next(i for i in items if (i["employee_id"], i["attendance_date"]) == (site.ann, "2026-10-05"))
    assert ann_1005["status"] == "PRESENT"
    assert ann_1005["grace_period_applied"] is True
    assert ann_1005["shift_id"] == site.day
    assert datetime.fromisoformat(ann_1005["check_in_time"]) == datetime(2026, 10, 5, 8, 3, tzinfo=SITE)
    assert datetime.fromisoformat(ann_1005["check_out_time"]) == datetime(2026, 10, 5, 17, 0, tzinfo=SITE)


def test_list_date_range_is_inclusive(client, viewer, site) -> None:
    october = listed(client, viewer, date_from="2026-10-01", date_to="2026-10-31")
    one_day = listed(client, viewer, date_from="2026-10-05", date_to="2026-10-05")
    from_nov = listed(client, viewer, date_from="2026-11-01")
    to_sep = listed(client, viewer, date_to="2026-09-30")

    assert len(october) == 10
    assert all("2026-10-01" <= i["attendance_date"] <= "2026-10-31" for i in october)
    assert keys(one_day) == {(site.ann, "2026-10-05"), (site.bob, "2026-10-05"), (site.eve, "2026-10-05")}
    assert keys(from_nov) == {(site.ann, "2026-11-02")}
    assert keys(to_sep) == {(site.ann, "2026-09-30"), (site.nina, "2026-09-30")}


def test_list_filters_by_employee_department_and_status(client, viewer, site) -> None:
    assert keys(listed(client, viewer, employee_id=site.bob)) == {(site.bob, "2026-10-05"), (site.bob, "2026-10-06")}
    assert {i["employee_id"] for i in listed(client, viewer, department_id=site.paint)} == {site.bob, site.nina}
    assert len(listed(client, viewer, department_id=site.paint)) == 5
    assert len(listed(client, viewer, department_id=site.assembly)) == 8
    assert keys(listed(client, viewer, status="ABSENT")) == {
        (site.bob, "2026-10-06"),
        (site.sum_, "2026-10-06"),
        (site.nina, "2026-10-06"),
    }
    assert keys(listed(client, viewer, status="LATE")) == {(site.ann, "2026-10-06"), (site.bob, "2026-10-05")}
    assert keys(listed(client, viewer, status="LATE", department_id=site.assembly)) == {(site.ann, "2026-10-06")}
    assert listed(client, viewer, employee_id=site.dan) == []
    assert listed(client, viewer, date_from="2026-10-05", date_to="2026-10-05", status="ABSENT") == []


def test_list_pages_cover_every_record_once(client, viewer, site) -> None:
    seen: list[int] = []
    for offset in range(0, 14, 4):
        page = get_json(client, LIST, viewer, limit=4, offset=offset)
        assert page["total"] == 13
        assert (page["limit"], page["offset"]) == (4, offset)
        assert len(page["items"]) == min(4, 13 - offset)
        seen += [item["id"] for item in page["items"]]

    assert len(seen) == len(set(seen)) == 13
    assert get_json(client, LIST, viewer, limit=4, offset=20)["items"] == []


def test_list_page_total_counts_the_filtered_rows(client, viewer, site) -> None:
    page = get_json(client, LIST, viewer, department_id=site.assembly, limit=3)

    assert page["total"] == 8
    assert len(page["items"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"status": "HALF_DAY"},
        {"date_from": "2026-10-06", "date_to": "2026-10-05"},
        {"date_from": "yesterday"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"employee_id": 0},
        {"format": "pdf"},
    ],
)
def test_list_refuses_bad_parameters(client, viewer, site, params) -> None:
    assert_error(client.get(LIST, params=params, headers=viewer), 422)
