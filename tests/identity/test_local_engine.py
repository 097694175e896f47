"""The local dlib engine on real photos (../shared/data/faces): detection, the enrolment rule, identification."""

from __future__ import annotations

import threading
from collections.abc import Callable

import cv2
import numpy as np
import pytest

from factoryai.core.config import IdentitySettings
from factoryai.identity.engines.base import Box, FaceEngine, FaceImageError, FaceResult, Gallery
from factoryai.identity.engines.local import LocalFaceEngine
from tests.conftest import shared_file

T1_PEOPLE = 6


def _png(image_bgr: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image_bgr)
    assert ok
    return data.tobytes()


def _center(box: Box) -> np.ndarray:
    return np.array([box.left + box.width / 2, box.top + box.height / 2])


@pytest.fixture(scope="module")
def engine() -> LocalFaceEngine:
    """The engine as configured by default."""
    return LocalFaceEngine.from_settings(IdentitySettings())


@pytest.fixture(scope="module")
def t1_bytes() -> bytes:
    return shared_file("data/faces/t1.jpg").read_bytes()


@pytest.fixture(scope="module")
def t1_boxes(engine: LocalFaceEngine, t1_bytes: bytes) -> list[Box]:
    boxes = engine.detect(t1_bytes)
    assert len(boxes) == T1_PEOPLE
    return boxes


@pytest.fixture(scope="module")
def t1_gallery(engine: LocalFaceEngine, t1_bytes: bytes, t1_boxes: list[Box]) -> Gallery:
    """Employee i+1 enrolled from a crop of t1 around face i (margin of half a face, so no neighbour is in it)."""
    image = cv2.imdecode(np.frombuffer(t1_bytes, np.uint8), cv2.IMREAD_COLOR)
    height, width = image.shape[:2]
    ids, descriptors = [], []
    for i, box in enumerate(t1_boxes):
        pad = box.width // 2
        crop = image[
            max(box.top - pad, 0) : min(box.top + box.height + pad, height),
            max(box.left - pad, 0) : min(box.left + box.width + pad, width),
        ]
        enrollment = engine.enroll(i + 1, _png(crop))
        assert enrollment.descriptor is not None
        assert enrollment.descriptor.shape == (128,)
        assert enrollment.descriptor.dtype == np.float32
        assert enrollment.box.width >= engine.enroll_min_face_px
        ids.append(i + 1)
        descriptors.append(enrollment.descriptor)
    return Gallery(employee_ids=np.array(ids, dtype=np.int64), descriptors=np.stack(descriptors))


def test_settings_reach_the_engine() -> None:
    settings = IdentitySettings(min_face_px=50, enroll_min_face_px=120, match_threshold=0.4, match_margin=0.07)
    engine = LocalFaceEngine.from_settings(settings)
    assert (engine.min_face_px, engine.enroll_min_face_px) == (50, 120)
    assert (engine.match_threshold, engine.match_margin) == (0.4, 0.07)
    assert engine.name == "local"
    checked: FaceEngine = engine  # the protocol, checked by the type checker
    assert checked.remove(1, []) is None


def test_detect_finds_every_face_of_the_group_photo(t1_boxes: list[Box]) -> None:
    for box in t1_boxes:
        assert box.left >= 0
        assert box.top >= 0
        assert box.left + box.width <= 1280
        assert box.top + box.height <= 886
        assert 80 <= box.width <= 140  # the faces of t1 are 88-126 px wide
    centers = np.stack([_center(b) for b in t1_boxes])
    distances = np.linalg.norm(centers[:, None] - centers[None], axis=2) + np.eye(T1_PEOPLE) * 1e6
    assert distances.min() > 150  # six different faces, not one found twice


def test_identify_recognises_everyone_in_a_transformed_copy(
    engine: LocalFaceEngine, t1_bytes: bytes, t1_boxes: list[Box], t1_gallery: Gallery
) -> None:
    # 60 % size, rotated 4 degrees, brighter, re-encoded as JPEG: its faces are ~55-75 px wide, so this camera
    # needs min_face_px below that.
    image = cv2.imdecode(np.frombuffer(t1_bytes, np.uint8), cv2.IMREAD_COLOR)
    small = cv2.resize(image, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    height, width = small.shape[:2]
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), 4.0, 1.0)
    rotated = cv2.warpAffine(small, rotation, (width, height), borderMode=cv2.BORDER_REPLICATE)
    brighter = cv2.convertScaleAbs(rotated, alpha=1.0, beta=25)
    ok, jpeg = cv2.imencode(".jpg", brighter, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok

    distant = LocalFaceEngine.from_settings(IdentitySettings(min_face_px=40))
    results = distant.identify(jpeg.tobytes(), t1_gallery)

    assert len(results) == T1_PEOPLE
    expected_centers = [rotation @ np.append(_center(b) * 0.6, 1.0) for b in t1_boxes]
    for employee_id, expected in enumerate(expected_centers, start=1):
        nearest = min(results, key=lambda r: float(np.linalg.norm(_center(r.box) - expected)))
        assert np.linalg.norm(_center(nearest.box) - expected) < 20
        assert nearest.match is not None, f"employee {employee_id} not recognised"
        assert nearest.match.employee_id == employee_id
        assert 0 < nearest.match.similarity <= 100


def test_identify_reports_a_stranger_as_unknown(engine: LocalFaceEngine, t1_gallery: Gallery) -> None:
    tom = shared_file("data/faces/Tom_Hanks_54745.png").read_bytes()  # an aligned 112x112 crop, face ~87 px
    results = engine.identify(tom, t1_gallery)
    assert len(results) == 1  # found: an unknown face, not "no face"
    assert results[0].match is None
    assert results[0].box.width >= 80
    assert results[0].detection_confidence is not None


def test_identify_the_original_photo_and_reuse_the_index(
    engine: LocalFaceEngine, t1_bytes: bytes, t1_boxes: list[Box], t1_gallery: Gallery
) -> None:
    results = engine.identify(t1_bytes, t1_gallery)
    assert [r.box for r in results] == t1_boxes
    assert [r.match.employee_id if r.match else None for r in results] == list(range(1, T1_PEOPLE + 1))
    assert engine.index(t1_gallery) is engine.index(t1_gallery)
    replaced = Gallery(employee_ids=t1_gallery.employee_ids[:2], descriptors=t1_gallery.descriptors[:2])
    assert len(engine.index(replaced)) == 2


def test_identify_with_an_empty_gallery_finds_faces_but_no_match(engine: LocalFaceEngine, t1_bytes: bytes) -> None:
    results = engine.identify(t1_bytes, Gallery())
    assert len(results) == T1_PEOPLE
    assert all(r.match is None for r in results)


def test_identify_is_safe_from_several_threads(engine: LocalFaceEngine, t1_gallery: Gallery) -> None:
    tom = shared_file("data/faces/Tom_Hanks_54745.png").read_bytes()
    expected = engine.identify(tom, t1_gallery)
    outcomes: list[list[FaceResult]] = []
    threads = [threading.Thread(target=lambda: outcomes.append(engine.identify(tom, t1_gallery))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == [expected] * 3


def test_enroll_rejects_a_group_photo(engine: LocalFaceEngine, t1_bytes: bytes) -> None:
    rule = f"exactly one face at least {engine.enroll_min_face_px} px wide"
    with pytest.raises(FaceImageError, match=rf"6 faces found: .*{rule}"):
        engine.enroll(1, t1_bytes)


def test_enroll_rejects_an_image_without_a_face(engine: LocalFaceEngine) -> None:
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))
    plain = cv2.merge([gradient, np.full_like(gradient, 90), gradient[::-1]])
    cv2.circle(plain, (160, 120), 60, (40, 200, 220), -1)
    with pytest.raises(FaceImageError, match="no face found"):
        engine.enroll(1, _png(plain))
    assert engine.detect(_png(plain)) == []


def test_enroll_rejects_a_face_below_the_minimum_width() -> None:
    strict = LocalFaceEngine(enroll_min_face_px=100)
    tom = shared_file("data/faces/Tom_Hanks_54745.png").read_bytes()
    with pytest.raises(FaceImageError, match=r"too small \(\d+ px wide\).*at least 100 px wide"):
        strict.enroll(1, tom)


def test_enroll_ignores_faces_narrower_than_the_minimum(t1_bytes: bytes, t1_boxes: list[Box]) -> None:
    # At 115 px the detector still finds the five ~105 px faces of t1, but only its 126 px face counts.
    engine = LocalFaceEngine(enroll_min_face_px=115)
    widest = max(t1_boxes, key=lambda b: b.width)
    enrollment = engine.enroll(1, t1_bytes)
    assert np.linalg.norm(_center(enrollment.box) - _center(widest)) < 10
    assert enrollment.box.width >= 115


CORRUPT: dict[str, Callable[[bytes], bytes]] = {
    "not an image": lambda _: b"%PDF-1.7 this is a document, not a photo",
    "truncated JPEG": lambda jpeg: jpeg[:300],
    "JPEG header then garbage": lambda _: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,
    "empty": lambda _: b"",
}


@pytest.mark.parametrize("damage", CORRUPT.values(), ids=CORRUPT.keys())
@pytest.mark.parametrize("method", ["detect", "enroll", "identify"])
def test_unusable_bytes_are_an_image_error(
    engine: LocalFaceEngine, t1_bytes: bytes, damage: Callable[[bytes], bytes], method: str
) -> None:
    data = damage(t1_bytes)
    calls = {
        "detect": lambda: engine.detect(data),
        "enroll": lambda: engine.enroll(1, data),
        "identify": lambda: engine.identify(data, Gallery()),
    }
    with pytest.raises(FaceImageError):
        calls[method]()
