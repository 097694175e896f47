"""Events out (MQTT, webhooks): published only after the transaction that caused them has committed.

A service calls ``publish_after_commit(session, topic, payload)``; the message waits in the transaction that raised
it (a savepoint's own list) and goes out when the outermost transaction commits. A rolled-back savepoint drops only
the events raised inside it; a rolled-back transaction drops all of its own. So nobody is alerted about a row that
was rolled back, and nothing committed goes unannounced. Publishing never blocks a request: paho's network thread
delivers, queueing while the broker is away, and a failure is only logged (the alert itself is stored either way).

Each domain declares its topics (``<domain>/events.py``: a ``Topic`` per kind of event, with where it goes);
``build_publishers`` turns those declarations and the settings into the sinks, the same for the API, the CLI and
camera workers.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from factoryai.core.config import MqttSettings, Settings

log = logging.getLogger(__name__)
_PENDING = "factoryai_pending_events"
PUBLISHER = "factoryai_publisher"


class Publisher(Protocol):
    def publish(self, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None: ...

    def close(self) -> None: ...


def _never(_settings: Settings) -> str | None:
    return None


def _always(_settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class Topic:
    """One kind of event a domain publishes, and where it goes.

    ``pattern`` is the topic under ``mqtt.topic_prefix`` with ``{placeholders}`` (``gate/{camera_id}/open``);
    ``mqtt`` says whether it goes to the broker under these settings, ``webhook`` the URL it is POSTed to, if any.
    """

    pattern: str
    description: str
    mqtt: Callable[[Settings], bool] = _always
    webhook: Callable[[Settings], str | None] = _never
    retain: bool = False  # the broker keeps the last message, so a subscriber that connects later gets it at once

    @property
    def prefix(self) -> str:
        """The fixed start of every topic of this kind, which routes it."""
        return self.pattern.split("{", 1)[0]

    def format(self, **values: object) -> str:
        return self.pattern.format(**values)


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
        # Messages not yet acknowledged, so close() can wait for them: a CLI command or job that publishes and
        # exits must not drop its events on the floor.
        self._unacked: deque[mqtt.MQTTMessageInfo] = deque(maxlen=1000)
        self._lock = threading.Lock()

    def publish(self, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None:
        if topic.startswith(self.skip):
            return
        info = self._client.publish(f"{self.prefix}/{topic}", json.dumps(payload, default=str), qos=1, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("MQTT publish to %s failed: %s", topic, mqtt.error_string(info.rc))
            return
        with self._lock:
            self._unacked.append(info)

    def flush(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the broker to acknowledge what was published; returns how many are
        still unacknowledged (they are lost if the process exits now)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            waiting = [info for info in self._unacked if not info.is_published()]
        # Polled rather than wait_for_publish(): that gives up at once on a message queued while disconnected,
        # which paho still delivers after it reconnects.
        while waiting and time.monotonic() < deadline:
            time.sleep(0.02)
            waiting = [info for info in waiting if not info.is_published()]
        return len(waiting)

    def close(self, timeout: float = 5.0) -> None:
        lost = self.flush(timeout)
        if lost:
            log.warning("%d MQTT message(s) were not acknowledged by the broker before shutdown", lost)
        # Disconnect first: it wakes the network thread, so loop_stop returns at once instead of after the
        # thread's next 1 s select timeout.
        self._client.disconnect()
        self._client.loop_stop()


def _worth_retrying(exc: BaseException) -> bool:
    """Timeouts, refused connections and 5xx are worth another try; a 4xx will not get better."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))


class MqttSubscriber:
    """Listens on the site's broker for topics under ``mqtt.topic_prefix`` matching ``pattern`` (MQTT wildcards) and
    calls ``on_message(topic, payload)`` with the topic without the prefix and the decoded JSON object, on paho's
    network thread. Subscribes again after every reconnect (clean sessions); a malformed message is logged and
    skipped."""

    def __init__(
        self,
        settings: MqttSettings,
        pattern: str,
        on_message: Callable[[str, dict[str, Any]], None],
        *,
        live_only: bool = False,
    ) -> None:
        self.prefix = settings.topic_prefix
        self.live_only = live_only  # skip retained messages: what the broker kept from before we subscribed
        self.topic = f"{self.prefix}/{pattern}"
        self.on_message = on_message
        self.subscribed = threading.Event()
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="", clean_session=True)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else None
            self._client.username_pw_set(settings.username, password)
        self._client.on_connect = self._connected
        self._client.on_subscribe = lambda *_args: self.subscribed.set()
        self._client.on_message = self._message
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.connect_async(settings.host, settings.port, keepalive=30)
        self._client.loop_start()

    def _connected(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _properties: Any) -> None:
        if not reason.is_failure:
            client.subscribe(self.topic, qos=1)

    def _message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        if self.live_only and message.retain:
            return
        try:
            payload = json.loads(message.payload)
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not message.topic.startswith(self.prefix + "/"):
            log.warning("ignoring a malformed message on %s", message.topic)
            return
        try:
            self.on_message(message.topic[len(self.prefix) + 1 :], payload)
        except Exception:  # a listener's bug must not kill paho's network thread
            log.exception("handling a message on %s failed", message.topic)

    def close(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()


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

    def publish(self, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None:
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

    def publish(self, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None:
        for sink in self.sinks:
            sink.publish(topic, payload, retain=retain)

    def add(self, sink: Publisher) -> None:
        """Another sink for what is published from now on (the API's live event stream)."""
        self.sinks = [*self.sinks, sink]  # a new list: a publish running on another thread keeps its own

    def remove(self, sink: Publisher) -> None:
        self.sinks = [s for s in self.sinks if s is not sink]

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()


def build_publishers(settings: Settings, topics: Iterable[Topic]) -> Publishers:
    """The sinks for these topics under these settings: MQTT for those that go to the broker, webhooks by prefix."""
    topics = list(topics)
    sinks: list[Publisher] = []
    if settings.mqtt.enabled:
        skip = tuple(t.prefix for t in topics if not t.mqtt(settings))
        sinks.append(MqttPublisher(settings.mqtt, skip=skip))
    routes = {t.prefix: url for t in topics if (url := t.webhook(settings))}
    if routes:
        sinks.append(WebhookPublisher(routes, base_wait_seconds=settings.vehicles.webhook_retry_base_seconds))
    return Publishers(sinks)


# Pending events: (transaction that raised it, topic, payload, retain), oldest first.
_Pending = list[tuple[SessionTransaction, str, dict[str, Any], bool]]


def publish_after_commit(session: Session, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None:
    """Send the event once the outermost transaction commits; drop it if the (savepoint) transaction that raised it,
    or one around that, rolls back."""
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append((transaction, topic, payload, retain))


def _inside(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """Fires for every rollback, a savepoint's included: drop only the events raised inside what was rolled back."""
    pending: _Pending | None = session.info.get(_PENDING)
    if pending:
        pending[:] = [p for p in pending if not _inside(p[0], previous_transaction)]


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    """Sends when the outermost transaction commits. SQLAlchemy fires this on a savepoint's release too, while the
    savepoint is still the current transaction: that is not a commit of anything yet."""
    if session.in_nested_transaction():
        return
    pending: _Pending = session.info.pop(_PENDING, [])
    publisher: Publisher | None = session.info.get(PUBLISHER)
    if publisher is None:
        if pending:
            log.warning("%d event(s) committed by a session without publishers were not sent", len(pending))
        return
    for _transaction, topic, payload, retain in pending:
        try:
            publisher.publish(topic, payload, retain=retain)
        except Exception:  # an event must never fail a request whose data is already committed
            log.exception("could not publish an event on %s", topic)
