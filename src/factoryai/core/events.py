"""Events out (MQTT): published only after the transaction that caused them has committed.

A service calls ``publish_after_commit(session, topic, payload)``; the message waits on the session and goes out
when the commit succeeds, so nobody is alerted about a row that was rolled back. Publishing never blocks a
request: paho's network thread delivers, queueing while the broker is away, and a failure is only logged
(the alert itself is stored in the database either way).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from sqlalchemy import event
from sqlalchemy.orm import Session
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from factoryai.core.config import MqttSettings

log = logging.getLogger(__name__)
_PENDING = "factoryai_pending_events"
PUBLISHER = "factoryai_publisher"


class Publisher(Protocol):
    def publish(self, topic: str, payload: dict[str, Any]) -> None: ...


class MqttPublisher:
    """One MQTT connection per process, reconnecting on its own (paho's loop thread)."""

    def __init__(self, settings: MqttSettings, skip: tuple[str, ...] = ()) -> None:
        self.prefix = settings.topic_prefix
        self.skip = skip  # topic prefixes another sink handles (e.g. gate/ when the relay is a webhook)
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", clean_session=True)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else None
            self._client.username_pw_set(settings.username, password)
        self._client.max_queued_messages_set(1000)  # bounded while the broker is away
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.connect_async(settings.host, settings.port, keepalive=30)
        self._client.loop_start()

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        if topic.startswith(self.skip):
            return
        info = self._client.publish(f"{self.prefix}/{topic}", json.dumps(payload, default=str), qos=1)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("MQTT publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def close(self) -> None:
        # Disconnect first: it wakes the network thread, so loop_stop returns at once instead of after the
        # thread's next 1 s select timeout.
        self._client.disconnect()
        self._client.loop_stop()


def _worth_retrying(exc: BaseException) -> bool:
    """Timeouts, refused connections and 5xx are worth another try; a 4xx will not get better."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))


class WebhookPublisher:
    """POSTs events to HTTP endpoints by topic prefix, on a small worker pool, retrying with backoff.

    Used for a site that wants alerts or gate openings over HTTP instead of (or beside) MQTT. A failed delivery
    is logged after the last attempt; it never blocks or fails the request that caused the event.
    """

    def __init__(self, routes: dict[str, str], attempts: int = 4, base_wait_seconds: float = 1.0) -> None:
        self.routes = routes  # topic prefix -> URL
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook")
        self._post = retry(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(
                multiplier=base_wait_seconds, max=30 * base_wait_seconds, jitter=base_wait_seconds / 4
            ),
            retry=retry_if_exception(_worth_retrying),
            before_sleep=lambda state: log.warning(
                "webhook attempt %d failed (%s); retrying", state.attempt_number, state.outcome.exception()
            ),
            reraise=True,
        )(self._post_once)

    @staticmethod
    def _post_once(url: str, body: bytes) -> None:
        # The URL comes from the settings, which only accept http(s).
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            response.read()

    def _deliver(self, url: str, topic: str, body: bytes) -> None:
        try:
            self._post(url, body)
        except Exception as exc:
            log.error("webhook for %s to %s failed after retries: %s", topic, url, exc)

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        for prefix, url in self.routes.items():
            if topic.startswith(prefix):
                body = json.dumps({"topic": topic, **payload}, default=str).encode()
                self._pool.submit(self._deliver, url, topic, body)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class Publishers:
    """Every configured sink gets every event."""

    def __init__(self, sinks: list[Any]) -> None:
        self.sinks = sinks

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        for sink in self.sinks:
            sink.publish(topic, payload)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()


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
