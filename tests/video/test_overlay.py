"""The live-video overlay, checked on pixels: box colours and places, label tags, the info panel, the placeholder."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from factoryai.video.overlay import (
    PERSON_COLOUR,
    VEHICLE_COLOUR,
    PanelInfo,
    class_colour,
    draw_overlay,
    placeholder_frame,
)
from factoryai.vision.detector import COCO_LABELS, PERSON, VEHICLE_CLASSES, Detection

NOON = datetime(2026, 12, 6, 12, 0, 0)
PANEL = PanelInfo(camera_id="gate-north", local_time=NOON, fps=29.8, detections=2)


def det(box: tuple[float, float, float, float], class_id: int, score: float = 0.9) -> Detection:
    return Detection(box=box, class_id=class_id, label=COCO_LABELS[class_id], score=score)


def noise(h: int, w: int, seed: int = 0) -> np.ndarray:
    # Mid-grey noise: no pixel can match a drawn colour by chance and every change shows.
    return np.random.default_rng(seed).integers(60, 190, (h, w, 3), dtype=np.uint8)


def band_top(out: np.ndarray, frame: np.ndarray) -> int:
    """First row of the panel band: the top of the rows where every pixel changed (boxes change only some)."""
    changed = (out != frame).any(axis=2).all(axis=1)
    rows = np.flatnonzero(~changed)
    return int(rows[-1]) + 1


def is_colour(pixel: np.ndarray, colour: tuple[int, int, int]) -> bool:
    return tuple(int(v) for v in pixel) == colour


def test_people_vehicles_and_other_classes_are_outlined_in_their_own_colours() -> None:
    frame = noise(540, 960)
    car, dog = 2, 16
    boxes = [det((100, 100, 200, 300), PERSON), det((400, 100, 600, 300), car), det((700, 100, 800, 300), dog)]
    out = draw_overlay(frame, boxes, PANEL)
    # Mid-height on each left and right edge: clear of the label tag.
    assert is_colour(out[200, 100], PERSON_COLOUR)
    assert is_colour(out[200, 200], PERSON_COLOUR)
    assert is_colour(out[200, 400], VEHICLE_COLOUR)
    assert is_colour(out[200, 600], VEHICLE_COLOUR)
    assert is_colour(out[300, 500], VEHICLE_COLOUR)  # bottom edge
    assert is_colour(out[200, 700], class_colour(dog))
    assert class_colour(dog) not in (PERSON_COLOUR, VEHICLE_COLOUR)
    # Inside a box the picture is untouched.
    assert (out[150:250, 120:180] == frame[150:250, 120:180]).all()


def test_the_label_tag_sits_above_the_box_in_the_class_colour_with_text() -> None:
    frame = noise(540, 960)
    out = draw_overlay(frame, [det((300, 200, 500, 400), PERSON, 0.95)], PANEL)
    above = (out[:199] == PERSON_COLOUR).all(axis=2)  # the outline is 2 px wide, centred on y=200
    rows, cols = np.nonzero(above)
    assert rows.size > 300  # a filled tag, not a stray pixel
    assert 298 <= cols.min() <= 302
    assert 199 - rows.min() < 40  # right on top of the box
    y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    tag, under = out[y0:y1, x0:x1], frame[y0:y1, x0:x1]
    filled = (tag == PERSON_COLOUR).all(axis=2)
    assert filled.mean() > 0.5
    # Text: pixels neither the class colour nor the picture, dark on the light green tag.
    text = ~filled & (tag != under).any(axis=2)
    assert text.sum() > 30
    assert tag[text].mean() < 100
    # Nothing to the right of the tag, nor above it.
    assert (out[y0:y1, x1 + 1 : x1 + 40] == frame[y0:y1, x1 + 1 : x1 + 40]).all()
    assert (out[: y0 - 1] == frame[: y0 - 1]).all()


def test_a_box_touching_the_top_gets_its_tag_inside() -> None:
    frame = noise(540, 960)
    out = draw_overlay(frame, [det((300, 0, 500, 200), PERSON)], PANEL)
    assert (out[5:20, 310:340] == PERSON_COLOUR).all(axis=2).mean() > 0.3


def test_boxes_are_scaled_onto_a_resized_stream() -> None:
    frame = noise(270, 480)
    out = draw_overlay(frame, [det((200, 100, 400, 300), PERSON)], PANEL, scale=0.5)
    assert is_colour(out[100, 100], PERSON_COLOUR)
    assert is_colour(out[100, 200], PERSON_COLOUR)
    assert (out[100, 190:196] == frame[100, 190:196]).all()
    # Where the unscaled box's edges would be, the picture is untouched.
    assert (out[200, 198:203] == frame[200, 198:203]).all()
    assert (out[200, 398:403] == frame[200, 398:403]).all()


def test_the_input_frame_is_never_modified() -> None:
    frame = noise(360, 640)
    before = frame.copy()
    out = draw_overlay(frame, [det((10, 10, 100, 100), PERSON), det((200, 50, 400, 300), 7)], PANEL)
    assert (frame == before).all()
    assert out is not frame
    assert not np.shares_memory(out, frame)


def test_the_panel_darkens_only_a_bottom_band_and_writes_in_it() -> None:
    frame = noise(720, 1280)
    out = draw_overlay(frame, [], PANEL)
    top = band_top(out, frame)
    assert 720 * 0.03 <= 720 - top <= 720 * 0.1
    # With no detections, nothing above the band changes.
    assert (out[:top] == frame[:top]).all()
    band, under = out[top:].astype(float), frame[top:].astype(float)
    text = (band > 200).all(axis=2)  # white text on a band that is at most 0.35 * 190 bright
    assert text.sum() > 200
    assert band[~text].mean() < under[~text].mean() * 0.5


def test_the_rest_of_the_frame_outside_boxes_tags_and_band_is_untouched() -> None:
    frame = noise(540, 960)
    out = draw_overlay(frame, [det((300, 200, 500, 400), PERSON), det((600, 250, 700, 350), 3)], PANEL)
    touched = np.zeros(frame.shape[:2], bool)
    for x1, y1, x2, y2 in ((300, 200, 500, 400), (600, 250, 700, 350)):
        touched[y1 - 40 : y2 + 4, x1 - 4 : x2 + 4] = True  # the box, its outline and a tag above it
    touched[band_top(out, frame) :] = True
    assert (out != frame).any(axis=2)[~touched].sum() == 0
    assert (out != frame).any(axis=2)[touched].sum() > 0


@pytest.mark.parametrize(
    "box",
    [(-50, -50, 60, 40), (120, 60, 400, 300), (0, 0, 160, 90), (1e9, 1e9, 2e9, 2e9), (80, 45, 80, 45)],
)
def test_tiny_frames_and_boxes_off_the_frame_draw_without_error(box: tuple[float, float, float, float]) -> None:
    frame = noise(90, 160)
    out = draw_overlay(frame, [det(box, PERSON)], PANEL, scale=1.0)
    assert out.shape == frame.shape
    assert out.dtype == np.uint8


def test_a_long_camera_id_on_a_narrow_frame_still_draws() -> None:
    frame = noise(180, 320)
    panel = PanelInfo(camera_id="warehouse-loading-dock-east-7", local_time=NOON, fps=5.0, detections=0)
    out = draw_overlay(frame, [], panel)
    assert (out[-18:] > 200).all(axis=2).sum() > 20


def test_the_placeholder_has_the_size_asked_and_shows_when_the_camera_was_last_seen() -> None:
    a = placeholder_frame(1280, 720, "gate-north", datetime(2026, 12, 6, 14, 32, 45))
    b = placeholder_frame(1280, 720, "gate-north", datetime(2026, 12, 6, 9, 5, 1))
    never = placeholder_frame(1280, 720, "gate-north", None)
    assert a.shape == (720, 1280, 3)
    assert a.dtype == np.uint8
    assert (a != b).any()
    assert (a != never).any()
    assert (a != placeholder_frame(1280, 720, "dock-7", datetime(2026, 12, 6, 14, 32, 45))).any()
    assert (a != placeholder_frame(1280, 720, "gate-north", datetime(2026, 12, 6, 14, 32, 45), message="Off")).any()
    # Dark grey, with light text.
    assert 20 < np.median(a) < 70
    assert (a > 200).sum() > 500
    assert placeholder_frame(160, 90, "x" * 40, None).shape == (90, 160, 3)


def test_class_colours_are_stable_distinct_and_bright() -> None:
    colours = [class_colour(i) for i in range(len(COCO_LABELS))]
    assert colours == [class_colour(i) for i in range(len(COCO_LABELS))]
    assert colours[PERSON] == PERSON_COLOUR
    assert all(colours[v] == VEHICLE_COLOUR for v in VEHICLE_CLASSES)
    others = [c for i, c in enumerate(colours) if i != PERSON and i not in VEHICLE_CLASSES]
    assert len(set(others)) == len(others)
    assert PERSON_COLOUR not in others
    assert VEHICLE_COLOUR not in others
    assert all(max(c) >= 200 for c in others)  # none too dark to see
    assert all(isinstance(v, int) and 0 <= v <= 255 for c in colours for v in c)


def test_the_panel_reads_the_camera_id_and_fps() -> None:
    rapidocr = pytest.importorskip("rapidocr_onnxruntime")
    frame = noise(720, 1280)
    out = draw_overlay(frame, [det((300, 200, 500, 400), PERSON)], PANEL)
    result, _ = rapidocr.RapidOCR()(out[band_top(out, frame) :])
    text = " ".join(line[1] for line in result or [])
    assert "gate-north" in text
    assert "FPS 29.8" in text


def test_a_zone_cameras_counting_line_is_drawn_with_in_on_its_inside() -> None:
    from factoryai.video.overlay import LINE_COLOUR

    frame = np.full((360, 640, 3), 60, np.uint8)
    panel = PanelInfo(camera_id="CAM-FLOOR", local_time=datetime(2026, 12, 6, 9, 0), fps=15.0, detections=0)
    out = draw_overlay(frame, [], panel, counting_line=((0.5, 0.0), (0.5, 1.0)), in_side="left")
    amber = np.all(np.abs(out.astype(int) - LINE_COLOUR) < 30, axis=2)
    assert amber[100:200, 319:322].all()  # the line down the middle
    # "IN" on the inside: walking the line top to bottom, its left is the image's right half.
    drawn = np.any(out != 60, axis=2)
    right, left = drawn[:300, 330:].sum(), drawn[:300, :310].sum()
    assert right > 20
    assert left == 0
    flipped = draw_overlay(frame, [], panel, counting_line=((0.5, 0.0), (0.5, 1.0)), in_side="right")
    drawn = np.any(flipped != 60, axis=2)
    assert drawn[:300, :310].sum() > 20
    assert drawn[:300, 330:].sum() == 0
