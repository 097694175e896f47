"""A real MQTT subscriber (Mosquitto on 127.0.0.1:1883) for tests that check what was published."""

from __future__ import annotations

import json
import queue
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import paho.mqtt.client as mqtt

from factoryai.core.config import MqttSettings, Settings


def own_prefix(settings: Settings) -> Settings:
    """A topic prefix of the test's own, so parallel runs on one broker never see each other's messages."""
    prefix = f"factoryai-test-{uuid.uuid4().hex[:8]}"
    return settings.model_copy(update={"mqtt": settings.mqtt.model_copy(update={"topic_prefix": prefix})})


@contextmanager
def subscription(mqtt_settings: MqttSettings, topics: str) -> Iterator[queue.Queue[tuple[str, dict]]]:
    """Subscribed (and confirmed) before the test acts; messages arrive on the queue as (topic, payload)."""
    received: queue.Queue[tuple[str, dict]] = queue.Queue()
    subscribed: queue.Queue[bool] = queue.Queue()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_message = lambda _c, _u, msg: received.put((msg.topic, json.loads(msg.payload)))
    client.on_subscribe = lambda *_: subscribed.put(True)
    client.connect(mqtt_settings.host, mqtt_settings.port)
    client.loop_start()
    try:
        client.subscribe(f"{mqtt_settings.topic_prefix}/{topics}", qos=1)
        subscribed.get(timeout=10)
        yield received
    finally:
        client.loop_stop()
        client.disconnect()
