"""GET /api/v1/attendance/summary: a month per employee, its filters and exports."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.attendance.report_helpers import FORMULA_NAME, SUMMARY, csv_rows, get_json, xlsx_rows
from tests.conftest import assert_error

NUMBER = re.compile(r"-?\d+(\.\d+)?")

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


def numbers_as_numbers(rows: list[list[str]]) -> list[list[Any]]:
    """Numeric cells as floats: a workbook gives 0.0 back as the integer 0, a CSV writes "0.0"."""
    return [[float(cell) if NUMBER.fullmatch(cell) else cell for cell in row] for row in rows]


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
