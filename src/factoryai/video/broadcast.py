"""Fan-out of one encoded stream to any number of async viewers.

The encoder thread publishes each JPEG once, already wrapped as a multipart part; every viewer sends that same bytes
object. A viewer only ever asks for "the newest frame after the one I sent": one that cannot keep up (a slow link, a
paused tab) skips frames and never holds up the others or builds a queue. Waking viewers costs one
``call_soon_threadsafe`` per event loop per frame, not one per viewer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

BOUNDARY = "frame"
CONTENT_TYPE = f"multipart/x-mixed-replace; boundary={BOUNDARY}"


@dataclass(frozen=True)
class JpegFrame:
    seq: int  # per stream, increasing
    jpeg: bytes
    part: bytes  # the multipart part: boundary, headers, JPEG, CRLF
    monotonic: float


def multipart_part(jpeg: bytes) -> bytes:
    head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n".encode()
    return head + jpeg + b"\r\n"


def _resolve(waiters: list[asyncio.Future[JpegFrame | None]], frame: JpegFrame | None) -> None:
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(frame)


class Broadcast:
    def __init__(self) -> None:
        self._latest: JpegFrame | None = None
        self._lock = threading.Lock()
        self._waiters: dict[asyncio.AbstractEventLoop, list[asyncio.Future[JpegFrame | None]]] = {}
        self._closed = False
        self._seq = 0

    def publish(self, jpeg: bytes) -> JpegFrame:
        """From any thread."""
        with self._lock:
            self._seq += 1
            frame = JpegFrame(self._seq, jpeg, multipart_part(jpeg), time.monotonic())
            self._latest = frame
            waiters, self._waiters = self._waiters, {}
        for loop, futures in waiters.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, futures, frame)
        return frame

    def latest(self) -> JpegFrame | None:
        return self._latest

    def reset(self) -> None:
        """Forget the newest frame (the encoder stopped: what it last made is stale for the next viewer)."""
        with self._lock:
            self._latest = None

    @property
    def closed(self) -> bool:
        return self._closed

    async def next(self, after: int, timeout: float) -> JpegFrame | None:  # noqa: ASYNC109 - timeout on no frame is a result, not an error
        """The newest frame with seq > ``after``, waiting up to ``timeout`` seconds; None on timeout or close."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                return None
            latest = self._latest
            if latest is not None and latest.seq > after:
                return latest
            future: asyncio.Future[JpegFrame | None] = loop.create_future()
            self._waiters.setdefault(loop, []).append(future)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None

    def close(self) -> None:
        """Wake every viewer with None: their responses end (server shutdown, camera removed)."""
        with self._lock:
            self._closed = True
            waiters, self._waiters = self._waiters, {}
        for loop, futures in waiters.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, futures, None)
