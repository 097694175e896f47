"""POST /api/v1/vehicle/validate-plate and the watchlists, through the API, with every decision logged."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factoryai.vehicles.models import VehicleLog, WatchlistEntry
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

VALIDATE = "/api/v1/vehicle/validate-plate"
WATCHLIST = "/api/v1/vehicles/watchlist"


def test_spec_example_is_unknown_opens_and_is_logged(client, guard, session: Session, gate_camera: str) -> None:
    body = {"plate_text": "KA 01 AB 1234", "confidence": 0.92, "camera_id": gate_camera, "vehicle_type": "car"}
    response = client.post(VALIDATE, json=body, headers=guard)
    assert response.status_code == 200, response.text
    result = response.json()
    spec_fields = {k: result[k] for k in ("valid", "plate_number", "confidence", "status")}
    assert spec_fields == {"valid": True, "plate_number": "KA01AB1234", "confidence": 0.92, "status": "UNKNOWN"}
    assert result["should_trigger_gate_event"] is True
    assert result["alert_message"] is None
    log = stored(session, VehicleLog, result["vehicle_log_id"])
    assert log is not None
    assert (log["plate_number"], log["raw_text"], log["status"], log["camera_id"], log["vehicle_type"]) == (
        "KA01AB1234",
        "KA 01 AB 1234",
        "UNKNOWN",
        "CAM-GATE",
        "car",
    )


@pytest.mark.parametrize(
    ("text", "confidence", "reason", "review"),
    [
        ("KA01AB1234", 0.85, "LOW_CONFIDENCE", True),
        ("XX01AB1234", 0.99, "INVALID_FORMAT", False),
        ("KA010B1234", 0.99, "AMBIGUOUS_READ", True),
    ],
)
def test_rejected_reads_are_logged_with_their_reason(
    client, guard, session: Session, text: str, confidence: float, reason: str, review: bool
) -> None:
    result = client.post(VALIDATE, json={"plate_text": text, "confidence": confidence}, headers=guard).json()
    assert (result["valid"], result["status"], result["rejection_reason"]) == (False, "REJECTED", reason)
    assert result["should_trigger_gate_event"] is False
    assert result["needs_review"] is review
    log = stored(session, VehicleLog, result["vehicle_log_id"])
    assert (log["status"], log["rejection_reason"], log["needs_review"]) == ("REJECTED", reason, review)


def test_blocked_vehicle_alerts_and_never_opens(client, guard, gate_camera: str) -> None:
    added = client.post(
        WATCHLIST, json={"plate_number": "DL 03 CAB 0123", "list": "blocked", "reason": "stolen"}, headers=guard
    )
    assert added.status_code == 201, added.text
    read = {"plate_text": "DL3CAB0123", "confidence": 0.97, "camera_id": gate_camera}  # RTO without its zero
    result = client.post(VALIDATE, json=read, headers=guard).json()
    assert result["status"] == "BLOCKED"
    assert result["should_trigger_gate_event"] is False
    assert result["alert_message"] == "Blocked vehicle DL3CAB0123 at CAM-GATE: stolen"


def test_allow_list_authorizes_until_the_entry_expires(client, guard) -> None:
    body = {"plate_number": "KA01AB1234", "list": "allowed", "valid_until": "2020-01-01T00:00:00+05:30"}
    assert client.post(WATCHLIST, json=body, headers=guard).status_code == 201
    expired = client.post(VALIDATE, json={"plate_text": "KA01AB1234", "confidence": 0.9}, headers=guard).json()
    assert expired["status"] == "UNKNOWN"
    client_entries = client.get(WATCHLIST, headers=guard).json()["items"]
    assert client.delete(f"{WATCHLIST}/{client_entries[0]['id']}", headers=guard).status_code == 204
    assert (
        client.post(WATCHLIST, json={"plate_number": "KA01AB1234", "list": "allowed"}, headers=guard).status_code == 201
    )
    result = client.post(VALIDATE, json={"plate_text": "KA01AB1234", "confidence": 0.9}, headers=guard).json()
    assert result["status"] == "AUTHORIZED"


def test_a_plate_is_on_one_list_only(client, guard, session: Session) -> None:
    assert (
        client.post(WATCHLIST, json={"plate_number": "KA01AB0123", "list": "allowed"}, headers=guard).status_code == 201
    )
    clash = client.post(WATCHLIST, json={"plate_number": "KA1AB123", "list": "blocked"}, headers=guard)
    assert_error(clash, 409, "conflict")
    assert count_rows(session, WatchlistEntry) == 1
    assert client.get(WATCHLIST, params={"list": "allowed"}, headers=guard).json()["total"] == 1
    assert client.get(WATCHLIST, params={"list": "blocked"}, headers=guard).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"plate_text": "", "confidence": 0.9},
        {"plate_text": "KA01AB1234", "confidence": 1.5},
        {"plate_text": "KA01AB1234", "confidence": -0.1},
        {"plate_text": "KA01AB1234"},
        {"plate_text": "KA01AB1234", "confidence": 0.9, "colour": "red"},
        {"plate_text": "---", "confidence": 0.9},
        {"plate_text": "KA01AB1234", "confidence": 0.9, "camera_id": "CAM-NOWHERE"},
    ],
)
def test_bad_requests_are_422_and_log_nothing(client, guard, session: Session, body: dict) -> None:
    assert_error(client.post(VALIDATE, json=body, headers=guard), 422)
    assert count_rows(session, VehicleLog) == 0


def test_roles(client, make_user, admin_headers) -> None:
    body = {"plate_text": "KA01AB1234", "confidence": 0.9}
    assert_error(client.post(VALIDATE, json=body, headers=make_user("hr")), 403)
    assert_error(client.get(WATCHLIST, headers=make_user("viewer")), 403)
    assert client.post(VALIDATE, json=body, headers=admin_headers).status_code == 200
    key = client.post("/api/v1/api-keys", json={"name": "gate box", "scopes": ["ingest"]}, headers=admin_headers)
    assert client.post(VALIDATE, json=body, headers={"X-API-Key": key.json()["key"]}).status_code == 200


def test_log_search_exact_fuzzy_and_csv(client, guard) -> None:
    for text in ("KA01AB1234", "KA01AB1235", "KA01AB1234", "MH12DE1433"):
        client.post(VALIDATE, json={"plate_text": text, "confidence": 0.95}, headers=guard)
    log = "/api/v1/vehicles/log"
    exact = client.get(log, params={"plate": "ka 01 ab 1234"}, headers=guard).json()
    assert exact["total"] == 2
    fuzzy = client.get(log, params={"plate": "KA01AB1234", "fuzzy": True}, headers=guard).json()
    assert sorted(r["plate_number"] for r in fuzzy["items"]) == ["KA01AB1234", "KA01AB1234", "KA01AB1235"]
    export = client.get(log, params={"plate": "KA01AB1234", "format": "csv"}, headers=guard)
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,time (Asia/Kolkata),plate_number")
    assert len(lines) == 3
    assert_error(client.get(log, params={"since": "2026-10-05T08:00:00"}, headers=guard), 422)
