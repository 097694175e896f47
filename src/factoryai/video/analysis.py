"""The analysis loop of one camera: the detector on the newest frame at the camera's own rate (default 5 fps), its
result stored beside the frame it belongs to for the overlay to draw on the frames that follow.

The detector never runs per viewer or per encoded frame. Until the camera pipeline gives each role its own work
(tracking, faces, plates, counting), the loop runs only while somebody watches: boxes on an unwatched stream are
CPU spent for nobody.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from factoryai.video.capture import RateMeter
from factoryai.video.hub import DetectionResult, FrameSlot
from factoryai.vision.detector import Detector

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 0.5


class AnalysisLoop:
    def __init__(
        self,
        camera_id: str,
        slot: FrameSlot,
        detector: Detector,
        *,
        fps: float,
        min_confidence: float | None,
        wanted: Callable[[], bool],
    ) -> None:
        self.camera_id = camera_id
        self.slot = slot
        self.detector = detector
        self.interval = 1.0 / fps
        self.min_confidence = min_confidence
        self.wanted = wanted
        self.rate = RateMeter()
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"analysis-{camera_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        last_seq = 0
        while not self._stop.is_set():
            if not self.wanted():
                self._stop.wait(IDLE_POLL_SECONDS)
                continue
            started = time.monotonic()
            frame = self.slot.wait_newer(last_seq, IDLE_POLL_SECONDS)
            if frame is None:
                continue
            last_seq = frame.seq
            try:
                detections = self.detector.detect(frame.image)
            except Exception as exc:  # a model that fails must not take the stream down: no boxes, and say why
                if self.last_error is None:
                    log.exception("camera %s: detection failed", self.camera_id)
                self.last_error = f"detection failed ({exc.__class__.__name__})"
                self._stop.wait(5.0)
                continue
            self.last_error = None
            if self.min_confidence is not None:
                detections = [d for d in detections if d.score >= self.min_confidence]
            height, width = frame.image.shape[:2]
            self.slot.set_detections(DetectionResult(frame.seq, tuple(detections), width, height, frame.monotonic))
            self.rate.tick()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
