"""The analysis loop of one camera: the detector on the newest frame at the camera's own rate (default 5 fps), its
result stored beside the frame it belongs to for the overlay to draw on the frames that follow.

The detector never runs per viewer or per encoded frame. A camera whose role has analytics (the camera pipeline's
``Analyzer``: tracking, counting, faces, plates) is analysed all the time and the analyzer gets every result; one
without is analysed only while somebody watches: boxes on an unwatched stream are CPU spent for nobody.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from factoryai.video.capture import RateMeter
from factoryai.video.hub import DetectionResult, Frame, FrameSlot
from factoryai.vision.detector import Detection, Detector

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 0.5
DISPLAY_MIN_CONFIDENCE = 0.3  # boxes drawn when the camera sets no min_confidence (trackers want lower ones too)


class Analyzer(Protocol):
    """What the camera pipeline does with each analysed frame (pipeline/), on the analysis thread."""

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None: ...

    def close(self) -> None: ...


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
        analyzer: Analyzer | None = None,
    ) -> None:
        self.camera_id = camera_id
        self.slot = slot
        self.detector = detector
        self.interval = 1.0 / fps
        self.min_confidence = min_confidence
        self.wanted = wanted
        self.analyzer = analyzer
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
        ended = not self._thread.is_alive()
        if ended and self.analyzer is not None:
            self.analyzer.close()  # after the thread: what it buffered is handed on
            self.analyzer = None
        return ended

    def _run(self) -> None:
        last_seq = 0
        while not self._stop.is_set():
            if self.analyzer is None and not self.wanted():
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
            if self.analyzer is not None:
                try:
                    self.analyzer.on_frame(frame, detections)
                except Exception:  # the analytics must not stop the boxes, nor the next frame's analytics
                    log.exception("camera %s: analysing a frame failed", self.camera_id)
            shown_from = self.min_confidence if self.min_confidence is not None else DISPLAY_MIN_CONFIDENCE
            shown = tuple(d for d in detections if d.score >= shown_from)
            height, width = frame.image.shape[:2]
            self.slot.set_detections(DetectionResult(frame.seq, shown, width, height, frame.monotonic))
            self.rate.tick()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
