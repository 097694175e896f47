"""One encoder per camera and output width: draws the overlay and JPEG-encodes each new frame ONCE, only while
somebody watches, and publishes it to the stream's Broadcast.

A thread, not a coroutine: resize, drawing and ``imencode`` release the GIL, so two cameras encode on two cores
while the event loop only moves bytes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

import cv2
import numpy as np

from factoryai.video.broadcast import Broadcast, JpegFrame
from factoryai.video.capture import RateMeter
from factoryai.video.hub import Frame, FrameSlot
from factoryai.video.overlay import CountingLine, PanelInfo, draw_overlay, placeholder_frame

log = logging.getLogger(__name__)
PLACEHOLDER_INTERVAL_SECONDS = 1.0  # while a camera is away, viewers get a fresh "Reconnecting..." frame this often
PLACEHOLDER_SIZE = (1280, 720)
DETECTIONS_MAX_AGE_SECONDS = 1.5  # older boxes are not drawn: a person who left must not stay boxed
IDLE_LINGER_SECONDS = 3.0
SNAPSHOT_REUSE_SECONDS = 0.5
FIRST_FRAME_WAIT_SECONDS = 2.0
MIN_WIDTH = 160
WIDTH_STEP = 160


def output_width(requested: int | None, source_width: int | None = None) -> int | None:
    """Widths snap down to a multiple of 160 (at least 160), so viewers asking for 630 and 640 share one encoder
    and the number of encoders per camera stays small. None: the camera's own size."""
    if requested is None:
        return None
    width = max(MIN_WIDTH, requested // WIDTH_STEP * WIDTH_STEP)
    return None if source_width is not None and width >= source_width else width


@dataclass
class CameraView:
    """What an encoder needs to know about its camera, read on every frame (it changes under it)."""

    camera_id: str
    timezone: tzinfo
    online: Callable[[], bool]
    last_seen: Callable[[], datetime | None]
    counting_line: CountingLine | None = None  # zone cameras: drawn on the stream
    in_side: str = "left"


class StreamEncoder:
    def __init__(self, view: CameraView, slot: FrameSlot, width: int | None, quality: int) -> None:
        self.view = view
        self.slot = slot
        self.width = width
        self.quality = quality
        self.broadcast = Broadcast()
        self.output_rate = RateMeter()
        self.frames_encoded = 0
        self.frames_dropped = 0  # captured frames this stream skipped while it was being watched
        self.viewers = 0
        self._lock = threading.Lock()
        self._viewers_changed = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # Viewers -----------------------------------------------------------------------------------------------
    def acquire(self) -> None:
        with self._lock:
            self.viewers += 1
            self._viewers_changed.notify_all()  # an idle encoder resumes
            if self._thread is None or not self._thread.is_alive():
                self.broadcast.reset()  # before the viewer asks: what an earlier session published last is stale
                self._thread = threading.Thread(target=self._run, name=f"encode-{self.view.camera_id}", daemon=True)
                self._thread.start()

    def release(self) -> None:
        with self._lock:
            self.viewers = max(0, self.viewers - 1)

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._viewers_changed.notify_all()
        self.broadcast.close()

    def join(self, timeout: float | None = None) -> bool:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # Encoding ----------------------------------------------------------------------------------------------
    def compose(self, frame: Frame) -> np.ndarray:
        image = frame.image
        height, width = image.shape[:2]
        scale = 1.0
        if self.width is not None and self.width < width:
            scale = self.width / width
            image = cv2.resize(image, (self.width, max(2, round(height * scale))), interpolation=cv2.INTER_AREA)
        result = self.slot.detections()
        detections = ()
        if result is not None and abs(frame.monotonic - result.monotonic) <= DETECTIONS_MAX_AGE_SECONDS:
            detections = result.detections
            scale = image.shape[1] / result.width
        panel = PanelInfo(
            camera_id=self.view.camera_id,
            local_time=frame.captured_at.astimezone(self.view.timezone),
            fps=self.output_rate.rate(),
            detections=len(detections),
        )
        return draw_overlay(
            image, detections, panel, scale=scale, counting_line=self.view.counting_line, in_side=self.view.in_side
        )

    def placeholder(self) -> np.ndarray:
        latest = self.slot.latest()
        if latest is not None:
            height, width = latest.image.shape[:2]
        else:
            width, height = PLACEHOLDER_SIZE
        if self.width is not None and self.width < width:
            width, height = self.width, max(2, round(height * self.width / width))
        seen = self.view.last_seen()
        return placeholder_frame(
            width, height, self.view.camera_id, seen.astimezone(self.view.timezone) if seen else None
        )

    def encode(self, image: np.ndarray) -> bytes:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        return buffer.tobytes()

    def snapshot(self) -> bytes:
        """One JPEG of the newest frame: the stream's own when it is being watched, else composed now."""
        published = self.broadcast.latest()
        if published is not None and self.viewers and time.monotonic() - published.monotonic < SNAPSHOT_REUSE_SECONDS:
            return published.jpeg
        frame = self.slot.latest() or self.slot.wait_newer(0, FIRST_FRAME_WAIT_SECONDS)  # a camera just started
        if frame is None or not self.view.online():
            return self.encode(self.placeholder())
        return self.encode(self.compose(frame))

    def _publish(self, image: np.ndarray) -> JpegFrame:
        frame = self.broadcast.publish(self.encode(image))
        self.output_rate.tick()
        self.frames_encoded += 1
        return frame

    def _watched(self) -> bool:
        """True while someone watches. With nobody, idle without encoding for a moment in case a viewer comes back
        (a page reload, a tile re-rendered): the thread and OpenCV's per-thread set-up, ~20 ms, are kept."""
        with self._lock:
            if self.viewers > 0 and not self._stop.is_set():
                return True
            self.broadcast.reset()
            self._viewers_changed.wait_for(lambda: self.viewers > 0 or self._stop.is_set(), IDLE_LINGER_SECONDS)
            if self.viewers > 0 and not self._stop.is_set():
                return True
            self._thread = None  # decided under the lock: a viewer arriving now starts a new thread
            return False

    def _start_picture(self) -> int:
        """Publish what the camera has now, so a new viewer sees a picture at once, not at the next frame; returns
        the seq of the frame published (0: none)."""
        latest = self.slot.latest()
        if not self.view.online():
            self._publish(self.placeholder())
        elif latest is not None:
            self._publish(self.compose(latest))
            return latest.seq
        return 0

    def _run(self) -> None:
        try:
            last_seq = self._start_picture()
            while True:
                idle = self.viewers == 0
                if not self._watched():
                    break
                if idle:  # a viewer came back while the encoder idled
                    last_seq = self._start_picture()
                frame = self.slot.wait_newer(last_seq, PLACEHOLDER_INTERVAL_SECONDS)
                if self._stop.is_set():
                    break
                if self.viewers == 0:
                    continue  # the last viewer left while we waited: encode nothing for nobody
                if frame is None:
                    if not self.view.online():
                        self._publish(self.placeholder())
                    continue
                if last_seq:
                    self.frames_dropped += max(0, frame.seq - last_seq - 1)
                last_seq = frame.seq
                self._publish(self.compose(frame))
        except Exception:  # never leave viewers hanging on a dead thread: they end and the browser reconnects
            log.exception("camera %s: the stream encoder failed", self.view.camera_id)
            with self._lock:
                self._thread = None
                failed, self.broadcast = self.broadcast, Broadcast()  # the next viewer starts a fresh encoder
            failed.close()
