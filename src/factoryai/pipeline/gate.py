"""Gate cameras: vehicles tracked across frames; each vehicle's plate read on several frames (once it is big enough
to read) and voted, then ONE decision per pass through the quality gate, the watchlists and the relay. A vehicle
parked in view is one pass: its track is decided once; should the tracker lose and re-find it, the cooldown
(vehicles.cooldown_seconds) makes the same plate at the same camera the same pass."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import cv2
import numpy as np

from factoryai.pipeline.sinks import Sink
from factoryai.pipeline.tracking import Tracker
from factoryai.vehicles.recognition import PlateRecognizer
from factoryai.vehicles.voting import vote
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import VEHICLE_CLASSES, Detection

log = logging.getLogger(__name__)
READ_SPACING_SECONDS = 0.3
MIN_VEHICLE_PX = 120  # narrower vehicles are too far for their plate to be read
MIN_VEHICLE_SHARE = 0.15  # nor those narrower than this share of the frame (a plate is ~1/4 of a car's width)
GONE_SECONDS = 3.0
FORGET_SECONDS = 60.0


SNAPSHOT_WIDTH = 1280  # enough to see the car and its plate; a 4K frame would not fit a worker's event body


def snapshot_jpeg(image: np.ndarray) -> bytes | None:
    height, width = image.shape[:2]
    if width > SNAPSHOT_WIDTH:
        size = (SNAPSHOT_WIDTH, round(height * SNAPSHOT_WIDTH / width))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return jpeg.tobytes() if ok else None


@dataclass
class _Vehicle:
    reads: list[tuple[str, float]] = field(default_factory=list)
    attempts: int = 0
    last_attempt: float = float("-inf")
    last_seen: float = 0.0
    first_seen_at: datetime | None = None
    best: tuple[float, bytes] | None = None  # (confidence, JPEG of the frame) of the best read: the snapshot
    done: bool = False


class GateAnalyzer:
    def __init__(
        self,
        config: CameraConfig,
        sink: Sink,
        fps: float,
        recognizer: Callable[[], PlateRecognizer],
        votes: int,
        confident: float = 0.85,
    ) -> None:
        self.camera_id = config.id
        self.sink = sink
        self.recognizer = recognizer
        self.votes = votes
        self.confident = confident  # a read this sure counts towards deciding (vehicles.ocr_confidence_threshold)
        self.max_attempts = 4 * votes  # a plate hidden or dirty on most frames: decide on what was read
        self.tracker = Tracker(fps, VEHICLE_CLASSES)
        self.vehicles: dict[int, _Vehicle] = {}
        self.reads = 0  # OCR calls, for status and tests
        self.passes = 0

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        now = frame.monotonic
        for track_id, box in self.tracker.update(detections):
            vehicle = self.vehicles.setdefault(track_id, _Vehicle(first_seen_at=frame.captured_at))
            vehicle.last_seen = now
            small = box[2] - box[0] < max(MIN_VEHICLE_PX, MIN_VEHICLE_SHARE * frame.image.shape[1])
            if vehicle.done or small or now - vehicle.last_attempt < READ_SPACING_SECONDS:
                continue
            vehicle.attempts += 1
            vehicle.last_attempt = now
            read = self.recognizer().read_vehicle(frame.image, box)
            self.reads += 1
            if read is not None:
                vehicle.reads.append((read.text, read.confidence))
                if vehicle.best is None or read.confidence > vehicle.best[0]:
                    jpeg = snapshot_jpeg(frame.image)
                    if jpeg is not None:
                        vehicle.best = (read.confidence, jpeg)
            # Reads from afar or in motion are less sure: keep reading until enough confident ones (a vehicle stopping
            # at the barrier gives them), and vote over the most confident reads only.
            confident = sum(1 for _, confidence in vehicle.reads if confidence >= self.confident)
            if confident >= self.votes or vehicle.attempts >= self.max_attempts:
                self._decide(vehicle)
        for vehicle in self.vehicles.values():  # drove off before enough reads: decide on what there is
            if not vehicle.done and now - vehicle.last_seen > GONE_SECONDS:
                self._decide(vehicle)
        for track_id in [t for t, v in self.vehicles.items() if now - v.last_seen > FORGET_SECONDS]:
            del self.vehicles[track_id]

    def _decide(self, vehicle: _Vehicle) -> None:
        vehicle.done = True
        voted = vote(sorted(vehicle.reads, key=lambda read: -read[1])[: self.votes])
        if voted is None or vehicle.first_seen_at is None:
            return  # no plate read at all: nothing to decide (a vehicle without a plate, or seen from the side)
        snapshot = vehicle.best[1] if vehicle.best else None
        self.sink.plate(self.camera_id, voted.text, round(voted.confidence, 4), snapshot, vehicle.first_seen_at)
        self.passes += 1

    def close(self) -> None:
        for vehicle in self.vehicles.values():
            if not vehicle.done:
                self._decide(vehicle)
