"""`factoryai worker`: a camera runtime in its own process, on this box or on an edge box near the cameras, with
the camera pipeline's analytics, whose results wait in an on-disk outbox until the API has taken them.

It announces itself to the API every few seconds with its device key (POST /api/v1/workers/heartbeat), learns which
cameras to open (those it may and wants to run that no other live worker holds), runs them, and serves their encoded
streams over HTTP to the API processes, which relay them to viewers. A worker that cannot renew its cameras for
longer than their lease closes them: by then another worker may have taken them over, and a camera is opened by one
process only. On a clean stop it gives its cameras back at once.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx2 as httpx
from fastapi import FastAPI, Header, HTTPException, Query, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from factoryai import __version__
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.pipeline.analytics import analyzers
from factoryai.pipeline.delivery import Deliverer
from factoryai.pipeline.outbox import Outbox
from factoryai.pipeline.resets import ResetListener
from factoryai.pipeline.sinks import OutboxSink
from factoryai.vehicles.recognition import PlateRecognition
from factoryai.video.mjpeg import Streamable, mjpeg_response
from factoryai.video.runtime import CameraConfig, CameraRuntime
from factoryai.video.service import runtime_options
from factoryai.vision.detector import Detector

log = logging.getLogger(__name__)
HEARTBEAT_PATH = "/api/v1/workers/heartbeat"


@dataclass(frozen=True)
class WorkerOptions:
    api_url: str
    api_key: str
    name: str
    cameras: tuple[str, ...] | None  # None: every camera the key may speak for
    advertise_url: str | None  # where API processes reach this worker's streams; None: it serves none
    outbox_path: Path  # results wait here until the API has them
    heartbeat_seconds: float = 3.0


class CameraWorker:
    def __init__(self, settings: Settings, options: WorkerOptions, detector: Detector | None) -> None:
        self.settings = settings
        self.options = options
        self.relay_token = secrets.token_urlsafe(32)  # new at every start: it opens this process's streams only
        self.started_at = utcnow()
        self.assigned: list[CameraConfig] = []
        self.lease_seconds = settings.video.worker_lease_seconds
        self.last_renewed: float | None = None
        # The heartbeat decides the cameras; the runtime's own re-read only repeats the last assignment.
        options_ = replace(runtime_options(settings), refresh_seconds=max(options.heartbeat_seconds, 1.0))
        self.outbox = Outbox(options.outbox_path)
        # Plates are read here and only the voted text goes to the API (the watchlist decision stays there): OCR needs
        # no private data, and a pass is then a few hundred bytes plus its snapshot.
        make_analyzer = analyzers(settings, OutboxSink(self.outbox), PlateRecognition(settings, detector))
        self.runtime = CameraRuntime(options_, lambda: list(self.assigned), detector, make_analyzer)
        self.client = httpx.Client(
            base_url=options.api_url.rstrip("/"), headers={"X-API-Key": options.api_key}, timeout=10
        )
        self.deliverer = Deliverer(self.outbox, self.client)
        self.resets = ResetListener(settings.mqtt, self.runtime.reset_counter) if settings.mqtt.enabled else None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._heartbeats, name="worker-heartbeat", daemon=True)
        self._failing = False

    # Heartbeats ----------------------------------------------------------------------------------------------
    def _body(self, cameras: list[str] | None) -> dict[str, Any]:
        statuses = {
            status.camera_id: {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(status).items()}
            for status in self.runtime.statuses()
        }
        return {
            "worker_id": self.options.name,
            "stream_url": self.options.advertise_url,
            "relay_token": self.relay_token if self.options.advertise_url else None,
            "cameras": cameras,
            "statuses": statuses,
            "started_at": self.started_at.isoformat(),
            "outbox": {"pending": self.outbox.size(), "dropped": self.outbox.dropped()},
        }

    def heartbeat(self) -> None:
        """One heartbeat: renew (or learn) the cameras to run, and run exactly those."""
        wanted = list(self.options.cameras) if self.options.cameras is not None else None
        response = self.client.post(HEARTBEAT_PATH, json=self._body(wanted))
        if response.status_code != 200:
            raise RuntimeError(f"the API answered {response.status_code}: {response.text[:300]}")
        answer = response.json()
        self.lease_seconds = float(answer["lease_seconds"])
        self.last_renewed = time.monotonic()
        self.assigned = [
            CameraConfig.of(_Row(camera["id"], camera["source_url"], camera["role"], camera["settings"]))
            for camera in answer["cameras"]
        ]
        if answer["held_elsewhere"]:
            log.info("cameras held by another worker: %s", ", ".join(answer["held_elsewhere"]))
        self.runtime.sync(self.assigned)

    def _heartbeats(self) -> None:
        while not self._stop.is_set():
            try:
                self.heartbeat()
                if self._failing:
                    log.info("heartbeat: the API answers again")
                self._failing = False
            except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
                if not self._failing:
                    log.error("heartbeat to %s failed: %s", self.options.api_url, exc)
                self._failing = True
                lapsed = self.last_renewed is None or time.monotonic() - self.last_renewed > self.lease_seconds
                if lapsed and self.assigned:  # another worker may hold them by now: never open a camera twice
                    log.warning("lease lapsed without a heartbeat: closing %d cameras", len(self.assigned))
                    self.assigned = []
                    self.runtime.sync([])
            self._stop.wait(self.options.heartbeat_seconds)

    # Life cycle ----------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.runtime.start()
        self._thread.start()
        self.deliverer.start()

    def close_streams(self) -> None:
        self.runtime.close_streams()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        if self.resets is not None:
            self.resets.close()
        self.runtime.close()  # the analyzers hand what they hold to the outbox
        self.deliverer.close()  # what is still in the outbox goes at the next start
        goodbye = self._body([])  # asking for no camera; with the outbox's last figures, read before it closes
        self.outbox.close()
        with contextlib.suppress(httpx.HTTPError):  # give the cameras back now rather than when the lease runs out
            self.client.post(HEARTBEAT_PATH, json=goodbye, timeout=3)
        self.client.close()

    def check_token(self, authorization: str | None) -> None:
        expected = f"Bearer {self.relay_token}"
        if authorization is None or not hmac.compare_digest(authorization.encode(), expected.encode()):
            raise HTTPException(401, "the relay token of this worker is required")


RelayAuth = Annotated[str | None, Header()]
WidthQuery = Annotated[int | None, Query(ge=160, le=3840)]


@dataclass
class _Row:
    """A camera as the heartbeat answer gives it, in the shape CameraConfig.of reads."""

    id: str
    source_url: str
    role: str
    settings: dict[str, Any]


def worker_app(worker: CameraWorker) -> FastAPI:
    """The worker's HTTP side: its cameras' streams and snapshots for API processes (relay token), and health."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker.start()
        try:
            yield
        finally:
            await run_in_threadpool(worker.close)

    app = FastAPI(title="Factory AI camera worker", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None)  # fmt: skip
    app.state.live = worker  # api.server ends open streams through it at shutdown

    def stream_of(camera_id: str, width: int | None) -> Streamable:
        feed = worker.runtime.feed(camera_id)
        if feed is None:
            raise HTTPException(404, f"camera {camera_id!r} does not run on this worker")
        return feed.encoder(width)

    def follow(camera_id: str, old: Streamable) -> Streamable | None:
        feed = None if worker.runtime.closing else worker.runtime.feed(camera_id)
        return feed.encoder(old.width) if feed is not None else None

    @app.get("/streams/{camera_id}.mjpeg")
    async def stream(
        camera_id: Annotated[str, PathParam(max_length=50)],
        authorization: RelayAuth = None,
        width: WidthQuery = None,
        fps: Annotated[float | None, Query(gt=0, le=30)] = None,
    ) -> Response:
        worker.check_token(authorization)
        return mjpeg_response(stream_of(camera_id, width), fps, lambda old: follow(camera_id, old))

    @app.get("/snapshots/{camera_id}.jpg")
    async def snapshot(
        camera_id: Annotated[str, PathParam(max_length=50)], authorization: RelayAuth = None, width: WidthQuery = None
    ) -> Response:
        worker.check_token(authorization)
        encoder = stream_of(camera_id, width)
        jpeg = await run_in_threadpool(encoder.snapshot)  # type: ignore[attr-defined]
        return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    @app.get("/health")
    async def health() -> dict[str, Any]:
        # viewers: the streams this worker serves per camera, i.e. the API processes relaying it right now.
        viewers = {status.camera_id: status.viewers for status in worker.runtime.statuses()}
        cameras = worker.runtime.camera_ids()
        return {"status": "ok", "worker": worker.options.name, "cameras": cameras, "viewers": viewers}

    return app
