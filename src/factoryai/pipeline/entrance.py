"""Entrance and exit cameras: people tracked across frames; for each person a few face attempts on their largest
sightings, then stop. A person standing in view is identified once, not five times a second, and never sent to a
paid face service in a loop; a stranger is one unknown face for HR, not one per frame."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import cv2
import numpy as np

from factoryai.core.clock import utcnow
from factoryai.pipeline.sinks import Sink
from factoryai.pipeline.tracking import Box, Tracker
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import PERSON, Detection

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # identify calls that found a face but no match
MAX_NO_FACE = 5  # identify calls that found no face (too far, turned away); then the person is left alone
ATTEMPT_SPACING_SECONDS = 0.6  # frames a moment apart: a turned head or motion blur passes
RETRY_GROWTH = 1.15  # after a failed attempt, the next waits until the person looks this much taller (closer) ...
RETRY_SECONDS = 2.0  # ... or this long has passed (standing still: a new pose is the only new chance)
MIN_PERSON_PX = 80  # smaller people are too far for a face the engine can match (identity.min_face_px)
FORGET_SECONDS = 30.0
DONE = frozenset({"matched", "unknown", "pending", "refused"})


GONE_SECONDS = 2.0  # a worker sends what it collected of a person not seen for this long


@dataclass
class _Person:
    attempts: int = 0  # counted against MAX_ATTEMPTS
    no_face: int = 0
    last_attempt: float = float("-inf")
    last_height: float = 0.0  # the person's height in the frame at the last attempt
    last_seen: float = 0.0
    first_seen_at: datetime | None = None
    done: bool = False
    crops: list[tuple[float, bytes]] = field(default_factory=list)  # (person height, JPEG): tracks mode


def head_and_shoulders(image: np.ndarray, box: Box) -> np.ndarray:
    """The part of a person's box where the face is: the top half of a standing person, the whole box of a
    head-and-shoulders view; widened a little so a face at the box's edge is whole."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    top_part = 0.5 if h > 1.6 * w else 1.0
    pad = 0.1 * w
    left, right = max(0, int(x1 - pad)), min(width, int(x2 + pad))
    top, bottom = max(0, int(y1 - pad)), min(height, int(y1 + h * top_part + pad))
    return image[top:bottom, left:right]


def _worth_trying(person: _Person, height: float, now: float) -> bool:
    """Whether this sighting may give a better face than the last attempt's: a moment later, and the person has
    come closer or had time to turn."""
    if height < MIN_PERSON_PX or now - person.last_attempt < ATTEMPT_SPACING_SECONDS:
        return False
    return height >= RETRY_GROWTH * person.last_height or now - person.last_attempt >= RETRY_SECONDS


class EntranceAnalyzer:
    def __init__(self, config: CameraConfig, sink: Sink, fps: float) -> None:
        self.camera_id = config.id
        self.sink = sink
        self.tracker = Tracker(fps, frozenset({PERSON}))
        self.people: dict[int, _Person] = {}
        self.attempts = 0  # identify calls made, for status and tests
        self.outcomes: dict[str, int] = {}

    def on_frame(self, frame: Frame, detections: Sequence[Detection]) -> None:
        now = frame.monotonic
        for track_id, box in self.tracker.update(detections):
            person = self.people.setdefault(track_id, _Person(first_seen_at=frame.captured_at))
            person.last_seen = now
            if person.done or not _worth_trying(person, box[3] - box[1], now):
                continue
            crop = head_and_shoulders(frame.image, box)
            if crop.size == 0:
                continue
            ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])
            if not ok:
                continue
            person.attempts += 1
            person.last_attempt, person.last_height = now, box[3] - box[1]
            last = person.attempts >= MAX_ATTEMPTS
            if self.sink.face_mode == "tracks":
                person.crops.append((box[3] - box[1], jpeg.tobytes()))
                if last:
                    self._send_track(person)
                continue
            outcome = self.sink.face(self.camera_id, jpeg.tobytes(), frame.captured_at, last_attempt=last)
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            if outcome == "busy":  # nothing was tried: the attempt is not spent, the next frame may try again
                person.attempts -= 1
                person.last_attempt, person.last_height = float("-inf"), 0.0
                continue
            self.attempts += 1
            if outcome == "no_face":  # too far or turned away: its own, larger budget
                person.attempts -= 1
                person.no_face += 1
                person.done = person.no_face >= MAX_NO_FACE
                continue
            person.done = last or outcome in DONE
        for person in self.people.values():  # gone before its last attempt: send what there is
            if not person.done and person.crops and now - person.last_seen > GONE_SECONDS:
                self._send_track(person)
        for track_id in [t for t, p in self.people.items() if now - p.last_seen > FORGET_SECONDS]:
            del self.people[track_id]

    def _send_track(self, person: _Person) -> None:
        crops = [jpeg for _, jpeg in sorted(person.crops, key=lambda c: -c[0])]  # the closest sightings first
        self.sink.face_track(self.camera_id, crops, person.first_seen_at or utcnow())
        self.attempts += 1
        self.outcomes["track"] = self.outcomes.get("track", 0) + 1
        person.done, person.crops = True, []

    def close(self) -> None:
        for person in self.people.values():
            if not person.done and person.crops:
                self._send_track(person)
