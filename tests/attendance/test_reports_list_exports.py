"""GET /api/v1/attendance as CSV and XLSX: a header, site times, the JSON list's rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.attendance.helpers import SITE
from tests.attendance.report_helpers import LIST, csv_rows, listed, xlsx_rows

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
