"""POST /vehicle/passes: a camera worker's vehicle pass, decided once per event id (a re-send answers the first
decision: no second log row, alert or gate opening)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import watchlist_key
from tests.attendance.helpers import new_camera
from tests.conftest import assert_error
from tests.db_helpers import count_rows

PASSES = "/api/v1/vehicle/passes"


@pytest.fixture
def device(client: TestClient, make_user: Any) -> dict[str, str]:
    admin = make_user("admin")
    new_camera(client, admin, "CAM-GATE", "gate")
    new_camera(client, admin, "CAM-DOOR", "entrance")
    entry = {"plate_number": "TN09BZ4321", "list": "blocked", "reason": "stolen"}
    assert client.post("/api/v1/vehicles/watchlist", json=entry, headers=admin).status_code == 201
    key = client.post("/api/v1/api-keys", json={"name": "gate box"}, headers=admin).json()["key"]
    return {"X-API-Key": key}


def a_pass(plate: str, camera_id: str = "CAM-GATE", **extra: Any) -> dict[str, Any]:
    ok, jpeg = cv2.imencode(".jpg", np.full((120, 160, 3), 128, np.uint8))
    assert ok
    return {
        "event_id": uuid.uuid4().hex,
        "camera_id": camera_id,
        "timestamp": "2026-12-06T09:00:00+05:30",
        "plate_text": plate,
        "confidence": 0.97,
        "snapshot": base64.b64encode(jpeg.tobytes()).decode(),
        **extra,
    }


def test_a_blocked_vehicle_pass_is_decided_and_alerted_once_however_often_it_is_sent(
    client: TestClient, device: dict[str, str], session: Session
) -> None:
    body = a_pass("TN09BZ4321")
    first = client.post(PASSES, json=body, headers=device)
    assert first.status_code == 200, first.text
    assert first.json()["duplicate"] is False
    assert first.json()["status"] == "BLOCKED"
    again = client.post(PASSES, json=body, headers=device)  # the worker's retry after a timeout
    assert again.json() == {**first.json(), "duplicate": True}
    assert count_rows(session, VehicleLog) == 1
    assert count_rows(session, VehicleAlert) == 1
    log = session.get(VehicleLog, first.json()["vehicle_log_id"])
    assert log is not None
    assert log.snapshot_path  # the frame of the best read is kept with the decision


def test_a_pass_needs_a_gate_camera_and_sane_fields(
    client: TestClient, device: dict[str, str], session: Session
) -> None:
    assert_error(client.post(PASSES, json=a_pass("KA01AB1234", camera_id="CAM-DOOR"), headers=device), 422)
    assert_error(client.post(PASSES, json=a_pass("KA01AB1234", snapshot="%%%"), headers=device), 422)
    assert_error(client.post(PASSES, json=a_pass("KA01AB1234", confidence=2), headers=device), 422)
    assert count_rows(session, VehicleLog) == 0


def test_a_pass_for_a_disabled_gate_camera_is_refused_and_logs_nothing(
    client: TestClient, device: dict[str, str], session: Session, make_user: Any
) -> None:
    admin = make_user("admin")
    assert client.patch("/api/v1/cameras/CAM-GATE", json={"enabled": False}, headers=admin).is_success
    assert_error(client.post(PASSES, json=a_pass("TN09BZ4321"), headers=device), 422)
    assert count_rows(session, VehicleLog) == 0
    assert count_rows(session, VehicleAlert) == 0


def test_a_pass_delivered_late_is_logged_at_its_own_time_and_opens_no_gate(
    client: TestClient, device: dict[str, str], session: Session
) -> None:
    seen = datetime.now(UTC) - timedelta(minutes=10)  # waited in a worker's outbox while the API was away
    late = client.post(PASSES, json=a_pass("KA01AB1234", timestamp=seen.isoformat()), headers=device)
    assert late.status_code == 200, late.text
    log = session.get(VehicleLog, late.json()["vehicle_log_id"])
    assert log is not None
    assert abs((log.timestamp - seen).total_seconds()) < 1


def test_only_a_fresh_pass_may_open_the_gate(session: Session, device: dict[str, str], settings: Any) -> None:
    from factoryai.vehicles import service
    from factoryai.vehicles.schemas import PlateValidationRequest

    allowed = {"plate_text": "KA01AB1234", "confidence": 0.97, "camera_id": "CAM-GATE"}
    session.add(WatchlistEntry(plate_number="KA01AB1234", plate_key=watchlist_key("KA01AB1234"), list="allowed"))
    session.flush()
    gone = datetime.now(UTC) - timedelta(minutes=10)
    old = service.validate_plate(session, PlateValidationRequest(**allowed), settings, seen_at=gone)
    new = service.validate_plate(session, PlateValidationRequest(**allowed), settings, seen_at=datetime.now(UTC))
    session.rollback()
    assert old.status == new.status == "AUTHORIZED"
    assert old.should_trigger_gate_event is False
    assert new.should_trigger_gate_event is True
