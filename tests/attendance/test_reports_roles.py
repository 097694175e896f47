"""Who may read the attendance reports (list, register, summary) and their exports."""

from __future__ import annotations

import pytest

from tests.attendance.helpers import ingest_key_headers
from tests.attendance.report_helpers import LIST, REGISTER, SUMMARY
from tests.conftest import assert_error

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
