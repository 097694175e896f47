"""The newest frame of each camera and the newest detections, shared by capture, analysis and the encoders.

A slot holds one frame, never a queue: a consumer slower than the camera skips frames instead of falling behind.
Frames are never modified after they are put (the overlay draws on a copy), so readers share them without copying.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from factoryai.core.clock import utcnow
from factoryai.vision.detector import Detection


@dataclass(frozen=True)
class Frame:
    seq: int  # 1, 2, … per camera since the runtime started it
    image: np.ndarray  # BGR uint8, read-only by convention
    monotonic: float
    captured_at: datetime  # UTC


@dataclass(frozen=True)
class DetectionResult:
    frame_seq: int  # the frame the detector saw
    detections: tuple[Detection, ...]
    width: int  # size of that frame: the boxes' coordinate space
    height: int
    monotonic: float  # when the frame was captured: results older than a moment are not drawn


class FrameSlot:
    def __init__(self) -> None:
        self._frame: Frame | None = None
        self._detections: DetectionResult | None = None
        self._changed = threading.Condition()
        self._closed = False

    def put(self, image: np.ndarray) -> Frame:
        with self._changed:
            seq = self._frame.seq + 1 if self._frame else 1
            self._frame = Frame(seq, image, time.monotonic(), utcnow())
            self._changed.notify_all()
            return self._frame

    def latest(self) -> Frame | None:
        return self._frame

    def wait_newer(self, seq: int, timeout: float) -> Frame | None:
        """The newest frame if it is newer than ``seq``, waiting up to ``timeout``; None if none came (or closed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or (self._frame is not None and self._frame.seq > seq), timeout)
            frame = self._frame
            return frame if frame is not None and frame.seq > seq and not self._closed else None

    def set_detections(self, result: DetectionResult) -> None:
        self._detections = result

    def detections(self) -> DetectionResult | None:
        return self._detections

    def close(self) -> None:
        """Wake every waiter for good (the camera was stopped)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
