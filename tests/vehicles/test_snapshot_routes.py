"""The pictures of gate decisions and alerts: security and admins only (never a viewer or a device key), a 404 that
says why when there is none, the JPEG when there is one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import assert_error


def test_gate_pictures_are_for_security_only_and_a_missing_one_says_why(
    client: TestClient, make_user: Any, admin_headers: dict[str, str]
) -> None:
    entry = {"plate_number": "TN09BZ4321", "list": "blocked", "reason": "stolen"}
    assert client.post("/api/v1/vehicles/watchlist", json=entry, headers=admin_headers).status_code == 201
    decided = client.post("/api/v1/vehicle/validate-plate", json={"plate_text": "TN09BZ4321", "confidence": 0.97},
                          headers=admin_headers).json()  # fmt: skip
    log_id = decided["vehicle_log_id"]
    alert_id = client.get("/api/v1/vehicles/alerts", headers=admin_headers).json()["items"][0]["id"]
    key = client.post("/api/v1/api-keys", json={"name": "gate box"}, headers=admin_headers).json()["key"]
    for path in (f"/api/v1/vehicles/log/{log_id}/snapshot", f"/api/v1/vehicles/alerts/{alert_id}/snapshot"):
        assert_error(client.get(path, headers=make_user("viewer")), 403)
        assert_error(client.get(path, headers={"X-API-Key": key}), 403)
        assert_error(client.get(path), 401)
        missing = assert_error(client.get(path, headers=make_user("security")), 404)  # no picture was sent
        assert "no snapshot" in missing["message"]
    assert_error(client.get("/api/v1/vehicles/log/999999/snapshot", headers=admin_headers), 404)


def test_a_device_key_gets_no_event_stream(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = client.post("/api/v1/api-keys", json={"name": "edge"}, headers=admin_headers).json()["key"]
    assert_error(client.get("/api/v1/events/stream", headers={"X-API-Key": key}), 403)


def test_a_pass_with_a_picture_serves_it(client: TestClient, admin_headers: dict[str, str]) -> None:
    from tests.attendance.helpers import new_camera
    from tests.vehicles.test_plate_passes import PASSES, a_pass

    new_camera(client, admin_headers, "CAM-GATE", "gate")
    key = client.post("/api/v1/api-keys", json={"name": "gate box"}, headers=admin_headers).json()["key"]
    sent = client.post(PASSES, json=a_pass("KA01AB1234"), headers={"X-API-Key": key})
    assert sent.status_code == 200, sent.text
    entry = client.get("/api/v1/vehicles/log", headers=admin_headers).json()["items"][0]
    picture = client.get(f"/api/v1/vehicles/log/{entry['id']}/snapshot", headers=admin_headers)
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert picture.content[:2] == b"\xff\xd8"
