"""Tabular exports (CSV, XLSX) for report endpoints: one column list, one row iterable, a download response."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal

from fastapi import Response
from openpyxl import Workbook

ExportFormat = Literal["csv", "xlsx"]
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What a report route documents for 200 besides its JSON, so the generated client offers typed downloads.
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}, _MEDIA["xlsx"]: {}}}}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # A name like "=HYPERLINK(...)" must stay text when HR opens the file in a spreadsheet.
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel then reads UTF-8 names correctly


def to_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    fmt: ExportFormat, columns: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> Response:
    body = to_csv(columns, rows) if fmt == "csv" else to_xlsx(columns, rows, filename)
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )
