"""A blocked vehicle raises a stored alert, published on MQTT (the real Mosquitto) after the commit."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.vehicles.models import VehicleAlert
from tests.conftest import assert_error
from tests.db_helpers import count_rows
from tests.mqtt_helpers import own_prefix, subscription

VALIDATE = "/api/v1/vehicle/validate-plate"
ALERTS = "/api/v1/vehicles/alerts"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return own_prefix(settings)


@pytest.fixture
def subscriber(settings: Settings) -> Iterator[queue.Queue[tuple[str, dict]]]:
    with subscription(settings.mqtt, "alerts/#") as received:
        yield received


@pytest.fixture
def gate_subscriber(settings: Settings) -> Iterator[queue.Queue[tuple[str, dict]]]:
    with subscription(settings.mqtt, "gate/#") as received:
        yield received


def test_blocked_vehicle_alert_is_stored_published_and_acknowledged(
    client, make_user, session: Session, settings: Settings, subscriber
) -> None:
    guard = make_user("security")
    entry = {"plate_number": "KA01AB1234", "list": "blocked", "reason": "unpaid contractor"}
    assert client.post("/api/v1/vehicles/watchlist", json=entry, headers=guard).status_code == 201

    decision = client.post(VALIDATE, json={"plate_text": "KA 01 AB 1234", "confidence": 0.95}, headers=guard)
    assert decision.json()["status"] == "BLOCKED"

    topic, message = subscriber.get(timeout=10)
    assert topic == f"{settings.mqtt.topic_prefix}/alerts/vehicle"
    assert message["plate_number"] == "KA01AB1234"
    assert message["type"] == "BLOCKED_VEHICLE"
    assert "unpaid contractor" in message["message"]

    open_alerts = client.get(ALERTS, params={"acknowledged": False}, headers=guard).json()
    assert [a["id"] for a in open_alerts["items"]] == [message["alert_id"]]
    acked = client.post(f"{ALERTS}/{message['alert_id']}/acknowledge", headers=guard)
    assert acked.status_code == 200
    assert acked.json()["acknowledged_at"] is not None
    assert client.get(ALERTS, params={"acknowledged": False}, headers=guard).json()["total"] == 0


def test_no_alert_for_a_vehicle_that_is_not_blocked(client, make_user, session: Session, subscriber) -> None:
    guard = make_user("security")
    client.post(VALIDATE, json={"plate_text": "KA01AB1234", "confidence": 0.95}, headers=guard)
    assert count_rows(session, VehicleAlert) == 0
    with pytest.raises(queue.Empty):
        subscriber.get(timeout=1)


def test_alerts_are_for_security(client, make_user) -> None:
    assert_error(client.get(ALERTS, headers=make_user("hr")), 403)
    assert_error(client.post(f"{ALERTS}/1/acknowledge", headers=make_user("security")), 404)


def test_gate_opens_over_mqtt_only_for_an_opening_decision(
    client, make_user, session: Session, settings: Settings, gate_subscriber
) -> None:
    from factoryai.cameras.models import Camera

    session.add(Camera(id="CAM-GATE", name="Gate", source_url="synthetic://vehicles", role="gate"))
    session.commit()
    guard = make_user("security")
    body = {"plate_text": "KA01AB1234", "confidence": 0.95, "camera_id": "CAM-GATE"}
    opened = client.post(VALIDATE, json=body, headers=guard).json()
    assert opened["should_trigger_gate_event"] is True
    topic, message = gate_subscriber.get(timeout=10)
    assert topic == f"{settings.mqtt.topic_prefix}/gate/CAM-GATE/open"
    assert message["vehicle_log_id"] == opened["vehicle_log_id"]

    rejected = client.post(VALIDATE, json={**body, "confidence": 0.5}, headers=guard).json()
    assert rejected["should_trigger_gate_event"] is False
    with pytest.raises(queue.Empty):
        gate_subscriber.get(timeout=1)
