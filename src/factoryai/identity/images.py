"""Decoding uploaded face images: JPEG or PNG only, checked by content rather than by the name the client sent."""

from __future__ import annotations

import cv2
import numpy as np

from factoryai.identity.engines.base import FaceImageError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def image_kind(data: bytes) -> str:
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    raise FaceImageError("not a JPEG or PNG image")


def decode_rgb(data: bytes) -> np.ndarray:
    """HxWx3 uint8 RGB (dlib's order). Corrupt or truncated files raise FaceImageError."""
    image_kind(data)
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise FaceImageError("the image could not be decoded (corrupt or truncated)")
    return np.ascontiguousarray(image[:, :, ::-1])
