"""Events out (MQTT): published only after the transaction that caused them has committed.

A service calls ``publish_after_commit(session, topic, payload)``; the message waits on the session and goes out
when the commit succeeds, so nobody is alerted about a row that was rolled back. Publishing never blocks a
request: paho's network thread delivers, queueing while the broker is away, and a failure is only logged
(the alert itself is stored in the database either way).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from sqlalchemy import event
from sqlalchemy.orm import Session

from factoryai.core.config import MqttSettings

log = logging.getLogger(__name__)
_PENDING = "factoryai_pending_events"
PUBLISHER = "factoryai_publisher"


class Publisher(Protocol):
    def publish(self, topic: str, payload: dict[str, Any]) -> None: ...


class MqttPublisher:
    """One MQTT connection per process, reconnecting on its own (paho's loop thread)."""

    def __init__(self, settings: MqttSettings) -> None:
        self.prefix = settings.topic_prefix
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", clean_session=True)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else None
            self._client.username_pw_set(settings.username, password)
        self._client.max_queued_messages_set(1000)  # bounded while the broker is away
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.connect_async(settings.host, settings.port, keepalive=30)
        self._client.loop_start()

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        info = self._client.publish(f"{self.prefix}/{topic}", json.dumps(payload, default=str), qos=1)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("MQTT publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def close(self) -> None:
        # Disconnect first: it wakes the network thread, so loop_stop returns at once instead of after the
        # thread's next 1 s select timeout.
        self._client.disconnect()
        self._client.loop_stop()


def publish_after_commit(session: Session, topic: str, payload: dict[str, Any]) -> None:
    session.info.setdefault(_PENDING, []).append((topic, payload))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    publisher: Publisher | None = session.info.get(PUBLISHER)
    if publisher is None:
        return
    for topic, payload in pending:
        try:
            publisher.publish(topic, payload)
        except Exception:  # an event must never fail a request whose data is already committed
            log.exception("could not publish an event on %s", topic)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
