"""Relaying a camera worker's stream through an API process: at most one upstream connection per camera and width
in this process, however many viewers it has, fanned out through the same Broadcast as a local encoder.

The worker has already drawn and encoded each frame once; the relay only moves its bytes. While the worker cannot
be reached (restarting, its lease moving to another worker) viewers get a "Reconnecting..." frame and the relay
tries again with backoff, following the camera to whichever worker holds it next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

import cv2
import httpx2 as httpx

from factoryai.core.clock import utcnow
from factoryai.video.broadcast import BOUNDARY, Broadcast
from factoryai.video.capture import RateMeter
from factoryai.video.encoder import PLACEHOLDER_SIZE
from factoryai.video.overlay import placeholder_frame

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0)
LINGER_SECONDS = 2.0  # keep the upstream a moment after the last viewer leaves: a page reload reuses it
MAX_PART_BYTES = 20 * 1024 * 1024  # a worker's JPEG is far smaller; more means the stream is not what we think


@dataclass(frozen=True)
class Upstream:
    url: str  # the worker's stream_url
    token: str


Locate = Callable[[str], Awaitable[Upstream | None]]


class UpstreamError(Exception):
    pass


async def jpeg_parts(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The JPEGs of a multipart/x-mixed-replace body with Content-Length headers (what our workers send)."""
    buffer = b""
    marker = f"--{BOUNDARY}".encode()
    iterator = chunks.__aiter__()

    async def more() -> None:
        nonlocal buffer
        chunk = await anext(iterator, None)
        if chunk is None:
            raise UpstreamError("the worker ended the stream")
        buffer += chunk

    while True:
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > 64 * 1024:
                raise UpstreamError("no part header in the stream")
            await more()
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.strip(b"\r\n").split(b"\r\n")
        if lines[0] != marker:
            raise UpstreamError("the stream is not multipart with our boundary")
        headers = dict(line.split(b":", 1) for line in lines[1:] if b":" in line)
        try:
            length = int(headers.get(b"Content-Length", b"").strip())
        except ValueError:
            raise UpstreamError("a part without Content-Length") from None
        if not 0 < length <= MAX_PART_BYTES:
            raise UpstreamError(f"a part of {length} bytes")
        while len(buffer) < length + 2:
            await more()
        yield buffer[:length]
        buffer = buffer[length + 2 :]


class RelayStream:
    """One camera and width, relayed. Interface as StreamEncoder's for the router: broadcast, acquire, release."""

    def __init__(self, camera_id: str, width: int | None, hub: RelayHub) -> None:
        self.camera_id = camera_id
        self.width = width
        self.hub = hub
        self.broadcast = Broadcast()
        self.viewers = 0
        self.output_rate = RateMeter()
        self.last_frame_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    def acquire(self) -> None:
        self.viewers += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"relay-{self.camera_id}")

    def release(self) -> None:
        self.viewers = max(0, self.viewers - 1)

    def stop(self) -> None:
        self.broadcast.close()
        if self._task is not None:
            self._task.cancel()

    async def _placeholder(self) -> None:
        width, height = PLACEHOLDER_SIZE
        if self.width is not None:
            width, height = self.width, round(PLACEHOLDER_SIZE[1] * self.width / PLACEHOLDER_SIZE[0])
        seen = self.last_frame_at.astimezone(self.hub.timezone) if self.last_frame_at else None
        image = placeholder_frame(width, height, self.camera_id, seen)
        ok, jpeg = await asyncio.to_thread(cv2.imencode, ".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        if ok:
            self.broadcast.publish(jpeg.tobytes())

    async def _relay(self, upstream: Upstream) -> None:
        params = {"width": str(self.width)} if self.width else {}
        headers = {"Authorization": f"Bearer {upstream.token}"}
        url = f"{upstream.url}/streams/{self.camera_id}.mjpeg"
        async with self.hub.client.stream("GET", url, params=params, headers=headers) as response:
            if response.status_code != 200:
                raise UpstreamError(f"the worker answered {response.status_code}")
            idle_since: float | None = None
            async for jpeg in jpeg_parts(response.aiter_raw()):
                self.broadcast.publish(jpeg)
                self.output_rate.tick()
                self.last_frame_at = utcnow()
                if self.viewers:
                    idle_since = None
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > LINGER_SECONDS or self.hub.closing:
                    return

    async def _run(self) -> None:
        failures = 0
        try:
            while self.viewers and not self.hub.closing:
                upstream = await self.hub.locate(self.camera_id)
                try:
                    if upstream is None:
                        raise UpstreamError("no camera worker runs this camera now")
                    await self._relay(upstream)
                    failures = 0
                except (httpx.HTTPError, UpstreamError) as exc:
                    if failures == 0:
                        log.warning("camera %s: relaying from its worker failed: %s", self.camera_id, exc)
                    await self._placeholder()
                    await asyncio.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
                    failures += 1
        finally:
            self.broadcast.reset()  # what it relayed last is stale for the next viewer


class RelayHub:
    """This API process's relays, one per (camera, width), and the one HTTP client they share."""

    def __init__(self, locate: Locate, timezone: tzinfo) -> None:
        self.locate = locate
        self.timezone = timezone
        self.closing = False
        self._streams: dict[tuple[str, int | None], RelayStream] = {}
        # No read timeout: a stream is long-lived and frames may pause; a dead worker shows as a closed connection.
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=None), follow_redirects=False)

    def stream(self, camera_id: str, width: int | None) -> RelayStream:
        key = (camera_id, width)
        stream = self._streams.get(key)
        if stream is None or stream.broadcast.closed:
            stream = self._streams[key] = RelayStream(camera_id, width, self)
        return stream

    def statuses(self) -> dict[str, int]:
        return {camera_id: stream.viewers for (camera_id, _), stream in self._streams.items()}

    def close_streams(self) -> None:
        self.closing = True
        for stream in list(self._streams.values()):
            stream.stop()

    async def aclose(self) -> None:
        self.close_streams()
        with contextlib.suppress(Exception):
            await self.client.aclose()
