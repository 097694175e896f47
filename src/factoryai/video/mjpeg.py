"""The MJPEG response: one coroutine per viewer, sending the newest part its stream's Broadcast holds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from fastapi.responses import StreamingResponse

from factoryai.video.broadcast import CONTENT_TYPE, Broadcast

WAIT_SECONDS = 5.0  # a viewer re-checks that its stream is still there at least this often
NO_STORE = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # nginx must not buffer a live stream


class Streamable(Protocol):
    """A local StreamEncoder or a RelayStream: what a viewer needs."""

    width: int | None
    broadcast: Broadcast

    def acquire(self) -> None: ...

    def release(self) -> None: ...


Follow = Callable[[Streamable], "Streamable | None"]


async def parts(stream: Streamable, fps: float | None, follow: Follow) -> AsyncIterator[bytes]:
    """``follow``: when the stream's broadcast closes, the stream to go on with (the camera restarted with new
    settings), or None to end the response (server stopping, camera gone)."""
    interval = 1.0 / fps if fps else 0.0
    stream.acquire()
    try:
        seq = 0
        broadcast = stream.broadcast
        while True:
            frame = await broadcast.next(seq, WAIT_SECONDS)
            if frame is None:
                if not broadcast.closed:
                    continue  # no frame for a while (a placeholder comes once a second): keep waiting
                successor = follow(stream)
                if successor is None:
                    return
                stream.release()
                stream = successor
                stream.acquire()
                broadcast, seq = stream.broadcast, 0
                continue
            seq = frame.seq
            sent_at = time.monotonic()
            yield frame.part  # a slow viewer waits here, alone; then it takes the newest frame, skipping the rest
            if interval:
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - sent_at)))
    finally:
        stream.release()


def mjpeg_response(stream: Streamable, fps: float | None, follow: Follow) -> StreamingResponse:
    return StreamingResponse(parts(stream, fps, follow), media_type=CONTENT_TYPE, headers=NO_STORE)
