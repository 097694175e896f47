"""What a viewer sees on the live stream: detection boxes, an info panel, and a placeholder while a camera is offline.

Pure drawing: values in, a new BGR image out. It runs once per output frame per camera (up to 1080p30), so it is one
copy of the frame and cv2 primitives, and only the panel's band is blended.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import cv2
import numpy as np

from factoryai.vision.detector import PERSON, VEHICLE_CLASSES, Detection

PERSON_COLOUR: tuple[int, int, int] = (0, 200, 0)  # BGR green
VEHICLE_COLOUR: tuple[int, int, int] = (255, 64, 0)  # BGR blue, a touch of green so it shows on dark scenes
FONT = cv2.FONT_HERSHEY_SIMPLEX
BAND_SHADE = 0.35  # the panel band keeps this share of the picture's brightness
PLACEHOLDER_GREY = (40, 40, 40)
# Hues (degrees) kept for people and vehicles: no other class is drawn in anything like green or blue.
RESERVED_HUES = ((95.0, 150.0), (200.0, 250.0))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class PanelInfo:
    camera_id: str
    local_time: datetime  # already in the site timezone
    fps: float  # output fps of the stream
    detections: int  # how many detections are drawn


@lru_cache(maxsize=256)
def class_colour(class_id: int) -> tuple[int, int, int]:
    """BGR colour of a COCO class: fixed for people and vehicles, a stable bright colour for every other class."""
    if class_id == PERSON:
        return PERSON_COLOUR
    if class_id in VEHICLE_CLASSES:
        return VEHICLE_COLOUR
    # Golden-ratio steps spread consecutive ids apart; the step lands on the hue circle minus the reserved arcs.
    free = 360.0 - sum(b - a for a, b in RESERVED_HUES)
    hue = (class_id * 0.6180339887 % 1.0) * free
    for start, end in RESERVED_HUES:
        if hue >= start:
            hue += end - start
    saturation = (0.95, 0.7, 0.85)[class_id % 3]
    value = (1.0, 0.85)[class_id // 3 % 2]  # never darker than 85%: visible on night footage
    r, g, b = colorsys.hsv_to_rgb(hue / 360.0, saturation, value)
    return round(b * 255), round(g * 255), round(r * 255)


@lru_cache(maxsize=256)
def _text_colour(bgr: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever contrasts more with the tag (WCAG relative luminance; crossover at 0.179)."""
    b, g, r = ((c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in bgr)
    return (0, 0, 0) if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 else (255, 255, 255)


def _thickness(font_scale: float) -> int:
    return 1 if font_scale < 0.6 else 2


LINE_COLOUR = (0, 215, 255)  # BGR amber: the counting line, unlike any class colour people or vehicles get
CountingLine = tuple[tuple[float, float], tuple[float, float]]


def draw_overlay(
    frame: np.ndarray,
    detections: Sequence[Detection],
    panel: PanelInfo,
    *,
    scale: float = 1.0,
    counting_line: CountingLine | None = None,
    in_side: str = "left",
) -> np.ndarray:
    """A new BGR image: ``frame`` (left untouched: other consumers share it) with boxes, labels and the info panel.

    Boxes are in the coordinates of the frame the detector saw; ``scale`` maps them onto this (maybe resized) frame.
    A zone camera's ``counting_line`` (0..1 image coordinates) is drawn with "IN" on its inside, so whoever places
    it sees where people are counted and which way.
    """
    out = frame.copy()
    h, w = out.shape[:2]
    if h == 0 or w == 0:
        return out
    short = min(h, w)
    line = max(2, round(short / 360))
    label_scale = max(0.35, short / 1080 * 0.75)
    if counting_line is not None:
        _draw_counting_line(out, counting_line, in_side, line, label_scale)
    for det in detections:
        _draw_box(out, det, scale, line, label_scale)
    _draw_panel(out, panel)
    return out


def _draw_counting_line(out: np.ndarray, points: CountingLine, in_side: str, line: int, font_scale: float) -> None:
    h, w = out.shape[:2]
    (ax, ay), (bx, by) = points
    a, b = (round(ax * (w - 1)), round(ay * (h - 1))), (round(bx * (w - 1)), round(by * (h - 1)))
    cv2.line(out, a, b, LINE_COLOUR, line, cv2.LINE_AA)
    # The inside: left of the direction a → b with y down (as CameraSettings.in_side defines it) is (dy, -dx).
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    nx, ny = (dy / length, -dx / length) if in_side == "left" else (-dy / length, dx / length)
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    offset = 40 * font_scale / 0.75
    text_size, _ = cv2.getTextSize("IN", FONT, font_scale, _thickness(font_scale))
    x = round(mx + nx * offset - text_size[0] / 2)
    y = round(my + ny * offset + text_size[1] / 2)
    cv2.putText(out, "IN", (x, y), FONT, font_scale, LINE_COLOUR, _thickness(font_scale), cv2.LINE_AA)


def _draw_box(out: np.ndarray, det: Detection, scale: float, line: int, font_scale: float) -> None:
    h, w = out.shape[:2]
    # Clamp a little beyond the frame: cv2 wants int32 points and clips the rest itself.
    x1, y1, x2, y2 = (
        round(min(max(v * scale, -line), lim + line)) for v, lim in zip(det.box, (w, h, w, h), strict=True)
    )
    colour = class_colour(det.class_id)
    cv2.rectangle(out, (x1, y1), (x2, y2), colour, line, cv2.LINE_8)

    text = f"{det.label} {round(det.score * 100)}%"
    thick = _thickness(font_scale)
    (tw, th), base = cv2.getTextSize(text, FONT, font_scale, thick)
    pad = max(2, th // 4)
    tag_w, tag_h = tw + 2 * pad, th + base + pad
    top = y1 - line // 2 - tag_h  # above the box, sitting on its outline
    if top < 0:
        top = max(0, y1)  # the box touches the top: the tag goes inside it
    left = min(max(0, x1 - line // 2), max(0, w - tag_w))
    cv2.rectangle(out, (left, top), (left + tag_w, top + tag_h), colour, cv2.FILLED)
    cv2.putText(out, text, (left + pad, top + pad + th), FONT, font_scale, _text_colour(colour), thick, cv2.LINE_AA)


def _draw_panel(out: np.ndarray, panel: PanelInfo) -> None:
    h, w = out.shape[:2]
    band_h = min(h, max(18, round(h * 0.055)))
    band = out[h - band_h :]  # full rows: a contiguous view, blended in place
    cv2.convertScaleAbs(band, dst=band, alpha=BAND_SHADE)

    pad = max(4, band_h // 3)
    gap = "   "
    right = f"FPS {panel.fps:.1f}{gap}Detections {panel.detections}"
    font_scale = band_h * 0.42 / 22  # text ~22 px tall at scale 1 (cv2 4.x Hershey; 5.x a little taller)
    # Narrow frames: drop the date before shrinking the text.
    for stamp in (TIME_FORMAT, "%H:%M:%S"):
        left = f"{panel.camera_id}{gap}{panel.local_time.strftime(stamp)}"
        width = cv2.getTextSize(left + gap + right, FONT, font_scale, _thickness(font_scale))[0][0]
        if width <= w - 2 * pad:
            break
    else:
        font_scale = max(0.25, font_scale * (w - 2 * pad) / width)
    thick = _thickness(font_scale)
    (rw, th), _ = cv2.getTextSize(right, FONT, font_scale, thick)
    baseline_y = h - (band_h - th) // 2
    white = (255, 255, 255)
    cv2.putText(out, left, (pad, baseline_y), FONT, font_scale, white, thick, cv2.LINE_AA)
    cv2.putText(out, right, (max(pad, w - pad - rw), baseline_y), FONT, font_scale, white, thick, cv2.LINE_AA)


def placeholder_frame(
    width: int, height: int, camera_id: str, last_seen_local: datetime | None, *, message: str = "Reconnecting..."
) -> np.ndarray:
    """The frame a viewer gets while the camera is offline: the message, the camera id and when it was last seen."""
    out = np.full((height, width, 3), PLACEHOLDER_GREY, dtype=np.uint8)
    if width == 0 or height == 0:
        return out
    seen = f"last seen {last_seen_local.strftime(TIME_FORMAT)}" if last_seen_local else "never seen"
    short = min(width, height)
    lines = (
        (message, short / 720 * 2.0, (235, 235, 235)),
        (camera_id, short / 720 * 1.1, (200, 200, 200)),
        (seen, short / 720 * 0.9, (160, 160, 160)),
    )
    sizes = []
    for text, wanted, colour in lines:
        # Shrink a line that would not fit in 90% of the width (long ids, tiny frames).
        fit = wanted * min(1.0, 0.9 * width / max(1, cv2.getTextSize(text, FONT, wanted, 1)[0][0]))
        font_scale = max(0.3, fit)
        thick = max(1, round(font_scale * 1.6))
        (tw, th), base = cv2.getTextSize(text, FONT, font_scale, thick)
        sizes.append((text, font_scale, colour, thick, tw, th, base))
    spacing = [round(th * 0.9) for *_, th, _ in sizes]
    total = sum(th + base for *_, th, base in sizes) + sum(spacing[:-1])
    y = (height - total) // 2
    for (text, font_scale, colour, thick, tw, th, base), space in zip(sizes, spacing, strict=True):
        y += th
        cv2.putText(out, text, ((width - tw) // 2, y), FONT, font_scale, colour, thick, cv2.LINE_AA)
        y += base + space
    return out
