"""Upload checks from the image header: what no camera sends is refused before a single pixel is decoded."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from factoryai.vision.images import ImageError, check_dimensions


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims this size, with no pixel data: the shape of a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_a_normal_frame_passes_with_its_size() -> None:
    frame = cv2.imencode(".jpg", np.zeros((720, 1280, 3), dtype=np.uint8))[1].tobytes()
    assert check_dimensions(frame) == (1280, 720)


@pytest.mark.parametrize(
    ("width", "height", "says"),
    [
        (20_000, 20_000, "at most 40 MP"),
        (300, 1, "too small or too narrow"),
        (5000, 100, "too small or too narrow"),
        (15, 15, "too small or too narrow"),
    ],
)
def test_sizes_no_camera_sends_are_refused_from_the_header(width: int, height: int, says: str) -> None:
    with pytest.raises(ImageError, match=says):
        check_dimensions(png_header_only(width, height))


@pytest.mark.parametrize("data", [b"GIF89a....", b"", b"\xff\xd8\xff\xe0 not really", b"\x89PNG\r\n\x1a\n garbage"])
def test_non_images_and_corrupt_headers_are_refused(data: bytes) -> None:
    with pytest.raises(ImageError):
        check_dimensions(data)
