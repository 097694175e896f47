"""The register as CSV and XLSX; formula-like names stay text."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from tests.attendance.helpers import SITE, new_employee, new_shift
from tests.attendance.report_helpers import FORMULA_NAME, REGISTER, csv_rows, xlsx_rows

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


def site_time(*args: int) -> str:
    return datetime(*args, tzinfo=SITE).strftime("%Y-%m-%d %H:%M:%S")


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
