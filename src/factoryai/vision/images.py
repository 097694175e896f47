"""Uploaded camera images: JPEG or PNG by content, sane pixel dimensions checked from the header, then one decoder.

The byte limit alone is not enough: a 400 kB PNG can decode to 20000x20000 pixels (1.2 GB) and a 1x300 strip makes
a text detector scale its long side into the millions. Both are refused from the header, before any decoding.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 40_000_000  # a 40 MP photo; camera frames are 1-8 MP
MIN_SIDE = 16
MAX_ASPECT = 20  # a two-letter plate strip is ~6:1; 20:1 is no photo of anything we read


class ImageError(ValueError):
    """Not a usable image (not JPEG/PNG, corrupt, a pixel bomb, a thin strip); the message says why."""


def image_kind(data: bytes) -> str:
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    raise ImageError("not a JPEG or PNG image")


def check_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) from the header, refusing sizes no camera produces. Reads no pixel data."""
    image_kind(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ImageError(f"the image is too large; at most {MAX_PIXELS // 1_000_000} MP is accepted") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError("the image could not be decoded (corrupt or truncated)") from exc
    if width * height > MAX_PIXELS:
        raise ImageError(f"the image is {width}x{height} pixels; at most {MAX_PIXELS // 1_000_000} MP is accepted")
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(f"the image is {width}x{height} pixels: too small or too narrow to hold a face or plate")
    return width, height


def decode_image(data: bytes, *, rgb: bool = False) -> np.ndarray:
    """HxWx3 uint8, BGR (OpenCV's order) or RGB (dlib's), after the header checks; raises ImageError."""
    check_dimensions(data)  # before decoding: no pixel bombs, no 1-pixel strips for the text detector
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageError("the image could not be decoded (corrupt or truncated)")
    return np.ascontiguousarray(image[:, :, ::-1]) if rgb else image
