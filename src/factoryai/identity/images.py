"""Decoding uploaded face images: JPEG or PNG only, checked by content (not the name the client sent) and by pixel
dimensions before decoding (core.images)."""

from __future__ import annotations

import cv2
import numpy as np

from factoryai.core.images import ImageCheckError, check_dimensions
from factoryai.identity.engines.base import FaceImageError


def decode_rgb(data: bytes) -> np.ndarray:
    """HxWx3 uint8 RGB (dlib's order). Unusable or corrupt files raise FaceImageError."""
    try:
        check_dimensions(data)
    except ImageCheckError as exc:
        raise FaceImageError(str(exc)) from exc
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise FaceImageError("the image could not be decoded (corrupt or truncated)")
    return np.ascontiguousarray(image[:, :, ::-1])
