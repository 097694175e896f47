"""Strict booleans, dates, datetimes, times and ids on every route; nulls refused where they would reach a NOT NULL
column; names normalised and free of invisible characters."""

from __future__ import annotations

import os
import time as clock
from datetime import date, datetime, time
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel, BeforeValidator, NaiveDatetime

from factoryai.core.config import Settings
from factoryai.core.schemas import STRICT_VALIDATORS
from tests.api.app_routes import api_routes
from tests.conftest import assert_error

LAX_TYPES = (bool, date, datetime, time, AwareDatetime, NaiveDatetime)


def _lax_fields(annotation: Any, metadata: list[Any], where: str) -> list[str]:
    """Where a bool/date/datetime/time is read without one of the strict validators, in an annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return _lax_fields(base, [*metadata, *meta], where)
    if origin in (Union, UnionType, list, tuple, set, frozenset, dict):
        return [spot for arg in get_args(annotation) for spot in _lax_fields(arg, [], where)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            spot
            for name, field in annotation.model_fields.items()
            for spot in _lax_fields(field.annotation, list(field.metadata), f"{where}.{name}")
        ]
    if annotation in LAX_TYPES:
        strict = any(isinstance(m, BeforeValidator) and m.func in STRICT_VALIDATORS for m in metadata)
        return [] if strict else [where]
    return []


def _params(dependant: Any) -> list[Any]:
    found = [*dependant.path_params, *dependant.query_params, *dependant.header_params, *dependant.body_params]
    for sub in dependant.dependencies:
        found += _params(sub)
    return found


def test_every_route_reads_booleans_dates_and_times_strictly(app) -> None:
    lax = []
    for route in api_routes(app):
        for param in _params(route.dependant):
            info = param.field_info
            lax += _lax_fields(info.annotation, list(info.metadata), f"{route.path} {param.alias}")
    assert lax == []


def test_the_walk_finds_a_lax_field() -> None:
    """The check above would see a plain bool, date or datetime, also inside a model and an optional."""

    class Lax(BaseModel):
        on: bool
        day: date | None = None

    assert _lax_fields(Lax, [], "body") == ["body.on", "body.day"]
    assert _lax_fields(datetime | None, [], "query.since") == ["query.since"]


# --- behaviour ------------------------------------------------------------------------------------------------


def old_snapshot(settings: Settings) -> Path:
    path = Path(settings.identity.snapshot_dir) / "faces" / "2020-01-01" / "old.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8old")
    then = clock.time() - 400 * 86400
    os.utime(path, (then, then))
    return path


@pytest.mark.parametrize("dry_run", [0, 1, "yes", "no", None])
def test_a_dry_run_that_is_not_a_boolean_deletes_nothing(
    client: TestClient, admin_headers: dict[str, str], settings: Settings, dry_run: Any
) -> None:
    snapshot = old_snapshot(settings)
    response = client.post("/api/v1/identity/cleanup-snapshots", json={"dry_run": dry_run}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.dry_run"]
    assert snapshot.exists()


def test_a_real_dry_run_still_works(client: TestClient, admin_headers: dict[str, str], settings: Settings) -> None:
    snapshot = old_snapshot(settings)
    response = client.post("/api/v1/identity/cleanup-snapshots", json={"dry_run": True}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["files_deleted"] == 1
    assert snapshot.exists()


@pytest.mark.parametrize("value", ["0", "1", "yes", "on", "False"])
def test_boolean_query_parameters_take_true_or_false_only(
    client: TestClient, admin_headers: dict[str, str], value: str
) -> None:
    error = assert_error(client.get(f"/api/v1/employees?is_active={value}", headers=admin_headers), 422)
    assert [d["field"] for d in error["details"]] == ["query.is_active"]
    assert "true or false" in error["message"]
    for ok in ("true", "false"):
        assert client.get(f"/api/v1/employees?is_active={ok}", headers=admin_headers).status_code == 200


@pytest.mark.parametrize("value", ["0", "20260105", "2026-01-05T00:00:00", "05/01/2026", "1767571200"])
def test_dates_are_yyyy_mm_dd_only(client: TestClient, admin_headers: dict[str, str], value: str) -> None:
    response = client.get("/api/v1/attendance/register", params={"date": value}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["query.date"]
    assert "YYYY-MM-DD" in error["message"]
    ok = client.get("/api/v1/attendance/register", params={"date": "2026-01-05"}, headers=admin_headers)
    assert ok.status_code == 200, ok.text


def test_a_date_in_a_body_is_strict_too(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post("/api/v1/attendance/mark-absent", json={"date": 0}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.date"]


@pytest.fixture
def employee(client: TestClient, admin_headers: dict[str, str]) -> int:
    shift = client.post(
        "/api/v1/shifts", json={"shift_name": "Day", "start_time": "08:00", "end_time": "17:00"}, headers=admin_headers
    )
    assert shift.status_code == 201, shift.text
    created = client.post(
        "/api/v1/employees",
        json={"name": "Asha", "email": "asha@example.com", "shift_id": shift.json()["id"]},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.mark.parametrize("timestamp", [0, 1767600000, "1767600000", "2026-01-05"])
def test_timestamps_are_iso_8601_only(
    client: TestClient, admin_headers: dict[str, str], employee: int, timestamp: Any
) -> None:
    response = client.post(
        "/api/v1/attendance/check-in", json={"employee_id": employee, "timestamp": timestamp}, headers=admin_headers
    )
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.timestamp"]
    assert "ISO-8601" in error["message"]


def test_true_is_not_an_id(client: TestClient, admin_headers: dict[str, str], employee: int) -> None:
    response = client.post("/api/v1/attendance/check-in", json={"employee_id": True}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.employee_id"]


def test_shift_times_are_written_times(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"shift_name": "Seconds", "start_time": 28800, "end_time": "17:00"}
    error = assert_error(client.post("/api/v1/shifts", json=body, headers=admin_headers), 422)
    assert [d["field"] for d in error["details"]] == ["body.start_time"]
    assert "HH:MM" in error["message"]


def test_a_body_flag_is_strict(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"id": "CAM-1", "name": "Gate", "source_url": "rtsp://10.0.0.1/s", "role": "gate", "enabled": 1}
    error = assert_error(client.post("/api/v1/cameras", json=body, headers=admin_headers), 422)
    assert [d["field"] for d in error["details"]] == ["body.enabled"]


def test_a_form_field_timestamp_is_strict(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/attendance/check-in/face",
        files={"image": ("frame.jpg", b"\xff\xd8not-decoded", "image/jpeg")},
        data={"timestamp": "1767600000"},
        headers=admin_headers,
    )
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.timestamp"]


# --- nulls ----------------------------------------------------------------------------------------------------


@pytest.fixture
def record(client: TestClient, admin_headers: dict[str, str], employee: int) -> int:
    response = client.post(
        "/api/v1/attendance/check-in",
        json={"employee_id": employee, "timestamp": "2026-01-05T08:01:00+05:30"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["attendance_id"]


@pytest.mark.parametrize("field", ["status", "is_early_exit", "flagged_for_review"])
def test_a_correction_cannot_null_a_required_field(
    client: TestClient, admin_headers: dict[str, str], record: int, field: str
) -> None:
    response = client.patch(
        f"/api/v1/attendance/{record}", json={"reason": "fix it", field: None}, headers=admin_headers
    )
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == [f"body.{field}"]
    assert "cannot be null" in error["message"]


def test_a_correction_may_clear_a_time(client: TestClient, admin_headers: dict[str, str], record: int) -> None:
    response = client.patch(
        f"/api/v1/attendance/{record}",
        json={"reason": "never came", "check_in_time": None, "status": "ABSENT"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["check_in_time"] is None


# --- names ----------------------------------------------------------------------------------------------------

HIDDEN = ["\u200b", "\u200d", "\ufeff", "\u202a", "\u202e", "\u2066", "\u2069", "\u00ad", "\x07", "\u2028"]


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_names_with_invisible_characters_are_refused(
    client: TestClient, admin_headers: dict[str, str], char: str
) -> None:
    response = client.post("/api/v1/departments", json={"name": f"Ad{char}min"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["body.name"]
    assert f"U+{ord(char):04X}" in error["message"]


BAD = "Paint\u202eshop"
NAME_FIELDS = [
    ("POST", "/api/v1/employees", {"name": BAD, "email": "e@example.com"}, "body.name"),
    ("POST", "/api/v1/shifts", {"shift_name": BAD, "start_time": "08:00", "end_time": "17:00"}, "body.shift_name"),
    ("POST", "/api/v1/departments", {"name": "Paint", "description": BAD}, "body.description"),
    (
        "POST",
        "/api/v1/cameras",
        {"id": "CAM-2", "name": BAD, "source_url": "rtsp://10.0.0.1/s", "role": "gate"},
        "body.name",
    ),
    ("POST", "/api/v1/users", {"username": "u-bidi", "password": "pass-word-1", "role": "hr", "full_name": BAD}, None),
    ("POST", "/api/v1/api-keys", {"name": BAD}, "body.name"),
    ("POST", "/api/v1/vehicles/watchlist", {"plate_number": "KA01AB1234", "list": "blocked", "reason": BAD}, None),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "field"), NAME_FIELDS, ids=[f"{u} {f}" for _, u, _, f in NAME_FIELDS]
)
def test_every_free_text_name_field_refuses_bidi_controls(
    client: TestClient, admin_headers: dict[str, str], method: str, url: str, body: dict[str, Any], field: str | None
) -> None:
    field = field or f"body.{next(k for k, v in body.items() if v == BAD)}"
    error = assert_error(client.request(method, url, json=body, headers=admin_headers), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == [field]


def test_a_correction_reason_refuses_invisible_characters(
    client: TestClient, admin_headers: dict[str, str], record: int
) -> None:
    body = {"reason": "late\u200bbus", "status": "LATE"}
    error = assert_error(client.patch(f"/api/v1/attendance/{record}", json=body, headers=admin_headers), 422)
    assert [d["field"] for d in error["details"]] == ["body.reason"]


def test_names_are_stored_nfc_and_compared_so(client: TestClient, admin_headers: dict[str, str]) -> None:
    decomposed = "E\u0301cole"  # E + combining acute
    created = client.post("/api/v1/departments", json={"name": decomposed}, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "\u00c9cole"
    again = client.post("/api/v1/departments", json={"name": "\u00c9cole"}, headers=admin_headers)
    assert_error(again, 409, "conflict")


def test_indic_names_keep_their_joiners(client: TestClient, admin_headers: dict[str, str]) -> None:
    # Malayalam chillu and Devanagari half-forms are spelled with a zero-width joiner after a virama.
    for name in ("\u0d28\u0d4d\u200d", "\u0915\u094d\u200d\u0937"):
        response = client.post("/api/v1/departments", json={"name": name}, headers=admin_headers)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == name


def test_free_text_may_hold_line_breaks(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"name": "Stores", "description": "Ground floor\nbehind the gate"}
    response = client.post("/api/v1/departments", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
