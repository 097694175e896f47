"""Images far larger than a face needs: the local engine detects in a reduced copy (boxes and descriptors still in
the original's pixels), and recognition takes fewer pixels than enrolment (identity.max_identify_megapixels below
identity.max_enroll_megapixels), refused from the header with the limit named.

A security probe sent a 6300x6300 PNG of 38 KB: 3.9 s and 1.6 GB per identify. Times are measured in
bench/large_image.py, not here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.config import IdentitySettings, Settings
from factoryai.identity.engines import local
from factoryai.identity.engines.base import Gallery
from factoryai.identity.engines.local import LocalFaceEngine
from tests.conftest import assert_error
from tests.vision.test_images import png_header_only

from ._faces import PERSON_A, decode, descriptors, encode, jpeg_file, lfw

IDENTIFY = "/api/v1/identity/identify"
FACE_CHECK_IN = "/api/v1/attendance/check-in/face"
BIG_SIDE = 4000  # 16 MP: above identification's default 12 MP, below enrolment's 40 MP


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """Photo 4 of person A (250x250, face ~110 px) enlarged to 4000x4000: a 16 MP photo with a ~1800 px face."""
    return encode(cv2.resize(decode(lfw(PERSON_A, 4)), (BIG_SIDE, BIG_SIDE), interpolation=cv2.INTER_CUBIC))


@pytest.fixture(scope="module")
def engine() -> LocalFaceEngine:
    return LocalFaceEngine.from_settings(IdentitySettings(local_processes=0))  # the spy sees this process only


class DetectorSpy:
    """The real dlib detector, noting the size of every image it is given."""

    def __init__(self, detector: Any) -> None:
        self.detector = detector
        self.sizes: list[tuple[int, int]] = []

    def run(self, image: np.ndarray, *args: Any) -> Any:
        self.sizes.append((image.shape[1], image.shape[0]))
        return self.detector.run(image, *args)


@pytest.fixture
def detector_spy(monkeypatch: pytest.MonkeyPatch) -> DetectorSpy:
    models = local._load_models()
    spy = DetectorSpy(models.detector)
    monkeypatch.setattr(local, "_models", dataclasses.replace(models, detector=spy))
    return spy


@pytest.mark.parametrize("size", [(250, 250), (1280, 720), (1920, 1080), (2560, 1440)])
def test_camera_frames_are_detected_at_the_min_face_px_scale(engine: LocalFaceEngine, size: tuple[int, int]) -> None:
    assert engine.detection_scale(*size, min_face_px=80) == 1.0
    assert engine.detection_scale(*size, min_face_px=160) == 0.5


@pytest.mark.parametrize(("size", "megapixels"), [((6300, 6300), 4.0), ((3840, 2160), 4.0), ((6300, 6300), 2.0)])
def test_large_images_are_detected_in_a_copy_of_at_most_max_detect_megapixels(
    size: tuple[int, int], megapixels: float
) -> None:
    engine = LocalFaceEngine.from_settings(IdentitySettings(max_detect_megapixels=megapixels))
    scale = engine.detection_scale(*size, min_face_px=80)
    assert scale < 1.0
    assert size[0] * size[1] * scale**2 == pytest.approx(megapixels * 1_000_000)


def test_a_small_min_face_px_still_upscales_a_720p_frame(engine: LocalFaceEngine) -> None:
    # 40 px faces need the 720p frame doubled (3.7 MP): within the 4 MP bound, so the setting still means what it says.
    assert engine.detection_scale(1280, 720, min_face_px=40) == 2.0


def test_a_large_photo_is_recognised_from_a_reduced_detection(
    engine: LocalFaceEngine, big_photo: bytes, detector_spy: DetectorSpy
) -> None:
    templates = descriptors(lfw(PERSON_A, n) for n in (1, 2, 3))
    gallery = Gallery(employee_ids=np.array([7, 7, 7], dtype=np.int64), descriptors=np.asarray(templates))
    detector_spy.sizes.clear()

    [face] = engine.identify(big_photo, gallery)

    assert face.match is not None
    assert face.match.employee_id == 7
    [(width, height)] = detector_spy.sizes
    assert width * height <= 4_000_000  # not the 16 MP original
    # The box is in the original's pixels: 16x the face found in the 250 px photo, give or take the detector's grid.
    [small] = engine.detect(lfw(PERSON_A, 4))
    scale = BIG_SIDE / 250
    assert face.box.width == pytest.approx(small.width * scale, rel=0.15)
    assert face.box.left + face.box.width / 2 == pytest.approx((small.left + small.width / 2) * scale, rel=0.1)


def test_a_large_enrolment_photo_gives_the_descriptor_of_the_small_one(
    engine: LocalFaceEngine, big_photo: bytes
) -> None:
    big = engine.enroll(1, big_photo).descriptor
    [small] = descriptors([lfw(PERSON_A, 4)])
    assert big is not None
    # The same face: far closer than the 0.47 match threshold (photos of one person are 0.2-0.45 apart).
    assert float(np.linalg.norm(big - small)) < 0.1


# --- the pixel limits through the API ----------------------------------------------------------------------------


def flat_png(width: int, height: int) -> bytes:
    """A real, decodable PNG of one colour: a few KB for millions of pixels, like the probe's image."""
    return encode(np.full((height, width, 3), 200, dtype=np.uint8), ".png")


def new_employee(client: TestClient, headers: dict[str, str], name: str) -> int:
    body = {"name": name, "email": f"{name.replace(' ', '.').lower()}@example.com"}
    response = client.post("/api/v1/employees", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_identify_refuses_an_image_over_max_identify_megapixels_naming_the_limit(client, make_user) -> None:
    image = flat_png(4200, 3000)  # 12.6 MP
    assert len(image) < 100_000

    error = assert_error(
        client.post(IDENTIFY, files=[jpeg_file("big.png", image, "image", "image/png")], headers=make_user("hr")),
        422,
        "validation_error",
    )

    assert "4200x3000" in error["message"]
    assert "at most 12 MP" in error["message"]
    assert "identity.max_identify_megapixels" in error["message"]
    assert [d["field"] for d in error["details"]] == ["image"]


def test_face_check_in_refuses_it_too(client, make_user) -> None:
    files = [jpeg_file("bomb.png", png_header_only(6300, 6300), "image", "image/png")]
    error = assert_error(client.post(FACE_CHECK_IN, files=files, headers=make_user("hr")), 422)
    assert "at most 12 MP" in error["message"]


def test_a_photo_too_large_to_identify_can_still_be_enrolled(client, make_user, big_photo: bytes) -> None:
    hr = make_user("hr")
    employee = new_employee(client, hr, "Kofi Annan")
    assert_error(client.post(IDENTIFY, files=[jpeg_file("big.jpg", big_photo, "image")], headers=hr), 422)

    response = client.post(f"/api/v1/employees/{employee}/faces", files=[jpeg_file("big.jpg", big_photo)], headers=hr)

    assert response.status_code == 201, response.text
    [row] = response.json()
    assert row["box"]["width"] > 1000  # in the photo's own pixels


@pytest.fixture
def enrol_limited_client(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    identity = settings.identity.model_copy(update={"max_enroll_megapixels": 10})
    with TestClient(create_app(settings.model_copy(update={"identity": identity}), engine=clean_db)) as client:
        yield client


def test_enrolment_refuses_a_photo_over_max_enroll_megapixels_naming_photo_and_limit(
    enrol_limited_client: TestClient, make_user, big_photo: bytes
) -> None:
    hr = make_user("hr")
    employee = new_employee(enrol_limited_client, hr, "Kofi Annan")
    files = [jpeg_file("small.jpg", lfw(PERSON_A, 1)), jpeg_file("big.jpg", big_photo)]

    response = enrol_limited_client.post(f"/api/v1/employees/{employee}/faces", files=files, headers=hr)

    error = assert_error(response, 422, "validation_error")
    [problem] = error["details"]
    assert problem["image"] == "big.jpg"
    assert "at most 10 MP is accepted for enrolment (identity.max_enroll_megapixels)" in problem["reason"]
    listed = enrol_limited_client.get(f"/api/v1/employees/{employee}/faces", headers=hr)
    assert listed.json() == []  # all or nothing: the good photo was not enrolled either
