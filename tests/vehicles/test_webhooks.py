"""Alerts and gate openings over HTTP webhooks: a real loopback endpoint that fails before it succeeds."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.core.config import Settings
from factoryai.core.events import WebhookPublisher


class Endpoint:
    """Answers the given statuses in turn (then 200) and records every request body."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: queue.Queue[dict] = queue.Queue()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.bodies.put(body)
                status = endpoint.statuses.pop(0) if endpoint.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, n: int, timeout: float = 15) -> list[dict]:
        return [self.bodies.get(timeout=timeout) for _ in range(n)]

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint([])
    yield server
    server.close()


def test_a_delivery_is_retried_through_5xx_until_it_succeeds() -> None:
    endpoint = Endpoint([503, 502])
    publisher = WebhookPublisher({"alerts/": endpoint.url}, base_wait_seconds=0.05)
    try:
        publisher.publish("alerts/vehicle", {"plate_number": "KA01AB1234"})
        attempts = endpoint.received(3)
    finally:
        publisher.close()
        endpoint.close()
    assert [a["plate_number"] for a in attempts] == ["KA01AB1234"] * 3
    assert attempts[0]["topic"] == "alerts/vehicle"


def test_a_4xx_is_not_retried_and_other_topics_are_not_sent() -> None:
    endpoint = Endpoint([400])
    publisher = WebhookPublisher({"alerts/": endpoint.url}, base_wait_seconds=0.05)
    try:
        publisher.publish("gate/CAM-GATE/open", {"x": 1})  # no route for gate/
        publisher.publish("alerts/vehicle", {"plate_number": "KA01AB1234"})
        assert endpoint.received(1)[0]["topic"] == "alerts/vehicle"
        time.sleep(0.5)  # room for a wrong retry to show up
        assert endpoint.bodies.empty()
    finally:
        publisher.close()
        endpoint.close()


@pytest.fixture
def settings(settings: Settings, endpoint: Endpoint) -> Settings:
    vehicles = settings.vehicles.model_copy(
        update={
            "gate_relay": "webhook",
            "gate_webhook_url": endpoint.url,
            "alert_webhook_url": endpoint.url,
            "webhook_retry_base_seconds": 0.05,
        }
    )
    return settings.model_copy(update={"vehicles": vehicles})


def test_gate_webhook_and_alert_webhook_through_the_api(
    client, make_user, session: Session, endpoint: Endpoint
) -> None:
    session.add(Camera(id="CAM-GATE", name="Gate", source_url="synthetic://vehicles", role="gate"))
    session.commit()
    guard = make_user("security")
    body = {"plate_text": "KA01AB1234", "confidence": 0.95, "camera_id": "CAM-GATE"}
    opened = client.post("/api/v1/vehicle/validate-plate", json=body, headers=guard).json()
    gate_call = endpoint.received(1)[0]
    assert gate_call["topic"] == "gate/CAM-GATE/open"
    assert gate_call["vehicle_log_id"] == opened["vehicle_log_id"]

    entry = {"plate_number": "MH12DE1433", "list": "blocked", "reason": "banned"}
    client.post("/api/v1/vehicles/watchlist", json=entry, headers=guard)
    client.post("/api/v1/vehicle/validate-plate", json={**body, "plate_text": "MH12DE1433"}, headers=guard)
    alert_call = endpoint.received(1)[0]
    assert alert_call["topic"] == "alerts/vehicle"
    assert alert_call["plate_number"] == "MH12DE1433"


def test_webhook_urls_must_be_http() -> None:
    from factoryai.core.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=r"vehicles\.alert_webhook_url"):
        load_settings(vehicles={"alert_webhook_url": "file:///etc/passwd"})
