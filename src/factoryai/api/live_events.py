"""Live events for the dashboard: ``GET /api/v1/events/stream``, Server-Sent Events.

Fed by the events the services publish after their transaction commits (core/events.py), so the dashboard shows
exactly what MQTT subscribers see: this process's own events through a sink added to its publishers, and, where
MQTT is on, every other process's (API replicas, the scheduler, whichever process took a worker's delivery) through
a subscription to the broker. An event that arrives both ways (its own, echoed by the broker) is sent once: the
two copies carry the same topic and payload, and every payload names its row or instant.

Each user receives only the kinds their role may read through the REST API (punches: HR and viewers; gate and
alerts: security; live counts: everyone). A slow client loses its oldest queued events, never blocks the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from factoryai.accounts.deps import CurrentUser, oauth2_scheme
from factoryai.accounts.models import Role
from factoryai.attendance import events as attendance_events
from factoryai.core.auth import decode_access_token
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.events import MqttSubscriber, Topic
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1
from factoryai.occupancy import events as occupancy_events
from factoryai.vehicles import events as vehicle_events

log = logging.getLogger(__name__)
KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies from closing an idle stream
CLIENT_QUEUE = 256  # events queued per client; a client further behind loses its oldest
SEEN = 4096  # recent events remembered to send an event that arrives twice only once
HR, SECURITY = frozenset({Role.HR, Role.VIEWER}), frozenset({Role.SECURITY})


@dataclass(frozen=True)
class Kind:
    """An SSE event name for one topic, and who may receive it (admin always; None: every user)."""

    name: str
    topic: Topic
    roles: frozenset[Role] | None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = re.split(r"\{[^}]+\}", self.topic.pattern)
        object.__setattr__(self, "regex", re.compile("[^/]+".join(re.escape(p) for p in parts) + r"\Z"))

    def allows(self, role: str) -> bool:
        return self.roles is None or role == Role.ADMIN or role in self.roles


KINDS = (
    Kind("punch", attendance_events.PUNCH, HR),
    Kind("absences", attendance_events.ABSENCES, HR),
    Kind("gate_decision", vehicle_events.GATE_DECISION, SECURITY),
    Kind("gate_open", vehicle_events.GATE_OPEN, SECURITY),
    Kind("vehicle_alert", vehicle_events.VEHICLE_ALERT, SECURITY),
    Kind("occupancy", occupancy_events.LIVE_COUNT, None),
    Kind("occupancy_reset", occupancy_events.RESET, None),
    Kind("occupancy_alert", occupancy_events.OVER_CAPACITY, SECURITY),
)


def kind_of(topic: str) -> Kind | None:
    return next((k for k in KINDS if k.regex.match(topic)), None)


class _Client:
    def __init__(self, role: str) -> None:
        self.role = role
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(CLIENT_QUEUE)
        self.dropped = 0

    def put(self, message: bytes | None) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)


class LiveEvents:
    """One per app: a Publisher sink (any thread) and the MQTT listener feed it; SSE streams (the event loop) read."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[_Client] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._subscriber: MqttSubscriber | None = None
        self._closing = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        if self.settings.mqtt.enabled:
            self._subscriber = MqttSubscriber(self.settings.mqtt, "#", self.publish, live_only=True)

    @property
    def subscribed(self) -> bool:
        return self._subscriber is not None and self._subscriber.subscribed.is_set()

    def publish(self, topic: str, payload: dict[str, Any], *, retain: bool = False) -> None:
        """An event, from this process's publishers or from the broker (topic without the prefix)."""
        kind = kind_of(topic)
        loop = self._loop
        if kind is None or loop is None or self._closing:
            return
        data = json.loads(json.dumps(payload, default=str))  # as the broker carries it
        key = topic + "\n" + json.dumps(data, sort_keys=True)
        with self._lock:
            if key in self._seen:
                return
            self._seen[key] = None
            if len(self._seen) > SEEN:
                self._seen.popitem(last=False)
        message = f"event: {kind.name}\ndata: {json.dumps({'topic': topic, **data})}\n\n".encode()
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app is stopping
            loop.call_soon_threadsafe(self._fan_out, kind, message)

    def _fan_out(self, kind: Kind, message: bytes) -> None:
        for client in self._clients:
            if kind.allows(client.role):
                client.put(message)

    async def stream(self, role: str, seconds: float = float("inf")) -> AsyncIterator[bytes]:
        """Events for a user of this role, for ``seconds`` at most (until their log-in expires: the client then
        reconnects, and an expired log-in gets its 401 like any request)."""
        client = _Client(role)
        self._clients.add(client)
        ends = time.monotonic() + seconds
        try:
            yield b"retry: 3000\n: connected\n\n"  # the browser waits 3 s before reconnecting
            while not self._closing and (left := ends - time.monotonic()) > 0:
                try:
                    message = await asyncio.wait_for(client.queue.get(), min(KEEPALIVE_SECONDS, left))
                except TimeoutError:
                    message = b": keep-alive\n\n" if ends > time.monotonic() else None
                if message is None:
                    return
                yield message
        finally:
            self._clients.discard(client)
            if client.dropped:
                log.info("a slow live-event client lost %d events", client.dropped)

    def close_streams(self) -> None:
        """End every open stream (shutdown): uvicorn waits for open responses before it stops."""
        self._closing = True
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: [c.put(None) for c in self._clients])

    def close(self) -> None:
        self.close_streams()
        if self._subscriber is not None:
            self._subscriber.close()


router = APIRouter(prefix=API_V1, tags=["system"], route_class=ApiRoute)


@router.get(
    "/events/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
    summary="Live events as Server-Sent Events: punches, gate decisions, alerts, live counts (those your role may "
    "read); `event:` is the kind (punch, absences, gate_decision, gate_open, vehicle_alert, occupancy, "
    "occupancy_reset, occupancy_alert), `data:` the JSON payload with its topic; a comment every 15 s",
)
async def stream_events(
    request: Request, user: CurrentUser, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> StreamingResponse:
    live: LiveEvents = request.app.state.live_events
    secret = request.app.state.settings.auth.secret_key.get_secret_value()
    left = (decode_access_token(token or "", secret).expires_at - utcnow()).total_seconds()  # valid: CurrentUser
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # nginx: pass each event on at once
    return StreamingResponse(live.stream(user.role, left), media_type="text/event-stream", headers=headers)
