"""The YOLOX detector on the model shipped in the package, a real group photo (../shared) and generated frames."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest
from tests.conftest import shared_file

from factoryai.vision.detector import DEFAULT_MODEL, VEHICLE_CLASSES, Detection, Detector


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(DEFAULT_MODEL)


def test_the_package_ships_the_documented_model() -> None:
    # The model a fresh install detects with: YOLOX-nano as exported by Megvii's tool (models/README.md).
    digest = hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
    assert digest == "695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14"
    assert (
        "Apache License" in (DEFAULT_MODEL.parent / "LICENSE-YOLOX-Apache-2.0").read_text()
    )  # its license travels too


@pytest.fixture(scope="module")
def group_photo() -> np.ndarray:
    return cv2.imread(str(shared_file("data/faces/t1.jpg")))


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union


def test_finds_the_six_people_of_the_group_photo(detector: Detector, group_photo: np.ndarray) -> None:
    people = detector.people(group_photo)
    assert len(people) == 6
    assert all(p.label == "person" and p.class_id == 0 and 0.7 < p.score < 0.9 for p in people)
    h, w = group_photo.shape[:2]
    for p in people:
        x1, y1, x2, y2 = p.box
        assert 0 <= x1 < x2 <= w
        assert 0 <= y1 < y2 <= h
        assert (y2 - y1) > 0.4 * h  # whole people, in image pixels (not the 416 input's)
    assert max(_iou(a.box, b.box) for a in people for b in people if a is not b) < 0.45  # NMS kept distinct ones
    centres = sorted((p.box[0] + p.box[2]) / 2 for p in people)
    assert centres[-1] - centres[0] > 0.6 * w  # spread across the photo, as the people are


def test_detect_returns_all_classes_best_first(detector: Detector, group_photo: np.ndarray) -> None:
    found = detector.detect(group_photo)
    assert [d.score for d in found] == sorted((d.score for d in found), reverse=True)
    assert all(d.score >= 0.3 for d in found)
    assert {d.label for d in found} >= {"person", "dining table"}
    assert not detector.vehicles(group_photo)  # no car, motorcycle, bus or truck at that table


def test_a_scaled_photo_gives_scaled_boxes(detector: Detector, group_photo: np.ndarray) -> None:
    """The letterbox ratio is undone: the same photo at half size gives the same people at half the coordinates."""
    half = cv2.resize(group_photo, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    full_boxes = [p.box for p in detector.people(group_photo)]
    for p in detector.people(half):
        doubled = tuple(2 * v for v in p.box)
        assert max(_iou(doubled, b) for b in full_boxes) > 0.8


def test_a_blank_frame_has_no_detections(detector: Detector) -> None:
    assert detector.detect(np.full((720, 1280, 3), 114, dtype=np.uint8)) == []
    assert detector.detect(np.zeros((0, 0, 3), dtype=np.uint8)) == []


@pytest.mark.parametrize("shape", [(1, 4000, 3), (4000, 1, 3), (2, 2, 3)])
def test_thin_and_tiny_frames_are_searched_without_error(detector: Detector, shape: tuple[int, int, int]) -> None:
    noise = np.random.default_rng(7).integers(0, 255, shape, dtype=np.uint8)
    assert all(0 <= d.box[0] <= d.box[2] <= shape[1] for d in detector.detect(noise))


def test_vehicle_classes_are_car_motorcycle_bus_truck() -> None:
    assert {2, 3, 5, 7} == VEHICLE_CLASSES
    assert Detection((0, 0, 1, 1), 2, "car", 0.5).label == "car"


def test_a_missing_model_file_names_the_setting(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="detector_model_path"):
        Detector(tmp_path / "missing.onnx").detect(np.zeros((10, 10, 3), dtype=np.uint8))
