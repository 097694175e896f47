"""Drawing helpers shared by the synthetic scenes: a pinhole camera, sprites pasted with their alpha (clipped at the
frame's edges) and scaled, soft shadows, a camera-style caption."""

from __future__ import annotations

import cv2
import numpy as np


class Camera:
    """A pinhole camera at ``eye`` looking at ``target`` (z up), ``focal`` in pixels, principal point ``centre``."""

    def __init__(self, eye: tuple[float, float, float], target: tuple[float, float, float], focal: float,
                 centre: tuple[float, float]) -> None:  # fmt: skip
        self.eye = np.asarray(eye, float)
        forward = np.asarray(target, float) - self.eye
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        self.rotation = np.stack([right, -np.cross(right, forward), forward])
        self.focal, self.centre = focal, np.asarray(centre, float)

    def depth(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, float).reshape(-1, 3) - self.eye) @ self.rotation[2]

    def project(self, points: np.ndarray) -> np.ndarray:
        local = (np.asarray(points, float).reshape(-1, 3) - self.eye) @ self.rotation.T
        return self.focal * local[:, :2] / local[:, 2:3] + self.centre


def _clip(frame: np.ndarray, shape: tuple[int, ...], x: int, y: int) -> tuple[slice, slice, slice, slice] | None:
    h, w = shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return None
    return slice(y0, y1), slice(x0, x1), slice(y0 - y, y1 - y), slice(x0 - x, x1 - x)


def paste(frame: np.ndarray, image: np.ndarray, alpha: np.ndarray, x: int, y: int) -> None:
    """Blend ``image`` (uint8 BGR) over ``frame`` at (x, y) through ``alpha`` (uint8, 255 = opaque), in place."""
    cut = _clip(frame, alpha.shape, x, y)
    if cut is None:
        return
    fy, fx, sy, sx = cut
    a = alpha[sy, sx, None].astype(np.uint16)
    roi = frame[fy, fx]
    roi[:] = ((roi * (255 - a) + image[sy, sx] * a + 127) // 255).astype(np.uint8)


def darken(frame: np.ndarray, mask: np.ndarray, x: int, y: int, strength: float) -> None:
    """Darken ``frame`` under ``mask`` (uint8) by up to ``strength`` (0..1), in place: a soft shadow."""
    cut = _clip(frame, mask.shape, x, y)
    if cut is None:
        return
    fy, fx, sy, sx = cut
    keep = 255 - (mask[sy, sx, None].astype(np.uint16) * int(strength * 256) >> 8)
    roi = frame[fy, fx]
    roi[:] = (roi * keep // 255).astype(np.uint8)


def caption(frame: np.ndarray, label: str, elapsed: float) -> None:
    """A CCTV-style caption at the top left: the camera's label and the scene's own clock (deterministic)."""
    scale = frame.shape[0] / 720
    seconds = int(elapsed)
    text = f"{label}  {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    size = 0.6 * scale
    thickness = max(1, round(1.5 * scale))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, size, thickness)
    x, y = round(12 * scale), round(12 * scale)
    pad = round(6 * scale)
    roi = frame[y : y + th + base + 2 * pad, x : x + tw + 2 * pad]
    roi[:] = roi // 3
    cv2.putText(frame, text, (x + pad, y + pad + th), cv2.FONT_HERSHEY_SIMPLEX, size, (235, 235, 235), thickness,
                cv2.LINE_AA)  # fmt: skip


def scaled(layers: tuple[np.ndarray, ...], scale: float, x: float, y: float,
           frame_size: tuple[int, int]) -> tuple[tuple[np.ndarray, ...], int, int]:  # fmt: skip
    """Sprite layers scaled by ``scale`` with their top-left corner at (x, y), cut to what lands in a frame of
    ``frame_size`` (width, height): the layers and where their corner goes. Enlarging warps only the visible part."""
    h, w = layers[0].shape[:2]
    if abs(scale - 1) < 1e-3:
        return layers, round(x), round(y)
    if scale < 1:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        return tuple(cv2.resize(a, size, interpolation=cv2.INTER_AREA) for a in layers), round(x), round(y)
    x0, y0 = max(0, int(np.floor(x))), max(0, int(np.floor(y)))
    x1, y1 = min(frame_size[0], int(np.ceil(x + w * scale))), min(frame_size[1], int(np.ceil(y + h * scale)))
    if x0 >= x1 or y0 >= y1:
        return tuple(a[:0, :0] for a in layers), 0, 0
    warp = np.float32([[scale, 0, x - x0], [0, scale, y - y0]])
    return tuple(cv2.warpAffine(a, warp, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR) for a in layers), x0, y0


class SensorNoise:
    """A camera sensor's faint grain (sigma ~2.5 levels): every frame differs, even of a still scene, the same way
    for the same frame number. One noise field is drawn per scene and each frame takes a window of it."""

    SLACK = 64

    def __init__(self, width: int, height: int, seed: int, sigma: float = 2.5) -> None:
        rng = np.random.default_rng([seed, 7])
        noise = rng.normal(0, sigma, (height + self.SLACK, width + self.SLACK, 1)).round()
        noise = np.repeat(noise, 3, axis=2)  # grey grain: the same offset on the three channels
        self._up = np.clip(noise, 0, 255).astype(np.uint8)
        self._down = np.clip(-noise, 0, 255).astype(np.uint8)
        self.width, self.height = width, height

    def apply(self, frame: np.ndarray, elapsed: float, fps: float) -> None:
        """Add this frame's grain to ``frame`` in place."""
        index = round(elapsed * fps)
        dx, dy = (index * 37) % self.SLACK, (index * 23 + index // self.SLACK) % self.SLACK
        window = (slice(dy, dy + self.height), slice(dx, dx + self.width))
        cv2.add(frame, self._up[window], dst=frame)
        cv2.subtract(frame, self._down[window], dst=frame)
