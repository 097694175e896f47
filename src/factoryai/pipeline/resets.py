"""The 03:00 drift reset reaching running counters: the reset job publishes `occupancy/<camera_id>/reset` after it
commits (occupancy/events.py); every process that runs cameras — `serve`, or a worker on an edge box — listens on the
site's MQTT broker and sets that camera's live count to 0."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt

from factoryai.core.config import MqttSettings

log = logging.getLogger(__name__)


class ResetListener:
    def __init__(self, settings: MqttSettings, on_reset: Callable[[str], None]) -> None:
        self.topic = f"{settings.topic_prefix}/occupancy/+/reset"
        self.on_reset = on_reset
        self.subscribed = False
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", clean_session=True)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else None
            self._client.username_pw_set(settings.username, password)
        self._client.on_connect = self._connected
        self._client.on_subscribe = self._subscribed
        self._client.on_message = self._message
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.connect_async(settings.host, settings.port, keepalive=30)
        self._client.loop_start()

    def _connected(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if not reason.is_failure:
            client.subscribe(self.topic, qos=1)  # again after every reconnect: the session is clean

    def _subscribed(self, *_args: Any) -> None:
        self.subscribed = True

    def _message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            camera_id = json.loads(message.payload)["camera_id"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed reset message on %s", message.topic)
            return
        if isinstance(camera_id, str):
            self.on_reset(camera_id)

    def close(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()
