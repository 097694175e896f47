"""Attendance reports: GET /api/v1/attendance (filters, pages, CSV/XLSX), /attendance/register (every active
employee's standing for a date) and /attendance/summary (a month per employee), with their exports and roles."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest

from tests.attendance.test_check_in import (
    CHECK_OUT,
    SITE,
    ingest_key_headers,
    ist,
    new_department,
    new_employee,
    new_shift,
    punched,
)
from tests.conftest import assert_error

LIST = "/api/v1/attendance"
REGISTER = "/api/v1/attendance/register"
SUMMARY = "/api/v1/attendance/summary"
FORMULA_NAME = "=SUM(1,2)"
NUMBER = re.compile(r"-?\d+(\.\d+)?")

RECORD_HEADER = [
    "id",
    "employee_id",
    "attendance_date",
    "status",
    "check_in (Asia/Kolkata)",
    "check_out (Asia/Kolkata)",
    "grace_period_applied",
    "is_early_exit",
    "flagged_for_review",
    "shift_id",
]
REGISTER_HEADER = [
    "employee_id",
    "employee",
    "department_id",
    "department",
    "shift",
    "status",
    "check_in (Asia/Kolkata)",
    "check_out (Asia/Kolkata)",
    "early_exit",
]
SUMMARY_HEADER = [
    "employee_id",
    "employee",
    "department_id",
    "department",
    "days_present",
    "days_late",
    "days_absent",
    "early_exits",
    "hours_worked",
]


@dataclass
class Site:
    assembly: int
    paint: int
    day: int
    night: int
    ann: int  # Assembly, day shift
    bob: int  # Paint, day shift
    sum_: int  # Assembly, day shift, named "=SUM(1,2)"
    dan: int  # no department, no shift
    eve: int  # Assembly, day shift, left the company after 2026-10-05
    nina: int  # Paint, night shift


@pytest.fixture
def site(client, admin_headers) -> Site:
    """Punches from 2026-09-30 to 2026-11-02 (all in site time), then absences marked for 2026-10-06.

    ann:  09-30 08:00-17:00 | 10-01 07:55-17:00 | 10-05 08:03-17:00 (grace) | 10-06 08:10-16:00 (late, early)
          10-31 08:00-12:00 (early) | 11-02 08:00 (no check-out)
    bob:  10-05 08:20 (late, no check-out) | 10-06 absent
    =SUM: 10-06 absent
    eve:  10-05 07:59-17:00, then made inactive
    nina: 09-30 22:00-10-01 06:00 | 10-06 absent | 10-31 21:50-11-01 06:00
    """
    h = admin_headers
    assembly = new_department(client, h, "Assembly")
    paint = new_department(client, h, "Paint")
    day = new_shift(client, h, "Day", "08:00", "17:00", grace_period_minutes=5)
    night = new_shift(client, h, "Night", "22:00", "06:00", grace_period_minutes=5)
    s = Site(
        assembly=assembly,
        paint=paint,
        day=day,
        night=night,
        ann=new_employee(client, h, day, "Ann Lee", department_id=assembly),
        bob=new_employee(client, h, day, "Bob Roy", department_id=paint),
        sum_=new_employee(client, h, day, FORMULA_NAME, department_id=assembly),
        dan=new_employee(client, h, None, "Dan Free"),
        eve=new_employee(client, h, day, "Eve Gone", department_id=assembly),
        nina=new_employee(client, h, night, "Nina Night", department_id=paint),
    )

    def shift_worked(employee: int, check_in: str, check_out: str | None = None) -> None:
        assert punched(client, h, employee, check_in)["skipped_duplicate"] is False
        if check_out is not None:
            assert punched(client, h, employee, check_out, url=CHECK_OUT)["action"] == "check_out"

    shift_worked(s.ann, ist(2026, 9, 30, 8, 0), ist(2026, 9, 30, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 1, 7, 55), ist(2026, 10, 1, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 5, 8, 3), ist(2026, 10, 5, 17, 0))
    shift_worked(s.ann, ist(2026, 10, 6, 8, 10), ist(2026, 10, 6, 16, 0))
    shift_worked(s.ann, ist(2026, 10, 31, 8, 0), ist(2026, 10, 31, 12, 0))
    shift_worked(s.ann, ist(2026, 11, 2, 8, 0))
    shift_worked(s.bob, ist(2026, 10, 5, 8, 20))
    shift_worked(s.eve, ist(2026, 10, 5, 7, 59), ist(2026, 10, 5, 17, 0))
    shift_worked(s.nina, ist(2026, 9, 30, 22, 0), ist(2026, 10, 1, 6, 0))
    shift_worked(s.nina, ist(2026, 10, 31, 21, 50), ist(2026, 11, 1, 6, 0))
    response = client.patch(f"/api/v1/employees/{s.eve}", json={"is_active": False}, headers=h)
    assert response.status_code == 200, response.text
    response = client.post("/api/v1/attendance/mark-absent", json={"date": "2026-10-06"}, headers=h)
    assert response.json()["marked_absent"] == 3, response.text  # bob, =SUM, nina
    return s


@pytest.fixture
def viewer(make_user) -> dict[str, str]:
    return make_user("viewer")


def get_json(client: Any, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def numbers_as_numbers(rows: list[list[str]]) -> list[list[Any]]:
    """Numeric cells as floats: a workbook gives 0.0 back as the integer 0, a CSV writes "0.0"."""
    return [[float(cell) if NUMBER.fullmatch(cell) else cell for cell in row] for row in rows]


def xlsx_rows(response: Any) -> list[list[str]]:
    """The sheet's rows, each cell as the CSV would write it (None as "", booleans as True/False)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def site_time(*args: int) -> str:
    return datetime(*args, tzinfo=SITE).strftime("%Y-%m-%d %H:%M:%S")


# --- GET /attendance: filters and pages ------------------------------------------------------------------------


def listed(client: Any, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    body = get_json(client, LIST, headers, limit=500, **params)
    assert body["total"] == len(body["items"])
    return body["items"]


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


# --- GET /attendance exports --------------------------------------------------------------------------------


def expected_record_rows(client: Any, headers: dict[str, str], **params: Any) -> list[list[str]]:
    """The JSON list of the same filters, written as the CSV should: times in site time, booleans as words."""

    def local(value: str | None) -> str:
        return "" if value is None else datetime.fromisoformat(value).astimezone(SITE).strftime("%Y-%m-%d %H:%M:%S")

    return [
        [
            str(i["id"]),
            str(i["employee_id"]),
            i["attendance_date"],
            i["status"],
            local(i["check_in_time"]),
            local(i["check_out_time"]),
            str(i["grace_period_applied"]),
            str(i["is_early_exit"]),
            str(i["flagged_for_review"]),
            "" if i["shift_id"] is None else str(i["shift_id"]),
        ]
        for i in listed(client, headers, **params)
    ]


def test_list_csv_has_a_header_and_the_rows_in_site_time(client, viewer, site) -> None:
    response = client.get(
        LIST, params={"format": "csv", "date_from": "2026-10-05", "date_to": "2026-10-05"}, headers=viewer
    )

    rows = csv_rows(response)

    assert response.headers["content-disposition"] == 'attachment; filename="attendance.csv"'
    assert rows[0] == RECORD_HEADER
    by_employee = {int(row[1]): row for row in rows[1:]}
    assert set(by_employee) == {site.ann, site.bob, site.eve}
    ann = by_employee[site.ann]
    assert ann[2:10] == [
        "2026-10-05",
        "PRESENT",
        "2026-10-05 08:03:00",
        "2026-10-05 17:00:00",
        "True",
        "False",
        "False",
        str(site.day),
    ]
    bob = by_employee[site.bob]
    assert bob[2:6] == ["2026-10-05", "LATE", "2026-10-05 08:20:00", ""]
    assert rows[1:] == expected_record_rows(client, viewer, date_from="2026-10-05", date_to="2026-10-05")


def test_list_csv_without_filters_has_every_record(client, viewer, site) -> None:
    rows = csv_rows(client.get(LIST, params={"format": "csv", "limit": 1}, headers=viewer))  # pages do not cut exports

    assert rows[0] == RECORD_HEADER
    assert rows[1:] == expected_record_rows(client, viewer)
    assert len(rows) == 14
    overnight = next(r for r in rows[1:] if (int(r[1]), r[2]) == (site.nina, "2026-10-31"))
    assert overnight[4:6] == ["2026-10-31 21:50:00", "2026-11-01 06:00:00"]


def test_list_xlsx_has_the_same_rows_as_the_csv(client, viewer, site) -> None:
    params = {"department_id": site.paint}

    as_csv = csv_rows(client.get(LIST, params={**params, "format": "csv"}, headers=viewer))
    response = client.get(LIST, params={**params, "format": "xlsx"}, headers=viewer)

    assert response.headers["content-disposition"] == 'attachment; filename="attendance.xlsx"'
    assert xlsx_rows(response) == as_csv
    assert len(as_csv) == 6


def test_an_empty_export_still_has_its_header(client, viewer, site) -> None:
    params = {"date_from": "2027-01-01"}

    assert csv_rows(client.get(LIST, params={**params, "format": "csv"}, headers=viewer)) == [RECORD_HEADER]
    assert xlsx_rows(client.get(LIST, params={**params, "format": "xlsx"}, headers=viewer)) == [RECORD_HEADER]


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


def test_register_csv_and_xlsx(client, viewer, site) -> None:
    as_csv = csv_rows(client.get(REGISTER, params={"date": "2026-10-05", "format": "csv"}, headers=viewer))
    xlsx = client.get(REGISTER, params={"date": "2026-10-05", "format": "xlsx"}, headers=viewer)

    assert as_csv[0] == REGISTER_HEADER
    by_employee = {int(row[0]): row for row in as_csv[1:]}
    assert by_employee == {
        site.ann: [
            str(site.ann),
            "Ann Lee",
            str(site.assembly),
            "Assembly",
            "Day",
            "PRESENT",
            site_time(2026, 10, 5, 8, 3),
            site_time(2026, 10, 5, 17),
            "False",
        ],
        site.bob: [
            str(site.bob),
            "Bob Roy",
            str(site.paint),
            "Paint",
            "Day",
            "LATE",
            site_time(2026, 10, 5, 8, 20),
            "",
            "False",
        ],
        site.sum_: [
            str(site.sum_),
            "'" + FORMULA_NAME,
            str(site.assembly),
            "Assembly",
            "Day",
            "ABSENT",
            "",
            "",
            "False",
        ],
        site.dan: [str(site.dan), "Dan Free", "", "", "", "OFF", "", "", "False"],
        site.eve: [
            str(site.eve),
            "Eve Gone",
            str(site.assembly),
            "Assembly",
            "Day",
            "PRESENT",
            site_time(2026, 10, 5, 7, 59),
            site_time(2026, 10, 5, 17),
            "False",
        ],
        site.nina: [str(site.nina), "Nina Night", str(site.paint), "Paint", "Night", "ABSENT", "", "", "False"],
    }
    assert xlsx.headers["content-disposition"] == 'attachment; filename="register-2026-10-05.xlsx"'
    assert xlsx_rows(xlsx) == as_csv


def test_a_formula_like_name_stays_text_in_the_workbook(client, viewer, site) -> None:
    response = client.get(REGISTER, params={"date": "2026-10-05", "format": "xlsx"}, headers=viewer)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == site.sum_]
    assert len(cells) == 1
    assert cells[0].value == "'" + FORMULA_NAME
    assert cells[0].data_type == "s"  # a string, not a formula
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("name", ["+44 Ann", "-Ann", "@Ann"])
def test_other_formula_starts_are_prefixed_too(client, admin_headers, viewer, name) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00")
    employee = new_employee(client, admin_headers, shift, name)

    rows = csv_rows(client.get(REGISTER, params={"date": "2026-10-05", "format": "csv"}, headers=viewer))

    assert [row[1] for row in rows[1:] if int(row[0]) == employee] == ["'" + name]


# --- GET /attendance/summary -------------------------------------------------------------------------------------


def summary(client: Any, headers: dict[str, str], year: int, month: int, **params: Any) -> dict[int, dict[str, Any]]:
    body = get_json(client, SUMMARY, headers, year=year, month=month, **params)
    assert (body["year"], body["month"]) == (year, month)
    return {row["employee_id"]: row for row in body["rows"]}


def counts(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["days_present"], row["days_late"], row["days_absent"], row["early_exits"], row["hours_worked"])


def test_monthly_summary_counts_each_employee_month(client, viewer, site) -> None:
    rows = summary(client, viewer, 2026, 10)

    # ann: 10-01 9h05 + 10-05 8h57 + 10-06 7h50 + 10-31 4h = 29h52m; 09-30 and 11-02 are other months
    assert counts(rows[site.ann]) == (4, 1, 0, 2, pytest.approx(29.87, abs=0.005))
    assert counts(rows[site.bob]) == (1, 1, 1, 0, 0.0)  # no check-out: no hours
    assert counts(rows[site.sum_]) == (0, 0, 1, 0, 0.0)
    assert counts(rows[site.eve]) == (1, 0, 0, 0, pytest.approx(9.02, abs=0.005))  # 9h01m
    # nina: 10-31 21:50 to 11-01 06:00 belongs to October; 09-30's night is September's
    assert counts(rows[site.nina]) == (1, 0, 1, 0, pytest.approx(8.17, abs=0.005))
    assert counts(rows[site.dan]) == (0, 0, 0, 0, 0.0)  # active without records: listed, all zeros
    assert rows[site.ann]["employee_name"] == "Ann Lee"
    assert rows[site.ann]["department_id"] == site.assembly


def test_monthly_summary_month_edges(client, viewer, site) -> None:
    september = summary(client, viewer, 2026, 9)
    november = summary(client, viewer, 2026, 11)

    active = {site.ann, site.bob, site.sum_, site.dan, site.nina}  # eve left: listed only where she has records
    assert set(september) == active
    assert counts(september[site.ann]) == (1, 0, 0, 0, 9.0)
    assert counts(september[site.nina]) == (1, 0, 0, 0, 8.0)
    assert counts(september[site.bob]) == (0, 0, 0, 0, 0.0)
    assert set(november) == active
    assert counts(november[site.ann]) == (1, 0, 0, 0, 0.0)
    december = summary(client, viewer, 2026, 12)
    assert set(december) == active
    assert {counts(row) for row in december.values()} == {(0, 0, 0, 0, 0.0)}


def test_monthly_summary_filters_by_department(client, viewer, site) -> None:
    assert set(summary(client, viewer, 2026, 10, department_id=site.paint)) == {site.bob, site.nina}
    assert set(summary(client, viewer, 2026, 10, department_id=site.assembly)) == {site.ann, site.sum_, site.eve}


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2026},
        {"month": 10},
        {"year": 2026, "month": 0},
        {"year": 2026, "month": 13},
        {"year": 1999, "month": 10},
        {"year": 2101, "month": 10},
        {"year": 2026, "month": 10, "format": "json"},
    ],
)
def test_monthly_summary_refuses_bad_parameters(client, viewer, site, params) -> None:
    assert_error(client.get(SUMMARY, params=params, headers=viewer), 422)


def test_monthly_summary_csv_and_xlsx(client, viewer, site) -> None:
    as_csv = csv_rows(client.get(SUMMARY, params={"year": 2026, "month": 10, "format": "csv"}, headers=viewer))
    xlsx = client.get(SUMMARY, params={"year": 2026, "month": 10, "format": "xlsx"}, headers=viewer)

    assert as_csv[0] == SUMMARY_HEADER
    by_employee = {int(row[0]): row for row in as_csv[1:]}
    assert set(by_employee) == {site.ann, site.bob, site.sum_, site.dan, site.eve, site.nina}
    assert by_employee[site.ann][1:8] == ["Ann Lee", str(site.assembly), "Assembly", "4", "1", "0", "2"]
    assert float(by_employee[site.ann][8]) == pytest.approx(29.87, abs=0.005)
    assert by_employee[site.sum_][1:8] == ["'" + FORMULA_NAME, str(site.assembly), "Assembly", "0", "0", "1", "0"]
    assert float(by_employee[site.sum_][8]) == 0.0
    assert xlsx.headers["content-disposition"] == 'attachment; filename="summary-2026-10.xlsx"'
    assert numbers_as_numbers(xlsx_rows(xlsx)) == numbers_as_numbers(as_csv)


# --- roles ---------------------------------------------------------------------------------------------------------

REPORTS = [
    (LIST, {}),
    (LIST, {"format": "csv"}),
    (REGISTER, {"date": "2026-10-05"}),
    (REGISTER, {"date": "2026-10-05", "format": "xlsx"}),
    (SUMMARY, {"year": 2026, "month": 10}),
    (SUMMARY, {"year": 2026, "month": 10, "format": "csv"}),
]


@pytest.mark.parametrize("role", ["hr", "viewer", "admin"])
def test_report_readers(client, make_user, role) -> None:
    headers = make_user(role)
    for url, params in REPORTS:
        assert client.get(url, params=params, headers=headers).status_code == 200, (url, params)


def test_reports_refuse_other_callers(client, make_user, admin_headers) -> None:
    guard = make_user("security")
    device = ingest_key_headers(client, admin_headers)
    for url, params in REPORTS:
        assert_error(client.get(url, params=params, headers=guard), 403, "forbidden")
        assert_error(client.get(url, params=params, headers=device), 403, "forbidden")
        assert_error(client.get(url, params=params), 401, "unauthorized")
