"""Attendance report test helpers: the report URLs, JSON pages, and CSV and XLSX exports read back as rows."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

LIST = "/api/v1/attendance"
REGISTER = "/api/v1/attendance/register"
SUMMARY = "/api/v1/attendance/summary"
FORMULA_NAME = "=SUM(1,2)"


def get_json(client: Any, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[list[str]]:
    """The sheet's rows, each cell as the CSV would write it (None as "", booleans as True/False)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def listed(client: Any, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    body = get_json(client, LIST, headers, limit=500, **params)
    assert body["total"] == len(body["items"])
    return body["items"]
