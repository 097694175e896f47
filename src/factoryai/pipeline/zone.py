"""Zone cameras: people tracked across the camera's counting line → entries, exits and the live count → occupancy
samples, sent in batches (a sample whenever the count changes, not one per frame)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from factoryai.occupancy.counting import LineCounter
from factoryai.pipeline.sinks import Sink
from factoryai.pipeline.tracking import Tracker
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import PERSON, Detection

log = logging.getLogger(__name__)
FLUSH_SECONDS = 2.0  # samples wait at most this long: the live count stays fresh, the ingest sees few requests


class ZoneAnalyzer:
    def __init__(self, config: CameraConfig, sink: Sink, fps: float) -> None:
        if config.counting_line is None:
            raise ValueError(f"camera {config.id}: a zone camera counts only with a counting_line")
        self.camera_id = config.id
        self.sink = sink
        self.counter = LineCounter(config.counting_line, config.in_side)  # type: ignore[arg-type]
        self.tracker = Tracker(fps, frozenset({PERSON}))
        self.pending: list[dict[str, Any]] = []
        self.entries = 0  # since the start, for status and tests
        self.exits = 0
        self._last_count: int | None = None
        self._last_flush = time.monotonic()
        self._reset_requested = False

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        if self._reset_requested:  # applied here, on the analysis thread: the counter is not thread-safe
            self._reset_requested = False
            discarded = self.counter.reset()
            self._last_count = 0
            log.info("camera %s: live count reset to 0 (it was %d)", self.camera_id, discarded)
        tracks = self.tracker.update(detections)
        height, width = frame.image.shape[:2]
        result = self.counter.update(tracks, (width, height), frame.monotonic)
        self.entries += result.entries
        self.exits += result.exits
        if result.entries or result.exits or result.count != self._last_count:
            self.pending.append(
                {
                    "camera_id": self.camera_id,
                    "timestamp": frame.captured_at,
                    "current_count": result.count,
                    "entries": result.entries,
                    "exits": result.exits,
                }
            )
            self._last_count = result.count
        if self.pending and time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        if self.pending and self.sink.occupancy(self.pending):
            self.pending = []

    def reset(self) -> None:
        """The 03:00 drift reset reached this camera (from any thread): the live count starts again from 0 at the
        next frame. The reset job has already stored the zero sample."""
        self._reset_requested = True

    def close(self) -> None:
        self.flush()
