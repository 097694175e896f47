"""Walking people for the floor scene, seen from the side: every body part is a capsule (a tapered cylinder with
round ends) shaded per pixel as a 3-D surface with a depth test, so limbs in front hide those behind and the figure
reads as a solid body. The gait swings legs and arms in opposition, bends the knee of the leg in the air and bobs the
body. Sprites face right; the scene mirrors them for people walking left."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PHASES = 16  # poses per stride, rendered once each
STRIDE = 1.4  # metres walked per full gait cycle (two steps)
_LIGHT = np.array([-0.45, -0.65, 0.62]) / np.linalg.norm([-0.45, -0.65, 0.62])


@dataclass(frozen=True)
class Outfit:
    """BGR colours."""

    shirt: tuple[int, int, int]
    vest: tuple[int, int, int] | None  # hi-vis vest over the shirt
    trousers: tuple[int, int, int]
    skin: tuple[int, int, int]
    helmet: tuple[int, int, int] | None  # hard hat; None shows the hair
    height: float  # metres, heel to crown
    shoes: tuple[int, int, int] = (30, 30, 32)


OUTFITS = (  # shirt, hi-vis vest, trousers, skin, hard hat, height
    Outfit((150, 110, 60), (40, 220, 240), (60, 50, 40), (95, 125, 170), (30, 210, 240), 1.72),
    Outfit((40, 60, 160), None, (50, 45, 40), (80, 110, 150), None, 1.62),
    Outfit((200, 200, 205), (30, 130, 240), (110, 90, 60), (110, 140, 185), (235, 235, 235), 1.76),
    Outfit((60, 150, 230), None, (70, 70, 75), (70, 95, 130), (200, 120, 30), 1.68),
    Outfit((60, 60, 60), (40, 220, 240), (130, 110, 90), (100, 130, 175), None, 1.65),
    Outfit((170, 80, 40), None, (45, 40, 35), (85, 115, 160), (30, 210, 240), 1.74),
)
HAIR = (25, 25, 30)


class _Canvas:
    """Colour, depth and coverage buffers of one sprite."""

    def __init__(self, width: int, height: int) -> None:
        self.colour = np.zeros((height, width, 3), np.float32)
        self.depth = np.full((height, width), np.inf, np.float32)
        self.alpha = np.zeros((height, width), np.float32)

    def capsule(self, p0: tuple[float, float], p1: tuple[float, float], r0: float, r1: float,
                colour: tuple[float, ...], depth: float) -> None:  # fmt: skip
        (x0, y0), (x1, y1) = p0, p1
        reach = max(r0, r1) + 2
        h, w = self.alpha.shape
        xa, xb = max(int(min(x0, x1) - reach), 0), min(int(max(x0, x1) + reach) + 1, w)
        ya, yb = max(int(min(y0, y1) - reach), 0), min(int(max(y0, y1) + reach) + 1, h)
        if xa >= xb or ya >= yb:
            return
        yy, xx = np.mgrid[ya:yb, xa:xb].astype(np.float32)
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / length2, 0, 1) if length2 > 0 else np.zeros_like(xx)
        px, py = xx - (x0 + t * dx), yy - (y0 + t * dy)
        r = r0 + (r1 - r0) * t
        d = np.sqrt(px * px + py * py)
        n = d / r
        nz = np.sqrt(np.clip(1 - n * n, 0, 1))
        z = depth - nz * r
        win = (n < 1) & (z < self.depth[ya:yb, xa:xb])
        lambert = np.clip((px / r) * _LIGHT[0] + (py / r) * _LIGHT[1] + nz * _LIGHT[2], 0, 1)
        shade = 0.35 + 0.75 * lambert + lambert**12 * 0.15
        pixel = np.asarray(colour, np.float32) * shade[..., None]
        self.colour[ya:yb, xa:xb][win] = pixel[win]
        self.depth[ya:yb, xa:xb][win] = z[win]
        edge = np.clip(r - d + 0.5, 0, 1)
        cover = self.alpha[ya:yb, xa:xb]
        cover[win] = np.maximum(cover[win], edge[win])


def _pose(phase: float, h: float) -> dict:
    """Joint positions (x right, y down, feet near y = h) of a figure h pixels tall walking right."""
    bob = abs(math.sin(phase)) * h * 0.012
    hip = (0.0, h * 0.53 - bob)
    shoulder = (h * 0.02, h * 0.2 - bob)
    thigh, shin, upper, fore = h * 0.25, h * 0.25, h * 0.16, h * 0.15

    def leg(a: float) -> tuple[tuple[float, float], tuple[float, float]]:
        swing = 0.45 * math.sin(a)
        knee = (hip[0] + thigh * math.sin(swing), hip[1] + thigh * math.cos(swing))
        bend = swing - 0.55 * max(0.0, math.sin(a + 1.4))
        return knee, (knee[0] + shin * math.sin(bend), knee[1] + shin * math.cos(bend))

    def arm(a: float) -> tuple[tuple[float, float], tuple[float, float]]:
        swing = -0.4 * math.sin(a)
        elbow = (shoulder[0] + upper * math.sin(swing), shoulder[1] + upper * math.cos(swing))
        bend = swing + 0.25 + 0.2 * max(0.0, -math.sin(a))
        return elbow, (elbow[0] + fore * math.sin(bend), elbow[1] + fore * math.cos(bend))

    return {"hip": hip, "shoulder": shoulder, "neck": (h * 0.03, h * 0.16 - bob), "head": (h * 0.04, h * 0.08 - bob),
            "near_leg": leg(phase), "far_leg": leg(phase + math.pi), "near_arm": arm(phase),
            "far_arm": arm(phase + math.pi)}  # fmt: skip


def render_person(outfit: Outfit, height: float, phase: float) -> tuple[np.ndarray, np.ndarray]:
    """A figure ``height`` pixels tall from heel to crown, facing right: BGR and alpha (uint8), the feet at the
    bottom centre of the sprite."""
    h = height / 1.06  # the pose's unit: the crown is near y = 0, the soles at 1.06 h
    width, rows = int(height * 0.8) | 1, int(height * 1.04) + 4
    canvas = _Canvas(width, rows)
    ox, oy = width / 2, rows - 2 - 1.06 * h  # sprite position of the pose's origin
    p = _pose(phase, h)

    def at(q: tuple[float, float]) -> tuple[float, float]:
        return ox + q[0], oy + q[1]

    dim = 0.7  # the far side is in shade
    shirt, trousers, skin = (np.asarray(c, np.float32) for c in (outfit.shirt, outfit.trousers, outfit.skin))
    torso = np.asarray(outfit.vest or outfit.shirt, np.float32)
    for name, shade, depth in (("far", dim, 40.0), ("near", 1.0, -40.0)):
        if name == "near":  # the body between the far and the near limbs
            neck, head, hip, sh = p["neck"], p["head"], p["hip"], p["shoulder"]
            canvas.capsule(at((sh[0], sh[1] + h * 0.03)), at((hip[0], hip[1] - h * 0.02)), h * 0.085, h * 0.075,
                           torso, 0.0)  # fmt: skip
            canvas.capsule(at((hip[0], hip[1] - h * 0.01)), at(hip), h * 0.075, h * 0.07, trousers, 1.0)
            canvas.capsule(at(neck), at(neck), h * 0.035, h * 0.035, skin, 5.0)
            canvas.capsule(at(head), at((head[0], head[1] + h * 0.01)), h * 0.06, h * 0.058, skin, 0.0)
            hx, hy = head
            if outfit.helmet is None:
                canvas.capsule(at((hx - h * 0.012, hy - h * 0.02)), at((hx - h * 0.01, hy - h * 0.01)), h * 0.058,
                               h * 0.05, HAIR, -2.0)  # fmt: skip
            else:  # a dome and a brim that sticks out in front
                canvas.capsule(at((hx - h * 0.005, hy - h * 0.022)), at((hx, hy - h * 0.02)), h * 0.064, h * 0.062,
                               outfit.helmet, -3.0)  # fmt: skip
                canvas.capsule(at((hx - h * 0.07, hy - h * 0.012)), at((hx + h * 0.085, hy - h * 0.012)), h * 0.012,
                               h * 0.012, outfit.helmet, -4.0)  # fmt: skip
        knee, foot = p[f"{name}_leg"]
        canvas.capsule(at(p["hip"]), at(knee), h * 0.058, h * 0.046, trousers * shade, depth)
        canvas.capsule(at(knee), at(foot), h * 0.046, h * 0.036, trousers * shade, depth)
        canvas.capsule(at(foot), at((foot[0] + h * 0.06, foot[1])), h * 0.03, h * 0.026,
                       np.asarray(outfit.shoes, np.float32) * shade, depth)  # fmt: skip
        elbow, hand = p[f"{name}_arm"]
        arm_depth = depth * 1.1
        canvas.capsule(at(p["shoulder"]), at(elbow), h * 0.042, h * 0.035, shirt * shade, arm_depth)
        canvas.capsule(at(elbow), at(hand), h * 0.033, h * 0.029, skin * shade, arm_depth)
    alpha = np.clip(canvas.alpha * 255, 0, 255).astype(np.uint8)
    return np.clip(canvas.colour, 0, 255).astype(np.uint8), alpha
