"""One capture thread per camera: open, read into the camera's slot, and on any failure release and reopen with
backoff (a dead OpenCV capture never recovers by itself)."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from factoryai.core.clock import utcnow
from factoryai.video.hub import FrameSlot
from factoryai.video.sources import FrameSource, SourceError, Timeouts, open_source

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0)  # then 10 s between tries, for as long as the camera is away
FPS_WINDOW_SECONDS = 5.0
MIN_SPAN_SECONDS = 1.0


class RateMeter:
    """Events per second over the last few seconds (what a person means by the fps 'now')."""

    def __init__(self, window: float = FPS_WINDOW_SECONDS) -> None:
        self.window = window
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def tick(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._times.append(now)
            while self._times and self._times[0] < now - self.window:
                self._times.popleft()

    def rate(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._times and self._times[0] < now - self.window:
                self._times.popleft()
            if len(self._times) < 2:
                return 0.0
            # Over the span the samples cover (a stream that started 2 s ago reads right at once), but at least a
            # second: a stream's first frames come in a burst (the newest frame at once, then the next), which over
            # their few milliseconds would read as hundreds of fps.
            span = max(now - self._times[0], MIN_SPAN_SECONDS)
            return round((len(self._times) - 1) / span, 1)


@dataclass
class CaptureState:
    online: bool = False
    attempts: int = 0  # times the source was opened or tried
    frames: int = 0
    reconnects: int = 0
    last_error: str | None = None
    last_error_at: datetime | None = None
    opened_at: datetime | None = None


Opener = Callable[[str, Timeouts, threading.Event], FrameSource]


class Capture:
    def __init__(
        self,
        camera_id: str,
        url: str,
        slot: FrameSlot,
        timeouts: Timeouts,
        *,
        backoff: Sequence[float] = BACKOFF_SECONDS,
        opener: Opener = open_source,
    ) -> None:
        self.camera_id = camera_id
        self.url = url
        self.slot = slot
        self.timeouts = timeouts
        self.backoff = tuple(backoff)
        self.opener = opener
        self.state = CaptureState()
        self.input_rate = RateMeter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"capture-{camera_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end; it ends at once unless it is inside a blocking read (at most the read timeout)."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _fail(self, message: str) -> None:
        if self.state.last_error != message or self.state.online:
            log.warning("camera %s: %s", self.camera_id, message)
        self.state.online = False
        self.state.last_error = message
        self.state.last_error_at = utcnow()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self.state.attempts += 1
            try:
                source = self.opener(self.url, self.timeouts, self._stop)
            except SourceError as exc:
                self._fail(str(exc))
            except Exception as exc:  # a source bug must not end the thread: the camera would stay dark for good
                log.exception("camera %s: opening the source failed", self.camera_id)
                self._fail(f"cannot open the source ({exc.__class__.__name__})")
            else:
                if failures or self.state.frames:
                    self.state.reconnects += 1
                self.state.opened_at = utcnow()
                if self._read_until_failure(source):
                    failures = 0  # it delivered frames: the next outage starts the backoff afresh
                if self._stop.is_set():
                    break
            delay = self.backoff[min(failures, len(self.backoff) - 1)]
            failures += 1
            self._stop.wait(delay)
        self.state.online = False

    def _read_until_failure(self, source: FrameSource) -> bool:
        delivered = False
        try:
            while not self._stop.is_set():
                image = source.read()
                if image is None:
                    if not self._stop.is_set():
                        self._fail(f"no frame within {self.timeouts.read_seconds:g} s (stream ended or stalled)")
                    return delivered
                self.slot.put(image)
                self.input_rate.tick()
                self.state.frames += 1
                self.state.online = True
                delivered = True
        except Exception as exc:
            log.exception("camera %s: reading the source failed", self.camera_id)
            self._fail(f"reading failed ({exc.__class__.__name__})")
        finally:
            source.release()
        return delivered
