"""``synthetic://gate`` (also ``vehicles``): a factory's vehicle gate seen by a pole camera. Vehicles drive up the
lane, stop at the boom barrier with their front plate to the camera, wait while the arm lifts, and drive on; then the
next one comes. Every vehicle carries a rendered Indian number plate (one of them BLOCKED_DEMO_PLATE, for the demo's
block list), and the scene knows the truth: ``ground_truth(t)`` lists each pass (plate, arrive, leave) and
``vehicle_at(t)`` where the vehicle is drawn.

The world is in metres (scene_car.py's axes): the stopped vehicle's centre at the origin facing +x, the camera in
front and to its right. The ground, the wall and the factory behind it are ray-cast once per pixel into a background;
each vehicle is rendered once as a sprite and scaled along the lane, so a frame costs a copy and a few blends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from factoryai.video.scene_car import (
    HATCHBACK,
    PLATE_WHITE,
    PLATE_YELLOW,
    SEDAN,
    SUV,
    Body,
    Sprite,
    render_plate,
    render_vehicle,
)
from factoryai.video.scene_common import Camera, SensorNoise, caption, darken, paste, scaled

BLOCKED_DEMO_PLATE = "TN09BZ4321"
# plate, body, paint (BGR), plate colour: private cars carry white plates, taxis and goods vehicles yellow ones
FLEET: tuple[tuple[str, Body, tuple[int, int, int], tuple[int, int, int]], ...] = (
    ("KA01AB1234", SEDAN, (225, 225, 228), PLATE_WHITE),
    ("MH12DE5678", HATCHBACK, (40, 40, 170), PLATE_WHITE),
    ("DL3CAB1234", SUV, (185, 185, 190), PLATE_WHITE),
    (BLOCKED_DEMO_PLATE, SEDAN, (130, 70, 30), PLATE_WHITE),
    ("MH02CD5512", SUV, (235, 235, 235), PLATE_YELLOW),
    ("KL07BZ4125", HATCHBACK, (60, 60, 62), PLATE_WHITE),
)
APPROACH, DWELL, DEPART, GAP = 5.0, 5.0, 2.5, 1.0  # seconds: drive up, wait at the barrier, drive off, empty lane
APPROACH_FROM, DEPART_TO = 25.0, 7.6  # metres along the lane from the stop
LIFT_AT, LIFT_TIME = 3.2, 1.2  # the arm starts up this long after the vehicle stops, and takes this long
BARRIER_X, POLE_Y, ARM_Z, ARM_LENGTH = 4.2, 1.95, 0.9, 4.1
CAMERA_DISTANCE, CAMERA_YAW, CAMERA_HEIGHT, FOCAL = 8.0, math.radians(20), 3.0, 0.9  # focal: x frame width
PERIOD = APPROACH + DWELL + DEPART + GAP


@dataclass(frozen=True)
class VehiclePass:
    """One vehicle at the gate: it comes to a stop at the barrier at ``arrive`` and drives off at ``leave`` (seconds
    of scene time); its plate is in view, stationary, in between."""

    plate: str
    arrive: float
    leave: float


@dataclass(frozen=True)
class VehicleView:
    plate: str
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 of the drawn vehicle, clipped to the frame
    state: str  # "arriving", "stopped" or "leaving"


@dataclass
class GateScene:
    width: int
    height: int
    fps: float
    seed: int = 0
    label: str = "GATE"
    camera: Camera = field(init=False, repr=False)
    _background: np.ndarray = field(init=False, repr=False)
    _noise: SensorNoise = field(init=False, repr=False)
    _sprites: dict[int, Sprite] = field(init=False, repr=False, default_factory=dict)
    _round: tuple[int, list[int]] = field(init=False, repr=False, default=(-1, []))

    def __post_init__(self) -> None:
        yaw = CAMERA_YAW
        eye = (CAMERA_DISTANCE * math.cos(yaw), -CAMERA_DISTANCE * math.sin(yaw), CAMERA_HEIGHT)
        self.camera = Camera(eye, (0.6, 1.2, 0.7), FOCAL * self.width, (self.width * 0.5, self.height * 0.52))
        self._background = _background(self.camera, self.width, self.height, self.seed)
        self._noise = SensorNoise(self.width, self.height, self.seed)

    # --- schedule ---------------------------------------------------------------------------------------------

    def _vehicle(self, index: int) -> int:
        """Which FLEET entry the index-th vehicle is: each round of len(FLEET) vehicles is a seeded shuffle."""
        round_, place = divmod(index, len(FLEET))
        if self._round[0] != round_:
            self._round = (round_, [int(i) for i in np.random.default_rng([self.seed, round_]).permutation(len(FLEET))])
        return self._round[1][place]

    def ground_truth(self, until: float) -> list[VehiclePass]:
        """Every vehicle that has stopped at the barrier by ``until`` (seconds), in order."""
        passes = []
        index = 0
        while (arrive := index * PERIOD + APPROACH) <= until:
            passes.append(VehiclePass(FLEET[self._vehicle(index)][0], arrive, arrive + DWELL))
            index += 1
        return passes

    def _where(self, elapsed: float) -> tuple[int, float, str] | None:
        """(vehicle index, metres along the lane from the stop, state) at ``elapsed``; None while the lane is empty."""
        index, into = int(elapsed // PERIOD), elapsed % PERIOD
        if into < APPROACH:
            u = into / APPROACH
            return index, -APPROACH_FROM * (1 - u) ** 2, "arriving"
        if into < APPROACH + DWELL:
            return index, 0.0, "stopped"
        if into < APPROACH + DWELL + DEPART:
            u = (into - APPROACH - DWELL) / DEPART
            return index, DEPART_TO * u**2, "leaving"
        return None

    def _arm_angle(self, elapsed: float) -> float:
        """0 (down, across the lane) to 85° (up); down again once the vehicle has gone."""
        into = elapsed % PERIOD
        up = min(max((into - APPROACH - LIFT_AT) / LIFT_TIME, 0.0), 1.0)
        down = min(max((into - APPROACH - DWELL - DEPART + 0.3) / LIFT_TIME, 0.0), 1.0)
        return math.radians(85) * (up - down if up >= 1 else up)

    # --- drawing ----------------------------------------------------------------------------------------------

    def _sprite(self, which: int) -> Sprite:
        if which not in self._sprites:
            plate, body, paint, plate_colour = FLEET[which]
            self._sprites[which] = render_vehicle(body, paint, render_plate(plate, plate_colour), self.camera)
        return self._sprites[which]

    def _placed(self, sprite: Sprite, along: float) -> tuple[float, float, float]:
        """Scale and top-left corner of the sprite for a vehicle ``along`` metres from the stop."""
        stop, here = self.camera.project(np.array([[0.0, 0, 0.7], [along, 0, 0.7]]))
        scale = float(self.camera.depth(np.array([0.0, 0, 0.7]))[0] / self.camera.depth(np.array([along, 0, 0.7]))[0])
        return scale, here[0] + scale * (sprite.origin[0] - stop[0]), here[1] + scale * (sprite.origin[1] - stop[1])

    def vehicle_at(self, elapsed: float) -> VehicleView | None:
        where = self._where(elapsed)
        if where is None:
            return None
        index, along, state = where
        which = self._vehicle(index)
        sprite = self._sprite(which)
        scale, x, y = self._placed(sprite, along)
        x1, y1, x2, y2 = sprite.box
        box = (x + scale * x1, y + scale * y1, x + scale * x2, y + scale * y2)
        clipped = (max(0, round(box[0])), max(0, round(box[1])), min(self.width, round(box[2])),
                   min(self.height, round(box[3])))  # fmt: skip
        if clipped[0] >= clipped[2] or clipped[1] >= clipped[3]:
            return None
        return VehicleView(FLEET[which][0], clipped, state)

    def render(self, elapsed: float) -> np.ndarray:
        frame = self._background.copy()
        angle = self._arm_angle(elapsed)
        where = self._where(elapsed)
        if where is None:
            self._draw_barrier(frame, angle)
        else:
            index, along, _ = where
            body = FLEET[self._vehicle(index)][1]
            past = along + body.length / 2 > BARRIER_X - 0.3  # through the gate: the barrier is behind it now
            if past:
                self._draw_barrier(frame, angle)
            sprite = self._sprite(self._vehicle(index))
            scale, x, y = self._placed(sprite, along)
            (image, alpha, shadow), px, py = scaled((sprite.image, sprite.alpha, sprite.shadow), scale, x, y,
                                                    (self.width, self.height))  # fmt: skip
            darken(frame, shadow, px, py, 0.55)
            paste(frame, image, alpha, px, py)
            if not past:
                self._draw_barrier(frame, angle)
        self._noise.apply(frame, elapsed, self.fps)
        caption(frame, self.label, elapsed)
        return frame

    def _draw_barrier(self, frame: np.ndarray, angle: float) -> None:
        cam = self.camera
        housing = [(BARRIER_X + dx, POLE_Y + dy, z) for z in (0.0, ARM_Z + 0.1) for dx, dy in
                   ((-0.2, -0.2), (0.2, -0.2), (0.2, 0.2), (-0.2, 0.2))]  # fmt: skip
        pts = cam.project(np.array(housing))
        for face, shade in (((1, 2, 6, 5), 0.75), ((0, 1, 5, 4), 1.0), ((4, 5, 6, 7), 1.15)):  # +x, -y, top
            colour = tuple(int(min(255, c * shade)) for c in (30, 190, 230))
            cv2.fillConvexPoly(frame, np.round(pts[list(face)] * 16).astype(np.int32), colour, cv2.LINE_AA, 4)
        stripes = 10
        ends = [(BARRIER_X, POLE_Y - ARM_LENGTH * k / stripes * math.cos(angle),
                 ARM_Z + ARM_LENGTH * k / stripes * math.sin(angle)) for k in range(stripes + 1)]  # fmt: skip
        pts = cam.project(np.array(ends))
        depth = cam.depth(np.array(ends))
        for k in range(stripes):
            thick = max(2, round(cam.focal * 0.09 / depth[k]))
            colour = (40, 40, 210) if k % 2 == 0 else (240, 240, 240)
            cv2.line(frame, tuple(np.round(pts[k]).astype(int)), tuple(np.round(pts[k + 1]).astype(int)), colour, thick,
                     cv2.LINE_AA)  # fmt: skip


def _background(cam: Camera, width: int, height: int, seed: int) -> np.ndarray:
    """Sky, a factory behind a boundary wall, a two-lane road with markings, ray-cast per pixel (BGR uint8)."""
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.normal(0, 1, (256, 256)).astype(np.float32), (0, 0), 1.2)
    texture = texture / texture.std()
    v, u = np.mgrid[0:height, 0:width].astype(np.float32)
    rays = np.stack([(u - cam.centre[0]) / cam.focal, (v - cam.centre[1]) / cam.focal, np.ones_like(u)], -1)
    rays = rays @ cam.rotation.astype(np.float32)  # camera → world directions
    ex, ey, ez = cam.eye
    dx, dy, dz = rays[..., 0], rays[..., 1], rays[..., 2]
    sky_mix = np.clip(-dz * 3 + 0.4, 0, 1)[..., None]
    image = np.array([235, 215, 190], np.float32) * (1 - sky_mix) + np.array([215, 170, 120], np.float32) * sky_mix
    image = np.broadcast_to(image, (height, width, 3)).copy()
    far = np.full((height, width), 1e4, np.float32)

    def plane_hit(axis: np.ndarray, origin: float, value: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (value - origin) / axis
        return np.where((t > 0) & (t < 1e4), t, 1e4).astype(np.float32)

    # the factory: a long shed behind the wall, with a band of windows and roller doors
    t = plane_hit(dy, ey, 30.0)
    x, z = ex + t * dx, ez + t * dz
    hit = (z >= 0) & (z <= 11) & (x > -70) & (x < 25) & (t < far)
    shed = np.where(((z > 6.5) & (z < 8.5) & ((x % 4) < 3)), 0.55, 1.0) * np.where(z > 10.2, 0.8, 1.0)
    colour = np.array([170, 160, 150], np.float32) * shed[..., None]
    image[hit], far[hit] = colour[hit], t[hit]
    # the boundary wall, 2.4 m high, painted, with a dark coping
    t = plane_hit(dy, ey, 8.0)
    x, z = ex + t * dx, ez + t * dz
    hit = (z >= 0) & (z <= 2.4) & (x < 12) & (t < far)
    wall = np.where(z > 2.2, 0.6, 1.0) * (1 + 0.02 * _sample(texture, x * 20, z * 20))
    colour = np.array([170, 200, 215], np.float32) * wall[..., None]
    image[hit], far[hit] = colour[hit], t[hit]
    # the ground: road (y in -2..5.5), kerbs, pavement; markings; texture and haze by distance
    t = plane_hit(dz, ez, 0.0)
    x, y = ex + t * dx, ey + t * dy
    hit = t < far
    grain = _sample(texture, x * 40, y * 40)
    road = (y > -2.0) & (y < 5.5)
    kerb = ((y > -2.25) & (y <= -2.0)) | ((y >= 5.5) & (y < 5.75))
    base = np.where(road, 92.0, np.where(kerb, 175.0, 140.0)) + np.where(road, 7.0, 5.0) * grain
    colour = np.stack([base, base, base * np.where(road | kerb, 1.0, 1.05)], -1)
    line = (np.abs(y + 1.85) < 0.07) | (np.abs(y - 5.35) < 0.07)  # edge lines
    line |= (np.abs(y - 1.75) < 0.06) & ((x % 6) < 3)  # centre dashes
    line |= (x > 2.9) & (x < 3.3) & (y > -2) & (y < 1.75)  # stop line
    colour = np.where((line & road)[..., None], np.array([215, 220, 220], np.float32), colour)
    haze = np.clip(t / 120, 0, 0.6)[..., None]
    colour = colour * (1 - haze) + np.array([200, 195, 190], np.float32) * haze
    image[hit] = colour[hit]
    image = cv2.GaussianBlur(image, (0, 0), 0.6)
    frame = np.clip(image, 0, 255).astype(np.uint8)
    _booth(frame, cam)
    return frame


def _sample(texture: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The tiling texture at (u, v) texels, bilinear."""
    size = texture.shape[0]
    return cv2.remap(texture, np.mod(u, size).astype(np.float32), np.mod(v, size).astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)  # fmt: skip


def _booth(frame: np.ndarray, cam: Camera) -> None:
    """The guard's cabin beyond the exit lane: a box with a window and a flat roof."""
    x0, x1, y0, y1, top = 5.5, 8.0, 6.0, 7.6, 2.6
    corners = np.array([(x, y, z) for z in (0.0, top) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])
    pts = np.round(cam.project(corners) * 16).astype(np.int32)
    for face, colour in (
        ((0, 1, 5, 4), (200, 215, 225)),
        ((3, 0, 4, 7), (165, 180, 190)),
        ((4, 5, 6, 7), (90, 90, 95)),
    ):
        cv2.fillConvexPoly(frame, pts[list(face)], colour, cv2.LINE_AA, 4)
    window = np.array([(x0 + 0.4, y0, 1.1), (x1 - 0.4, y0, 1.1), (x1 - 0.4, y0, 2.1), (x0 + 0.4, y0, 2.1)])
    cv2.fillConvexPoly(frame, np.round(cam.project(window) * 16).astype(np.int32), (90, 70, 55), cv2.LINE_AA, 4)
