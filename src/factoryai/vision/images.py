"""Uploaded camera images: JPEG or PNG by content, sane pixel dimensions checked from the header, then one decoder.

The byte limit alone is not enough: a 400 kB PNG can decode to 20000x20000 pixels (1.2 GB) and a 1x300 strip makes
a text detector scale its long side into the millions. Both are refused from the header, before any decoding.
MAX_PIXELS is the ceiling for every caller; a caller whose work grows with the pixels passes a lower limit (face
identification takes far fewer pixels than an enrolment photo, see identity.max_identify_megapixels).
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


def check_dimensions(data: bytes, max_pixels: int = MAX_PIXELS, *, purpose: str = "") -> tuple[int, int]:
    """(width, height) from the header, refusing sizes no camera produces. Reads no pixel data.

    ``max_pixels`` lowers the ceiling for one use; ``purpose`` ends the refusal's message (" for identification
    (identity.max_identify_megapixels)") so that the person who reads it knows which limit to mind or change."""
    image_kind(data)
    limit = f"at most {min(max_pixels, MAX_PIXELS) / 1_000_000:g} MP is accepted{purpose}"
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ImageError(f"the image is too large; {limit}") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError("the image could not be decoded (corrupt or truncated)") from exc
    if width * height > min(max_pixels, MAX_PIXELS):
        size = f"{width}x{height} pixels ({width * height / 1_000_000:.1f} MP)"
        raise ImageError(f"the image is {size}; {limit}: send a smaller image")
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(f"the image is {width}x{height} pixels: too small or too narrow to hold a face or plate")
    return width, height


def decode_image(data: bytes, *, rgb: bool = False) -> np.ndarray:
    """HxWx3 uint8, BGR (OpenCV's order) or RGB (dlib's), after the header checks; raises ImageError."""
    check_dimensions(data)  # before decoding: no pixel bombs, no 1-pixel strips for the text detector
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageError("the image could not be decoded (corrupt or truncated)")
    # In place: a second full-size copy would double the peak memory of a large photo.
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB, dst=image) if rgb else image
