"""The 03:00 drift reset reaching running counters: the reset job publishes `occupancy/<camera_id>/reset` after it
commits (occupancy/events.py); every process that runs cameras — `serve`, or a worker on an edge box — listens on the
site's MQTT broker and sets that camera's live count to 0."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from factoryai.core.config import MqttSettings
from factoryai.core.events import MqttSubscriber

log = logging.getLogger(__name__)


class ResetListener:
    def __init__(self, settings: MqttSettings, on_reset: Callable[[str], None]) -> None:
        self.on_reset = on_reset
        self._subscriber = MqttSubscriber(settings, "occupancy/+/reset", self._message)

    @property
    def subscribed(self) -> bool:
        return self._subscriber.subscribed.is_set()

    def _message(self, topic: str, payload: dict[str, Any]) -> None:
        camera_id = payload.get("camera_id")
        if isinstance(camera_id, str):
            self.on_reset(camera_id)
        else:
            log.warning("ignoring a reset message without a camera on %s", topic)

    def close(self) -> None:
        self._subscriber.close()
