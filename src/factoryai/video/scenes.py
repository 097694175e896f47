"""Scenes drawn in code for ``synthetic://`` cameras. Options come from the URL's query, e.g.
``synthetic://floor?width=1280&height=720&fps=15&seed=3``:

- ``floor`` (also ``people``): workers walking across a factory aisle through the counting line at x = 0.5, with
  the crossings as ground truth (scene_floor.py);
- ``entrance`` (also ``faces``): the demo's enrolled people walking up to an entrance camera, with the visits as
  ground truth (scene_entrance.py);
- ``gate`` (also ``vehicles``): vehicles stopping at a boom barrier with readable Indian number plates, with the
  passes as ground truth (scene_gate.py; one plate is ``BLOCKED_DEMO_PLATE``);
- ``pattern``, and any other name: a moving test pattern labelled with the name, which proves the whole video path
  works (capture → overlay → JPEG → browser) with no camera at all.

Every scene has ``width``, ``height``, ``fps`` and ``render(elapsed_seconds)`` → a BGR uint8 frame; the same seed
and time always give the same frame (the pattern shows the wall clock and is the exception)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import cv2
import numpy as np

from factoryai.video.scene_entrance import EntranceScene
from factoryai.video.scene_floor import FloorScene
from factoryai.video.scene_gate import BLOCKED_DEMO_PLATE, GateScene

__all__ = ["BLOCKED_DEMO_PLATE", "EntranceScene", "FloorScene", "GateScene", "Scene", "TestPattern", "make_scene"]

DEFAULT_SIZE = (1280, 720)
DEFAULT_FPS = 15.0
_BARS = ((192, 192, 192), (0, 192, 192), (192, 192, 0), (0, 192, 0), (192, 0, 192), (0, 0, 192), (192, 0, 0))
FLOOR_NAMES = frozenset({"floor", "people"})
GATE_NAMES = frozenset({"gate", "vehicles"})
ENTRANCE_NAMES = frozenset({"entrance", "faces"})


class Scene(Protocol):
    width: int
    height: int
    fps: float

    def render(self, elapsed: float) -> np.ndarray: ...


def _number(options: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"synthetic source: {name}={raw!r} is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"synthetic source: {name} must lie between {low:g} and {high:g}")
    return value


@dataclass
class TestPattern:
    """Colour bars, a ball that bounces across them and the wall-clock time: every frame differs, and a frozen
    stream is obvious to a person looking at it."""

    name: str
    width: int
    height: int
    fps: float
    _background: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._background = np.zeros((self.height, self.width, 3), np.uint8)
        bar = max(self.width // len(_BARS), 1)
        for i, colour in enumerate(_BARS):
            self._background[: self.height * 2 // 3, i * bar : (i + 1) * bar] = colour
        self._background[self.height * 2 // 3 :] = (40, 40, 40)
        scale = self.height / 720
        label = f"synthetic://{self.name}"
        cv2.putText(self._background, label, (int(24 * scale), int(self.height * 0.88)), 0, 1.0 * scale,
                    (220, 220, 220), max(1, int(2 * scale)), cv2.LINE_AA)  # fmt: skip

    def render(self, elapsed: float) -> np.ndarray:
        frame = self._background.copy()
        scale = self.height / 720
        radius = max(int(40 * scale), 4)
        span = max(self.width - 2 * radius, 1)
        x = radius + int(abs((elapsed * 0.25 * span) % (2 * span) - span))
        cv2.circle(frame, (x, self.height // 3), radius, (255, 255, 255), -1, cv2.LINE_AA)
        now = datetime.now(UTC)
        clock = f"{now:%H:%M:%S}.{now.microsecond // 1000:03d} UTC"  # the source's own clock, before any delay
        cv2.putText(frame, clock, (int(24 * scale), int(self.height * 0.78)), 0, 1.6 * scale, (255, 255, 255),
                    max(1, int(3 * scale)), cv2.LINE_AA)  # fmt: skip
        return frame


def make_scene(name: str, options: dict[str, str]) -> Scene:
    """The scene called ``name`` (see the module's docstring), sized and seeded from the options; unknown options
    are ignored."""
    width = int(_number(options, "width", DEFAULT_SIZE[0], 64, 3840))
    height = int(_number(options, "height", DEFAULT_SIZE[1], 64, 2160))
    fps = _number(options, "fps", DEFAULT_FPS, 0.1, 60)
    seed = _number(options, "seed", 0.0, 0, 2**31 - 1)
    if not seed.is_integer():
        raise ValueError(f"synthetic source: seed must be a whole number, not {options['seed']!r}")
    if name in FLOOR_NAMES:
        return FloorScene(width=width, height=height, fps=fps, seed=int(seed), label=name.upper())
    if name in ENTRANCE_NAMES:
        return EntranceScene(width=width, height=height, fps=fps, seed=int(seed), label=name.upper())
    if name in GATE_NAMES:
        return GateScene(width=width, height=height, fps=fps, seed=int(seed), label=name.upper())
    return TestPattern(name=name, width=width, height=height, fps=fps)
