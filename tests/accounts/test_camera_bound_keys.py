"""Device keys bound to cameras: a bound key speaks only for its cameras (punches, face check-ins, plate reads,
heartbeats); unbound keys keep working, flagged in the list and warned about once in the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factoryai.accounts import service as accounts
from factoryai.accounts.models import ApiKey
from factoryai.accounts.schemas import ApiKeyCreate
from factoryai.core import auth
from factoryai.core.db import create_session_factory
from factoryai.vehicles.models import VehicleLog
from tests.camera_site import AT_SHIFT_START, add_cameras, add_employee_on_day_shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows

KEYS = "/api/v1/api-keys"
VALIDATE = "/api/v1/vehicle/validate-plate"
RECOGNIZE = "/api/v1/vehicle/recognize"
CHECK_IN = "/api/v1/attendance/check-in"
CHECK_OUT = "/api/v1/attendance/check-out"
FACE_CHECK_IN = "/api/v1/attendance/check-in/face"
READ = {"plate_text": "KA01AB1234", "confidence": 0.95}


@pytest.fixture
def site(session: Session) -> int:
    """Two gate cameras, two entrance cameras and an employee on a shift; returns the employee's id."""
    employee = add_employee_on_day_shift(session)
    add_cameras(session, CAM_GATE="gate", CAM_GATE_2="gate", CAM_MAIN="entrance", CAM_SIDE="entrance")
    session.commit()
    return employee


def new_key(client: TestClient, admin: dict[str, str], **fields: Any) -> tuple[dict[str, Any], dict[str, str]]:
    response = client.post(KEYS, json={"name": "edge box", **fields}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json(), {"X-API-Key": response.json()["key"]}


def assert_refused_for(response: Any, camera_id: str | None, allowed: list[str]) -> None:
    error = assert_error(response, 403, "forbidden")
    assert error["details"][0]["allowed_cameras"] == allowed
    assert error["details"][0]["camera_id"] == camera_id
    for camera in allowed:
        assert camera in error["message"]


def test_a_key_is_bound_to_the_cameras_named_as_they_are_spelled(
    client: TestClient, admin_headers: dict[str, str], site: int
) -> None:
    created, _ = new_key(client, admin_headers, camera_ids=["cam-gate", "CAM-MAIN", "CAM-GATE"])
    assert created["camera_ids"] == ["CAM-GATE", "CAM-MAIN"]
    assert created["warning"] is None
    listed = client.get(KEYS, headers=admin_headers).json()["items"]
    assert [(k["camera_ids"], k["warning"]) for k in listed] == [(["CAM-GATE", "CAM-MAIN"], None)]


def test_a_key_for_an_unknown_camera_is_refused_and_not_made(
    client: TestClient, admin_headers: dict[str, str], session: Session, site: int
) -> None:
    response = client.post(
        KEYS, json={"name": "edge", "camera_ids": ["CAM-GATE", "CAM-NOWHERE"]}, headers=admin_headers
    )
    error = assert_error(response, 422)
    assert {k: v for k, v in error["details"][0].items() if k != "message"} == {
        "field": "camera_ids",
        "unknown": ["CAM-NOWHERE"],
    }
    assert "CAM-NOWHERE" in error["message"]
    assert count_rows(session, ApiKey) == 0
    assert_error(client.post(KEYS, json={"name": "edge", "camera_ids": ["a/b"]}, headers=admin_headers), 422)


def test_a_gate_key_reads_plates_only_at_its_gate(
    client: TestClient, admin_headers: dict[str, str], session: Session, site: int
) -> None:
    _, device = new_key(client, admin_headers, camera_ids=["CAM-GATE"])
    assert client.post(VALIDATE, json={**READ, "camera_id": "CAM-GATE"}, headers=device).status_code == 200
    assert_refused_for(
        client.post(VALIDATE, json={**READ, "camera_id": "CAM-GATE-2"}, headers=device), "CAM-GATE-2", ["CAM-GATE"]
    )
    assert_refused_for(client.post(VALIDATE, json=READ, headers=device), None, ["CAM-GATE"])
    image = {"image": ("plate.png", b"\x89PNG not read: refused first", "image/png")}
    other_gate = client.post(RECOGNIZE, files=image, data={"camera_id": "CAM-GATE-2"}, headers=device)
    assert_refused_for(other_gate, "CAM-GATE-2", ["CAM-GATE"])
    assert_refused_for(client.post(RECOGNIZE, files=image, headers=device), None, ["CAM-GATE"])
    assert count_rows(session, VehicleLog) == 1


def test_an_entrance_key_punches_only_at_its_entrance(
    client: TestClient, admin_headers: dict[str, str], site: int
) -> None:
    _, device = new_key(client, admin_headers, camera_ids=["CAM-MAIN"])
    punch = {"employee_id": site, "timestamp": AT_SHIFT_START}
    for url in (CHECK_IN, CHECK_OUT):
        assert_refused_for(
            client.post(url, json={**punch, "camera_id": "CAM-SIDE"}, headers=device), "CAM-SIDE", ["CAM-MAIN"]
        )
        assert_refused_for(client.post(url, json=punch, headers=device), None, ["CAM-MAIN"])
    frame = {"image": ("f.jpg", b"refused before it is looked at", "image/jpeg")}
    side = client.post(FACE_CHECK_IN, files=frame, data={"camera_id": "CAM-SIDE"}, headers=device)
    assert_refused_for(side, "CAM-SIDE", ["CAM-MAIN"])
    assert_refused_for(client.post(FACE_CHECK_IN, files=frame, headers=device), None, ["CAM-MAIN"])
    own = client.post(CHECK_IN, json={**punch, "camera_id": "CAM-MAIN"}, headers=device)
    assert own.status_code == 200, own.text
    assert own.json()["action"] == "check_in"


def test_heartbeats_only_for_the_keys_cameras(client: TestClient, admin_headers: dict[str, str], site: int) -> None:
    _, device = new_key(client, admin_headers, camera_ids=["CAM-GATE"])
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=device).status_code == 200
    refused = client.post("/api/v1/cameras/CAM-MAIN/heartbeat", headers=device)
    assert_refused_for(refused, "CAM-MAIN", ["CAM-GATE"])
    seen = client.get("/api/v1/cameras/CAM-MAIN", headers=admin_headers).json()
    assert seen["last_seen_at"] is None


def test_users_may_still_name_any_camera(client: TestClient, make_user: Any, site: int) -> None:
    guard = make_user("security")
    for camera_id in ("CAM-GATE", "CAM-GATE-2"):
        assert client.post(VALIDATE, json={**READ, "camera_id": camera_id}, headers=guard).status_code == 200


def test_an_unbound_key_keeps_working_flagged_and_warned_once(
    client: TestClient, admin_headers: dict[str, str], site: int, caplog: pytest.LogCaptureFixture
) -> None:
    created, device = new_key(client, admin_headers)
    assert created["camera_ids"] == []
    assert "not bound to any camera" in created["warning"]
    metrics, _ = new_key(client, admin_headers, scopes=["metrics"])
    assert metrics["warning"] is None  # a Prometheus key speaks for no camera

    with caplog.at_level(logging.WARNING, logger="factoryai.accounts.service"):
        for camera_id in ("CAM-GATE", "CAM-GATE-2", "CAM-GATE"):
            response = client.post(VALIDATE, json={**READ, "camera_id": camera_id}, headers=device)
            assert response.status_code == 200, response.text
    warnings = [r.getMessage() for r in caplog.records if "not bound to any camera" in r.getMessage()]
    assert len(warnings) == 1
    assert "'edge box'" in warnings[0]
    listed = {k["id"]: k for k in client.get(KEYS, headers=admin_headers).json()["items"]}
    assert "not bound to any camera" in listed[created["id"]]["warning"]


def test_the_key_cache_carries_the_cameras_and_warns_once_per_key(
    clean_db: Engine, site: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a cache TTL every request looks the key up again: the warning still comes once per process."""
    cache = accounts.DeviceKeyCache(ttl=0)
    with create_session_factory(clean_db)() as s:
        _, bound = accounts.create_api_key(s, ApiKeyCreate(name="bound", camera_ids=["CAM-GATE"]), None)
        _, unbound = accounts.create_api_key(s, ApiKeyCreate(name="unbound"), None)
        s.commit()
        with caplog.at_level(logging.WARNING, logger="factoryai.accounts.service"):
            keys = [accounts.resolve_api_key(s, plaintext, cache) for plaintext in (bound, unbound, unbound, bound)]
    assert [k.camera_ids for k in keys] == [("CAM-GATE",), (), (), ("CAM-GATE",)]
    assert len([r for r in caplog.records if "not bound to any camera" in r.getMessage()]) == 1

    cached = accounts.DeviceKeyCache(ttl=60)
    with create_session_factory(clean_db)() as s:
        first = accounts.resolve_api_key(s, bound, cached)
    assert first.camera_ids == ("CAM-GATE",)
    assert cached.get(auth.hash_api_key(bound)) == first
