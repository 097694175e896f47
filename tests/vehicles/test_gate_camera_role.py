"""Only a gate camera opens a gate: a plate read naming another camera is refused, one naming none never opens."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import cv2
import pytest
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.core.config import Settings
from factoryai.vehicles.models import VehicleLog
from tests.conftest import assert_error
from tests.db_helpers import count_rows
from tests.mqtt_helpers import own_prefix, subscription
from tests.vehicles.test_ocr import render_plate

VALIDATE = "/api/v1/vehicle/validate-plate"
RECOGNIZE = "/api/v1/vehicle/recognize"
READ = {"plate_text": "KA01AB1234", "confidence": 0.95}  # a valid, unlisted plate: it opens at a gate camera


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return own_prefix(settings)


@pytest.fixture
def gate_messages(settings: Settings) -> Iterator[queue.Queue[tuple[str, dict]]]:
    with subscription(settings.mqtt, "gate/#") as received:
        yield received


@pytest.fixture
def cameras(session: Session) -> None:
    session.add_all(
        [
            Camera(id="CAM-MAIN", name="Main entrance", source_url="synthetic://people", role="entrance"),
            Camera(id="CAM-ZONE", name="Hall", source_url="synthetic://people", role="zone"),
            Camera(id="CAM-GATE", name="Gate", source_url="synthetic://vehicles", role="gate"),
            Camera(id="CAM-OLD", name="Old gate", source_url="synthetic://vehicles", role="gate", enabled=False),
        ]
    )
    session.commit()


@pytest.fixture(scope="module")
def plate_png() -> bytes:
    return cv2.imencode(".png", render_plate(["KA 01 AB 1234"]))[1].tobytes()


def assert_no_gate_command(messages: queue.Queue[tuple[str, dict]]) -> None:
    with pytest.raises(queue.Empty):
        messages.get(timeout=1)


@pytest.mark.parametrize(("camera_id", "role"), [("CAM-MAIN", "entrance"), ("CAM-ZONE", "zone")])
def test_a_read_at_a_camera_that_is_not_a_gate_is_refused_and_opens_nothing(
    client, guard, session: Session, cameras, gate_messages, camera_id: str, role: str
) -> None:
    error = assert_error(client.post(VALIDATE, json={**READ, "camera_id": camera_id}, headers=guard), 422)
    assert error["details"][0]["field"] == "camera_id"
    assert error["details"][0]["role"] == role
    assert error["details"][0]["allowed_roles"] == ["gate"]
    assert camera_id in error["message"]
    assert "'gate'" in error["message"]
    assert count_rows(session, VehicleLog) == 0
    assert_no_gate_command(gate_messages)


def test_a_disabled_gate_camera_is_refused(client, guard, session: Session, cameras) -> None:
    error = assert_error(client.post(VALIDATE, json={**READ, "camera_id": "CAM-OLD"}, headers=guard), 422)
    assert error["details"][0]["field"] == "camera_id"
    assert "disabled" in error["message"]
    assert count_rows(session, VehicleLog) == 0


def test_without_a_camera_the_plate_is_checked_and_logged_but_no_gate_opens(
    client, guard, session: Session, gate_messages
) -> None:
    response = client.post(VALIDATE, json=READ, headers=guard)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["valid"], result["status"]) == (True, "UNKNOWN")
    assert result["should_trigger_gate_event"] is False
    assert count_rows(session, VehicleLog) == 1
    assert_no_gate_command(gate_messages)


def test_the_gate_camera_still_opens(client, guard, cameras, gate_messages, settings: Settings) -> None:
    result = client.post(VALIDATE, json={**READ, "camera_id": "CAM-GATE"}, headers=guard).json()
    assert result["should_trigger_gate_event"] is True
    topic, _ = gate_messages.get(timeout=10)
    assert topic == f"{settings.mqtt.topic_prefix}/gate/CAM-GATE/open"


def test_recognize_at_an_entrance_camera_is_refused_and_opens_nothing(
    client, guard, session: Session, cameras, gate_messages, plate_png: bytes
) -> None:
    files = {"image": ("plate.png", plate_png, "image/png")}
    response = client.post(RECOGNIZE, files=files, data={"camera_id": "CAM-MAIN"}, headers=guard)
    error = assert_error(response, 422)
    assert error["details"][0]["field"] == "camera_id"
    assert count_rows(session, VehicleLog) == 0
    assert_no_gate_command(gate_messages)


def test_recognize_without_a_camera_reads_the_plate_but_opens_nothing(
    client, guard, gate_messages, plate_png: bytes
) -> None:
    response = client.post(RECOGNIZE, files={"image": ("plate.png", plate_png, "image/png")}, headers=guard)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["plate_number"], result["status"]) == ("KA01AB1234", "UNKNOWN")
    assert result["should_trigger_gate_event"] is False
    assert_no_gate_command(gate_messages)
