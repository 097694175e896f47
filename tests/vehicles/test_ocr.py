"""Plate OCR on the real PP-OCRv4 models: rendered plates read exactly, a plate found in a whole frame, nothing read
from an empty image. Accuracy on real plates is measured in bench/plate_ocr.py, not asserted here."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from factoryai.vehicles.ocr import EasyOcrPlateReader, PlateReader

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WHITE, YELLOW = (255, 255, 255), (255, 204, 0)  # RGB


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return PlateReader()


def render_plate(rows: list[str], background: tuple[int, int, int] = WHITE, size: int = 60) -> np.ndarray:
    """A plate as printed: black text rows centred on a coloured plate with a black border (BGR)."""
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(FONT, size)
    except OSError:  # no DejaVu on this machine: PIL's own scalable font
        font = ImageFont.load_default(size)
    boxes = [font.getbbox(row) for row in rows]
    cap = font.getbbox("A")[3] - font.getbbox("A")[1]
    width = max(b[2] - b[0] for b in boxes) + size
    height = int(len(rows) * cap * 1.5) + size // 2
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle([3, 3, width - 4, height - 4], outline=(0, 0, 0), width=4)
    y = size // 4
    for row, box in zip(rows, boxes, strict=True):
        draw.text(((width - (box[2] - box[0])) // 2 - box[0], y - box[1]), row, font=font, fill=(0, 0, 0))
        y += int(cap * 1.5)
    return cv2.cvtColor(np.array(image), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize(
    ("rows", "background", "plate"),
    [
        (["MH 12 AB 1234"], WHITE, "MH12AB1234"),
        (["DL 3C AB 1234"], YELLOW, "DL3CAB1234"),  # one-digit RTO code, which the spec's regex rejects
        (["22 BH 1234 AA"], WHITE, "22BH1234AA"),  # Bharat series
        (["KA 01 A 0001"], YELLOW, "KA01A0001"),
    ],
)
def test_one_row_plates_are_read_exactly(
    reader: PlateReader, rows: list[str], background: tuple[int, int, int], plate: str
) -> None:
    read = reader.read(render_plate(rows, background))
    assert read.text == plate
    assert read.valid
    assert read.confidence > 0.85
    assert len(read.char_confidences) == len(plate)


@pytest.mark.parametrize(
    ("rows", "plate"),
    [(["KL 07", "BZ 4125"], "KL07BZ4125"), (["MH 02", "CD 5512"], "MH02CD5512"), (["TN 9", "AB 4321"], "TN9AB4321")],
)
def test_two_row_plates_are_joined_top_to_bottom(reader: PlateReader, rows: list[str], plate: str) -> None:
    read = reader.read(render_plate(rows, YELLOW))
    assert read.text == plate
    assert read.rows == tuple(r.replace(" ", "") for r in rows)
    assert read.valid


def test_a_letter_read_as_a_digit_is_decoded_by_position(reader: PlateReader) -> None:
    """An O where the series needs a letter and a digit where it needs a digit: the grammar decides, not the font."""
    read = reader.read(render_plate(["KL 07 BQ 0099"]))
    assert read.text == "KL07BQ0099"


def test_concurrent_reads_share_the_models_safely(reader: PlateReader) -> None:
    plates = {"MH12AB1234": render_plate(["MH 12 AB 1234"]), "KL07BZ4125": render_plate(["KL 07", "BZ 4125"], YELLOW)}
    work = [text for text in plates for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        reads = list(pool.map(lambda text: reader.read(plates[text]).text, work))
    assert reads == work
    assert PlateReader().read(plates["MH12AB1234"]).text == "MH12AB1234"  # a second reader, the same models


def test_the_box_covers_the_text(reader: PlateReader) -> None:
    image = render_plate(["MH 12 AB 1234"])
    x1, y1, x2, y2 = reader.read(image).box
    h, w = image.shape[:2]
    assert 0 <= x1 < 0.15 * w
    assert 0.85 * w < x2 <= w
    assert 0 <= y1 < 0.4 * h
    assert 0.6 * h < y2 <= h


@pytest.mark.parametrize("shape", [(120, 400, 3), (60, 200), (1, 1, 3), (0, 0, 3)])
def test_an_image_without_text_gives_an_empty_read(reader: PlateReader, shape: tuple[int, ...]) -> None:
    read = reader.read(np.full(shape, 255, dtype=np.uint8))
    assert read.text == ""
    assert read.confidence == 0.0
    assert not read.valid


def synthetic_scene(plate: np.ndarray, at: tuple[int, int]) -> np.ndarray:
    """A 1280x720 gate scene: a grey road, a dark car body with a grille, the plate pasted on its bumper."""
    rng = np.random.default_rng(7)
    frame = np.clip(rng.normal(110, 12, (720, 1280, 3)), 0, 255).astype(np.uint8)
    cv2.rectangle(frame, (380, 200), (900, 640), (60, 40, 30), -1)  # car body
    cv2.rectangle(frame, (450, 260), (830, 380), (20, 20, 20), -1)  # windscreen
    for x in range(480, 800, 24):
        cv2.line(frame, (x, 430), (x, 470), (90, 90, 90), 3)  # grille
    x, y = at
    frame[y : y + plate.shape[0], x : x + plate.shape[1]] = plate
    return frame


def test_locate_and_read_finds_the_plate_in_a_frame(reader: PlateReader) -> None:
    plate = cv2.resize(render_plate(["MH 12 AB 1234"]), None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    frame = synthetic_scene(plate, at=(520, 520))
    read = reader.locate_and_read(frame)
    assert read is not None
    assert read.text == "MH12AB1234"
    assert read.valid
    x1, y1, x2, y2 = read.box
    ph, pw = plate.shape[:2]
    assert x1 >= 520 - 5
    assert x2 <= 520 + pw + 5
    assert y1 >= 520 - 5
    assert y2 <= 520 + ph + 5
    assert (x2 - x1) > 0.7 * pw


def test_locate_and_read_looks_inside_the_vehicle_box_only(reader: PlateReader) -> None:
    plate = cv2.resize(render_plate(["KL 07", "BZ 4125"], YELLOW), None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    frame = synthetic_scene(plate, at=(560, 500))
    read = reader.locate_and_read(frame, vehicle_box=(380, 200, 900, 640))
    assert read is not None
    assert read.text == "KL07BZ4125"
    assert read.box[0] >= 560 - 5
    assert read.box[3] <= 500 + plate.shape[0] + 5
    assert reader.locate_and_read(frame, vehicle_box=(0, 0, 300, 300)) is None  # the plate is not in there


def test_locate_and_read_returns_none_without_a_plate(reader: PlateReader) -> None:
    assert reader.locate_and_read(np.full((720, 1280, 3), 128, dtype=np.uint8)) is None


@pytest.mark.skipif(importlib.util.find_spec("easyocr") is not None, reason="easyocr is installed here")
def test_easyocr_reader_without_the_extra_says_how_to_install_it() -> None:
    with pytest.raises(RuntimeError, match=r"factoryai\[easyocr\]"):
        EasyOcrPlateReader().read(render_plate(["MH 12 AB 1234"]))
