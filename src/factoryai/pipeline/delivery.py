"""Delivering a worker's outbox to the API, oldest first, one batch at a time; after a failure it waits (backoff
1, 2, 5, 10 s) and tries the same batch again, so results arrive in the order they were made."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx2 as httpx

from factoryai.pipeline.outbox import Entry, Outbox

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0)
IDLE_SECONDS = 0.5
BATCH = 1000
# Where each kind of result goes, the body it is sent in, and how many go in one request.
ROUTES: dict[str, tuple[str, Callable[[list[dict[str, Any]]], dict[str, Any]], int]] = {
    "occupancy": ("/api/v1/occupancy/logs", lambda payloads: {"samples": payloads}, BATCH),
    "face_track": ("/api/v1/attendance/check-in/face-track", lambda payloads: payloads[0], 1),
    "plate_pass": ("/api/v1/vehicle/passes", lambda payloads: payloads[0], 1),
}
# Answers that will not change by retrying: the batch is dropped (logged), or it would block everything behind it.
REFUSED = frozenset({400, 404, 409, 413, 422})


class DeliveryError(Exception):
    pass


class Deliverer:
    def __init__(self, outbox: Outbox, client: httpx.Client, *, batch: int = BATCH) -> None:
        self.outbox = outbox
        self.client = client
        self.batch = batch
        self.delivered = 0
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-delivery", daemon=True)
        self._failing = False

    def deliver_once(self) -> int:
        """Send the oldest batch; returns how many entries left the outbox (0: it is empty). Raises DeliveryError
        (or an httpx error) when the API did not take it: the batch stays, for the next try."""
        entries = self.outbox.oldest(self.batch)
        if not entries:
            return 0
        path, body, most = ROUTES[entries[0].kind]
        entries = entries[:most]
        response = self.client.post(path, json=body([entry.payload for entry in entries]))
        if response.status_code in REFUSED:
            self.refused += len(entries)
            log.error("the API refused %d %s results (%d): %s; dropped", len(entries), entries[0].kind,
                      response.status_code, response.text[:300])  # fmt: skip
        elif not response.is_success:
            raise DeliveryError(f"the API answered {response.status_code}")
        else:
            self.delivered += len(entries)
        self._remove(entries)
        return len(entries)

    def _remove(self, entries: list[Entry]) -> None:
        self.outbox.remove([entry.id for entry in entries])

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                sent = self.deliver_once()
            except (httpx.HTTPError, DeliveryError) as exc:
                if not self._failing:
                    log.warning("delivering results failed (%s); %d wait in the outbox", exc, self.outbox.size())
                self._failing = True
                self._stop.wait(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                failures += 1
                continue
            if self._failing:
                log.info("delivering results again; %d wait in the outbox", self.outbox.size())
            self._failing, failures = False, 0
            if not sent:
                self._stop.wait(IDLE_SECONDS)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(30)
