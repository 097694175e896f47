"""The dashboard's live events (GET /api/v1/events/stream) over a real HTTP server and the real MQTT broker: each
role receives the kinds it may read, the moment they are committed; another process's events arrive through the
broker; this process's own arrive once, not again as the broker's echo; a stopping server ends the streams."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import paho.mqtt.client as mqtt
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.api.live_events import KINDS, kind_of
from factoryai.api.server import Server
from factoryai.core import auth
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from tests.attendance.helpers import new_employee, new_shift
from tests.mqtt_helpers import own_prefix, subscription
from tests.test_serve_e2e import _free_port
from tests.video.test_runtime import wait_for


@contextmanager
def serving(settings: Settings, engine: Engine) -> Iterator[tuple[str, Server, Any]]:
    app = create_app(settings, engine=engine, cameras_here=False)
    port = _free_port()
    server = Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, "the server to start", 30)
    try:
        yield f"http://127.0.0.1:{port}", server, app
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the server did not stop"


class EventStream:
    """An SSE client on its own thread: events arrive on a queue as (event name, data)."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.connected = threading.Event()
        self.ended = threading.Event()
        self.status: int | None = None
        self._thread = threading.Thread(target=self._read, args=(base_url, headers), daemon=True)
        self._thread.start()
        assert self.connected.wait(30), "the stream did not open"

    def _read(self, base_url: str, headers: dict[str, str]) -> None:
        with (
            httpx.Client(base_url=base_url, timeout=httpx.Timeout(60, read=60)) as client,
            client.stream("GET", "/api/v1/events/stream", headers=headers) as response,
        ):
            self.status = response.status_code
            self.content_type = response.headers.get("content-type", "")
            name, data = None, None
            for line in response.iter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and name is not None:
                    self.events.put((name, data or {}))
                    name, data = None, None
        self.connected.set()
        self.ended.set()

    def next(self, timeout: float = 30) -> tuple[str, dict[str, Any]]:
        return self.events.get(timeout=timeout)

    def until(self, name: str, timeout: float = 30) -> list[tuple[str, dict[str, Any]]]:
        """Every event up to and including the first called ``name``."""
        seen = []
        while True:
            event = self.next(timeout)
            seen.append(event)
            if event[0] == name:
                return seen


@pytest.fixture
def mqtt_settings(settings: Settings) -> Settings:
    return own_prefix(settings)


def block_a_plate(base: str, admin: dict[str, str], plate: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers=admin, timeout=30) as client:
        added = client.post("/api/v1/vehicles/watchlist", json={"plate_number": plate, "list": "blocked"})
        assert added.status_code == 201, added.text
        decided = client.post("/api/v1/vehicle/validate-plate", json={"plate_text": plate, "confidence": 0.97})
        assert decided.status_code == 200, decided.text
        return decided.json()


def test_every_topic_the_services_publish_has_a_kind() -> None:
    from factoryai.resources import TOPICS

    assert {k.topic for k in KINDS} == set(TOPICS)
    assert kind_of("occupancy/CAM-1").name == "occupancy"  # type: ignore[union-attr]
    assert kind_of("occupancy/CAM-1/reset").name == "occupancy_reset"  # type: ignore[union-attr]
    assert kind_of("gate/CAM-G/open").name == "gate_open"  # type: ignore[union-attr]
    assert kind_of("occupancy/a/b/c") is None
    assert kind_of("something/else") is None


def test_each_role_receives_what_it_may_read_as_it_is_committed(
    mqtt_settings: Settings, clean_db: Engine, make_user: Callable[..., dict[str, str]]
) -> None:
    admin, guard, hr = make_user("admin"), make_user("security"), make_user("hr")
    with serving(mqtt_settings, clean_db) as (base, _server, _app):
        guard_stream, hr_stream = EventStream(base, guard), EventStream(base, hr)
        assert guard_stream.status == 200
        assert guard_stream.content_type.startswith("text/event-stream")
        result = block_a_plate(base, admin, "KA01AB1234")
        decision = guard_stream.next()
        assert decision[0] == "gate_decision"
        assert decision[1]["vehicle_log_id"] == result["vehicle_log_id"]
        assert decision[1]["status"] == "BLOCKED"
        assert decision[1]["topic"] == "vehicles/decision"
        alert = guard_stream.next()
        assert alert[0] == "vehicle_alert"
        assert alert[1]["plate_number"] == "KA01AB1234"

        with httpx.Client(base_url=base, timeout=30) as client:
            shift = new_shift(client, hr, start="00:00", end="23:59")
            employee = new_employee(client, hr, shift, "Asha Rao")
            punched = client.post("/api/v1/attendance/check-in", json={"employee_id": employee}, headers=admin)
            assert punched.status_code == 200, punched.text
        first = hr_stream.next()
        assert first[0] == "punch"  # the gate's events, sent before it, never reached HR
        assert first[1]["employee_id"] == employee


def test_another_processs_events_arrive_through_the_broker_and_our_own_arrive_once(
    mqtt_settings: Settings, clean_db: Engine, make_user: Callable[..., dict[str, str]]
) -> None:
    admin, guard = make_user("admin"), make_user("security")
    prefix = mqtt_settings.mqtt.topic_prefix
    with (
        serving(mqtt_settings, clean_db) as (base, _server, app),
        subscription(mqtt_settings.mqtt, "#") as broker,
    ):
        wait_for(lambda: app.state.live_events.subscribed, "the API's broker subscription", 30)
        stream = EventStream(base, guard)
        block_a_plate(base, admin, "TN09BZ4321")
        # The broker echoes this process's own events back to it: wait until the broker has carried them ...
        carried = [broker.get(timeout=30)[0] for _ in range(2)]
        assert sorted(t.removeprefix(prefix + "/") for t in carried) == ["alerts/vehicle", "vehicles/decision"]
        # ... then an event from another process (the scheduler, another API replica) goes through the broker only.
        other = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        other.connect(mqtt_settings.mqtt.host, mqtt_settings.mqtt.port)
        other.loop_start()
        payload = {"alert_id": 999, "plate_number": "MH12DE1433", "camera_id": "CAM-GATE-2", "time": "t"}
        other.publish(f"{prefix}/alerts/vehicle", json.dumps(payload), qos=1).wait_for_publish(10)
        other.loop_stop()
        other.disconnect()
        events = stream.until("vehicle_alert") + stream.until("vehicle_alert")
    names = [(name, data.get("plate_number")) for name, data in events]
    assert names == [
        ("gate_decision", "TN09BZ4321"),
        ("vehicle_alert", "TN09BZ4321"),
        ("vehicle_alert", "MH12DE1433"),  # from the other process; and our own two came once each
    ]


def test_a_stream_ends_when_its_log_in_expires(
    settings: Settings, clean_db: Engine, make_user: Callable[..., dict[str, str]]
) -> None:
    secret = settings.auth.secret_key.get_secret_value()
    user_id = auth.decode_access_token(make_user("viewer")["Authorization"].split()[1], secret).user_id
    token = auth.create_access_token(user_id, secret, 1, utcnow() - timedelta(seconds=57))  # 3 s left
    with serving(settings, clean_db) as (base, _server, _app):
        stream = EventStream(base, {"Authorization": f"Bearer {token}"})
        assert stream.ended.wait(30), "the stream outlived the log-in"
        with httpx.Client(base_url=base) as client:  # the browser reconnects: the expired log-in is refused
            again = client.get("/api/v1/events/stream", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 401


def test_a_stopping_server_ends_open_streams(settings: Settings, clean_db: Engine, make_user: Callable) -> None:
    viewer = make_user("viewer")
    with serving(settings, clean_db) as (base, server, _app):
        stream = EventStream(base, viewer)
        server.should_exit = True
        assert stream.ended.wait(30), "the stream stayed open"


def test_a_stream_needs_a_logged_in_user(client: TestClient, make_user: Callable) -> None:
    response = client.get("/api/v1/events/stream")
    assert response.status_code == 401
    assert response.json()["error"]["code"]
