"""Real face photos (../shared/data/faces), a few images built from them, and enrolments arranged directly.

Shared by the identity API test modules. Computing a descriptor costs dlib 0.1-0.4 s per photo, so modules compute
the ones they need once (module-scoped fixtures) and insert them as FaceEnrollment rows where the test is not about
enrolment itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import cv2
import numpy as np
from sqlalchemy.orm import Session

from factoryai.core.config import IdentitySettings
from factoryai.identity.engines.local import LocalFaceEngine
from factoryai.identity.models import FaceEnrollment
from tests.conftest import shared_file

# Chosen on the calibrated defaults: photo 4 of each is 0.21 (A) and 0.32 (B) from the mean of photos 1-3 of the same
# person and over 0.75 from the other, while the visitor is at least 0.69 from both (threshold 0.47).
PERSON_A = "Kofi_Annan"
PERSON_B = "Keanu_Reeves"
VISITOR = "data/faces/lfw_visitors/Abdullah/1.jpg"
GROUP = "data/faces/t1.jpg"  # six people
TOM_HANKS_PNG = "data/faces/Tom_Hanks_54745.png"  # a 112x112 face crop

CORRUPT_JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # a JPEG signature, then nothing a decoder accepts
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
TEXT = b"name,shift\nAnn Lee,Day\n"


def lfw(person: str, number: int) -> bytes:
    return shared_file(f"data/faces/lfw100/{person}/{number}.jpg").read_bytes()


def data(relative: str) -> bytes:
    return shared_file(relative).read_bytes()


def encode(bgr: np.ndarray, suffix: str = ".jpg") -> bytes:
    ok, encoded = cv2.imencode(suffix, bgr, [cv2.IMWRITE_JPEG_QUALITY, 95] if suffix == ".jpg" else [])
    assert ok
    return encoded.tobytes()


def decode(image: bytes) -> np.ndarray:
    bgr = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    assert bgr is not None
    return bgr


def blank_jpeg() -> bytes:
    """A plain grey picture: decodes fine, holds no face."""
    return encode(np.full((240, 320, 3), 180, dtype=np.uint8))


def side_by_side(*images: bytes) -> bytes:
    """One JPEG of 250x250 photos placed left to right (a frame with several people in it)."""
    return encode(np.hstack([decode(image) for image in images]))


def jpeg_file(name: str, content: bytes, field: str = "images", content_type: str = "image/jpeg") -> tuple[str, Any]:
    return field, (name, content, content_type)


def descriptors(photos: Iterable[bytes]) -> list[np.ndarray]:
    """The local engine's descriptors of single-person photos, as the API would compute them (default settings)."""
    engine = LocalFaceEngine.from_settings(IdentitySettings())
    result = []
    for photo in photos:
        descriptor = engine.enroll(0, photo).descriptor
        assert descriptor is not None
        result.append(descriptor)
    return result


def add_enrollments(
    session: Session, employee_id: int, templates: Iterable[np.ndarray | None], **extra: Any
) -> list[int]:
    """FaceEnrollment rows as enrolment would store them (committed); returns their ids."""
    rows = [
        FaceEnrollment(
            employee_id=employee_id,
            engine=extra.get("engine", "local"),
            descriptor=None if t is None else np.asarray(t, dtype=np.float32).tobytes(),
            external_face_id=extra.get("external_face_id"),
            source_name=f"arranged-{i}.jpg",
            box_left=60,
            box_top=70,
            box_width=120,
            box_height=120,
        )
        for i, t in enumerate(templates)
    ]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]
