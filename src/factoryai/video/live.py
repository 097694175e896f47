"""Where an API process gets a camera's live stream: from its own camera runtime when it runs the camera
(``serve`` alone), else relayed from the camera worker that holds it. Viewers see no difference."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import httpx2 as httpx
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from factoryai.cameras import workers
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import ServiceUnavailableError
from factoryai.video.encoder import StreamEncoder
from factoryai.video.mjpeg import Streamable
from factoryai.video.relay import RelayHub, Upstream
from factoryai.video.runtime import CameraRuntime, CameraStatus


class LiveVideo:
    def __init__(
        self, settings: Settings, session_factory: sessionmaker[Session], runtime: CameraRuntime | None
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.runtime = runtime
        self.relay = RelayHub(self._locate, settings.site.tz)

    @property
    def closing(self) -> bool:
        return self.relay.closing

    def _upstream(self, camera_id: str) -> Upstream | None:
        with unit_of_work(self.session_factory) as session:
            worker = workers.stream_host(session, camera_id, utcnow())
            if worker is None or worker.stream_url is None or worker.relay_token is None:
                return None
            return Upstream(worker.stream_url, worker.relay_token)

    async def _locate(self, camera_id: str) -> Upstream | None:
        return await run_in_threadpool(self._upstream, camera_id)

    def running_here(self) -> list[str]:
        return self.runtime.camera_ids() if self.runtime is not None else []

    async def stream(self, camera_id: str, width: int | None) -> Streamable:
        """The stream to watch; 503 when no process runs the camera right now."""
        if self.runtime is not None and (feed := self.runtime.feed(camera_id)) is not None:
            return feed.encoder(width)
        if await self._locate(camera_id) is not None:
            return self.relay.stream(camera_id, width)
        if self.runtime is not None:  # enabled a moment ago (in another process): read the camera list now
            await run_in_threadpool(self.runtime.reload)
            if (feed := self.runtime.feed(camera_id)) is not None:
                return feed.encoder(width)
        where = "this server or any camera worker" if self.runtime is not None else "any camera worker"
        raise ServiceUnavailableError(
            f"camera {camera_id!r} is not running in {where} right now; start a worker for it "
            "(factoryai worker) or try again in a moment",
            code="camera_not_running",
        )

    def follow(self, camera_id: str, stream: Streamable) -> Streamable | None:
        """After a local camera restarted (its settings changed): its new stream, or None if it is gone."""
        if self.closing or self.runtime is None or not isinstance(stream, StreamEncoder):
            return None
        feed = self.runtime.feed(camera_id)
        return feed.encoder(stream.width) if feed is not None else None

    async def snapshot(self, camera_id: str, width: int | None) -> bytes:
        stream = await self.stream(camera_id, width)  # the local encoder, a relay, or 503
        if isinstance(stream, StreamEncoder):
            return await run_in_threadpool(stream.snapshot)
        upstream = await self._locate(camera_id)
        unavailable = f"camera {camera_id!r}: its worker"
        if upstream is None:
            raise ServiceUnavailableError(f"{unavailable} has gone", code="camera_not_running")
        try:
            response = await self.relay.client.get(
                f"{upstream.url}/snapshots/{camera_id}.jpg",
                params={"width": str(width)} if width else {},
                headers={"Authorization": f"Bearer {upstream.token}"},
                timeout=10,
            )
        except httpx.HTTPError as exc:
            message = f"{unavailable} did not answer ({exc.__class__.__name__})"
            raise ServiceUnavailableError(message, code="camera_not_running") from None
        if response.status_code != 200:
            message = f"{unavailable} answered {response.status_code}"
            raise ServiceUnavailableError(message, code="camera_not_running")
        return response.content

    def status(self, session: Session, camera_id: str) -> CameraStatus | dict[str, Any] | None:
        """The camera's live state: from the runtime here, or as its worker last reported it (None: unknown)."""
        if self.runtime is not None and (feed := self.runtime.feed(camera_id)) is not None:
            return feed.status()
        now = utcnow()
        worker = workers.stream_host(session, camera_id, now)
        reported = dict(worker.statuses.get(camera_id) or {}) if worker is not None else {}
        if worker is None or not reported:
            return None
        return workers.as_of(reported, worker.last_seen_at, now, self.settings.video.worker_lease_seconds)

    def statuses(self, session: Session) -> list[dict[str, Any]]:
        """Every camera running anywhere: here (live) and in workers (as last reported), by camera id."""
        here = {s.camera_id: asdict(s) for s in self.runtime.statuses()} if self.runtime is not None else {}
        elsewhere = workers.reported_statuses(session, utcnow(), self.settings.video.worker_lease_seconds)
        merged = {**elsewhere, **here}
        return [{**merged[camera_id], "camera_id": camera_id} for camera_id in sorted(merged)]

    def close_streams(self) -> None:
        """End every open stream now (the server is stopping)."""
        self.relay.close_streams()
        if self.runtime is not None:
            self.runtime.close_streams()

    async def aclose(self) -> None:
        await self.relay.aclose()
        if self.runtime is not None:
            await run_in_threadpool(self.runtime.close)
