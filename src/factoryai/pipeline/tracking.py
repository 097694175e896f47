"""Object tracks across analysed frames: trackers' ByteTrack on the detector's boxes of the classes a role cares
about. ByteTrack also uses low-scoring boxes to keep tracks alive, so it gets the detector's results unfiltered."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import supervision as sv
from trackers import ByteTrackTracker

from factoryai.vision.detector import Detection

Box = tuple[float, float, float, float]
LOST_TRACK_SECONDS = 2.0  # a person hidden behind another for up to 2 s keeps their id (measured on vtest.avi)


class Tracker:
    def __init__(self, fps: float, classes: frozenset[int]) -> None:
        self.classes = classes
        self._tracker = ByteTrackTracker(frame_rate=fps, lost_track_buffer=max(1, round(fps * LOST_TRACK_SECONDS)))

    def update(self, detections: Sequence[Detection]) -> list[tuple[int, Box]]:
        """(track id, box) of the confirmed tracks in this frame (unconfirmed ones, id -1, are left out)."""
        wanted = [d for d in detections if d.class_id in self.classes]
        result = self._tracker.update(
            sv.Detections(
                xyxy=np.array([d.box for d in wanted], dtype=np.float32).reshape(-1, 4),
                confidence=np.array([d.score for d in wanted], dtype=np.float32),
                class_id=np.array([d.class_id for d in wanted], dtype=int),
            )
        )
        ids = result.tracker_id.tolist() if result.tracker_id is not None else []
        return [(int(i), tuple(box)) for i, box in zip(ids, result.xyxy.tolist(), strict=True) if i >= 0]
