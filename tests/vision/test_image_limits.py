"""A caller's own pixel limit under the 40 MP ceiling (face identification takes fewer pixels than enrolment), and
decoding to RGB without a second full-size copy."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from tests.vision.test_images import png_header_only

from factoryai.vision.images import MAX_PIXELS, ImageError, check_dimensions, decode_image


def test_a_lower_limit_refuses_from_the_header_naming_size_limit_and_purpose() -> None:
    bomb = png_header_only(6300, 6300)  # no pixel data at all: only the header is read
    with pytest.raises(ImageError) as refused:
        check_dimensions(bomb, 12_000_000, purpose=" for identification (identity.max_identify_megapixels)")
    message = str(refused.value)
    assert "6300x6300 pixels (39.7 MP)" in message
    assert "at most 12 MP is accepted for identification (identity.max_identify_megapixels)" in message


def test_under_the_lower_limit_the_size_is_returned() -> None:
    assert check_dimensions(png_header_only(4000, 3000), 12_000_000) == (4000, 3000)
    with pytest.raises(ImageError, match=r"at most 1\.5 MP"):
        check_dimensions(png_header_only(1600, 1000), 1_500_000)


def test_a_limit_above_the_ceiling_does_not_lift_it() -> None:
    with pytest.raises(ImageError, match="at most 40 MP"):
        check_dimensions(png_header_only(7000, 7000), 2 * MAX_PIXELS)


def test_rgb_decoding_gives_the_channels_in_rgb_order() -> None:
    bgr = np.zeros((20, 30, 3), dtype=np.uint8)
    bgr[:, :, 0] = 10  # blue
    bgr[:, :, 2] = 200  # red
    image = cv2.imencode(".png", bgr)[1].tobytes()

    rgb = decode_image(image, rgb=True)

    assert rgb.shape == (20, 30, 3)
    assert rgb.flags["C_CONTIGUOUS"]  # dlib needs contiguous pixels
    assert rgb[0, 0].tolist() == [200, 0, 10]
    assert decode_image(image)[0, 0].tolist() == [10, 0, 200]
