"""``synthetic://floor`` (also ``people``): a factory floor under an elevated camera, with workers walking across an
aisle left to right and right to left, through the demo's counting line (x = 0.5 of the frame, in_side "left": left
to right is an entry, "in"). The scene knows the truth: ``ground_truth(t)`` lists every crossing and ``people_at(t)``
where each person is drawn.

People are shaded 3-D figures (capsules lit per pixel, a walking gait whose legs and arms alternate, hard hats and
hi-vis vests, a soft shadow): flat stick figures are not detected by YOLOX-nano, these are (scores in
tests/video/test_scenes.py). The aisle has two walking lanes whose image bands do not overlap; a lane carries people
walking one way at a time, at least FOLLOW_GAP metres apart at the same pace, and no two cross the line within
CROSSING_GAP seconds: no two people ever overlap in the picture, so tracking is unambiguous. A crossing is the moment
a person's foot point (on the floor under the hips, ``PersonView.foot``) is on the centre column. The schedule is
seeded and repeats every CYCLE seconds with new person ids. World in metres: x to the right, y away from the camera,
z up; x = 0 projects onto the frame's centre column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from factoryai.video.scene_common import Camera, SensorNoise, caption, darken, paste
from factoryai.video.scene_person import OUTFITS, PHASES, STRIDE, render_person

CAMERA_HEIGHT, CAMERA_LOOKS_AT, FOCAL = 4.5, 10.0, 0.63  # metres; metres ahead on the floor; x frame width
LANES = (5.0, 9.0)  # y of the two walking lines: near (people ~196 px tall at 720p) and far (~137 px)
AISLE = (4.3, 10.1)  # y of the aisle's yellow borders
MIN_GAP = 2.5  # seconds between two people setting off
LANE_GAP = 1.0  # seconds a lane stays empty between two people walking opposite ways
FOLLOW_GAP = 3.0  # metres between two people walking the same way in a lane
CROSSING_GAP = 1.5  # seconds between any two crossings of the line
CYCLE = 600.0  # seconds: the schedule repeats (bounded memory on a camera that runs for weeks)
FLOOR_COLOUR, AISLE_COLOUR = (150, 156, 150), (175, 180, 180)  # BGR; a light aisle: measured best for detection


@dataclass(frozen=True)
class Walker:
    """One scheduled person: walks lane ``lane`` from off-screen to off-screen at constant speed (times are seconds
    into the schedule's cycle)."""

    id: int
    lane: int
    direction: int  # +1 left to right ("in"), -1 right to left ("out")
    outfit: int
    height: float  # metres
    speed: float  # metres per second
    start: float  # seconds: the moment they are at x = start_x
    start_x: float
    end: float  # seconds: the moment they are off-screen again

    def x(self, elapsed: float) -> float:
        return self.start_x + self.direction * self.speed * (elapsed - self.start)

    @property
    def crossing(self) -> float:
        """When the foot point (under the hips) is at x = 0: the frame's centre column."""
        return self.start + abs(self.start_x) / self.speed


@dataclass(frozen=True)
class Crossing:
    time: float  # seconds of scene time
    direction: str  # "in" (left to right) or "out" (right to left)
    person: int


@dataclass(frozen=True)
class PersonView:
    person: int
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 of the drawn figure (no shadow), clipped to the frame
    direction: str
    foot: tuple[float, float]  # frame position of the point on the floor under the hips (may lie off-frame)


@dataclass
class FloorScene:
    width: int
    height: int
    fps: float
    seed: int = 0
    label: str = "FLOOR"
    camera: Camera = field(init=False, repr=False)
    _background: np.ndarray = field(init=False, repr=False)
    _noise: SensorNoise = field(init=False, repr=False)
    _walkers: list[Walker] = field(init=False, repr=False, default_factory=list)
    _sprites: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]] = field(
        init=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.camera = Camera((0.0, 0.0, CAMERA_HEIGHT), (0.0, CAMERA_LOOKS_AT, 0.0), FOCAL * self.width,
                             (self.width / 2, self.height / 2))  # fmt: skip
        self._background = _background(self.camera, self.width, self.height, self.seed)
        self._noise = SensorNoise(self.width, self.height, self.seed)
        self._walkers = self._plan()

    # --- schedule ---------------------------------------------------------------------------------------------

    def _half_width(self, lane: int) -> float:
        """Metres from the centre column to the frame's edge along a lane, plus room for a whole person."""
        edge = self._metres_per_pixel(lane) * self.width / 2
        return edge + 0.6

    def _metres_per_pixel(self, lane: int) -> float:
        a, b = self.camera.project(np.array([[0.0, LANES[lane], 0.0], [1.0, LANES[lane], 0.0]]))
        return 1.0 / float(b[0] - a[0])

    def _plan(self) -> list[Walker]:
        """One CYCLE of walkers, seeded: each sets off 2.5-4.5 s after the one before, in the lane where it can start
        soonest (behind someone walking the same way, at their pace, or once the lane is empty), later still if its
        crossing would come within CROSSING_GAP of another's; the last is off-screen before the cycle ends."""
        rng = np.random.default_rng(self.seed)
        walkers: list[Walker] = []
        last_in_lane: list[Walker | None] = [None] * len(LANES)
        while True:
            direction = 1 if rng.random() < 0.5 else -1
            outfit = int(rng.integers(len(OUTFITS)))
            speed = float(rng.uniform(1.2, 1.6))
            earliest = (walkers[-1].start if walkers else -MIN_GAP) + float(rng.uniform(MIN_GAP, MIN_GAP + 2.0))
            options = []
            for lane, last in enumerate(last_in_lane):
                if last is None:
                    options.append((earliest, lane, speed))
                elif last.direction == direction:
                    options.append((max(earliest, last.start + FOLLOW_GAP / last.speed), lane, last.speed))
                else:
                    options.append((max(earliest, last.end + LANE_GAP), lane, speed))
            start, lane, speed = min(options)
            half = self._half_width(lane)
            crossing = start + half / speed
            for other in sorted(w.crossing for w in walkers[-8:]):
                if abs(crossing - other) < CROSSING_GAP:
                    crossing = other + CROSSING_GAP
            start = crossing - half / speed
            if start + 2 * half / speed > CYCLE:
                return walkers
            walker = Walker(len(walkers), lane, direction, outfit, OUTFITS[outfit].height, speed, start,
                            -direction * half, start + 2 * half / speed)  # fmt: skip
            last_in_lane[lane] = walker
            walkers.append(walker)

    def ground_truth(self, until: float) -> list[Crossing]:
        """Every crossing of the counting line up to ``until`` (seconds), in time order."""
        crossings = []
        by_time = sorted(self._walkers, key=lambda w: w.crossing)
        for cycle in range(int(until // CYCLE) + 1):
            for w in by_time:
                at = cycle * CYCLE + w.crossing
                if at > until:
                    break
                crossings.append(Crossing(at, "in" if w.direction > 0 else "out", cycle * len(self._walkers) + w.id))
        return crossings

    # --- drawing ----------------------------------------------------------------------------------------------

    def _sprite(self, walker: Walker, phase: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
        key = (walker.outfit, walker.lane, phase)  # bounded: each outfit has its own height
        if key not in self._sprites:
            foot, head = self.camera.project(np.array([[0.0, LANES[walker.lane], 0.0],
                                                       [0.0, LANES[walker.lane], walker.height]]))  # fmt: skip
            pixels = float(foot[1] - head[1])
            image, alpha = render_person(OUTFITS[walker.outfit], pixels, 2 * math.pi * phase / PHASES)
            ys, xs = np.nonzero(alpha > 96)
            self._sprites[key] = (image, alpha, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
        return self._sprites[key]

    def _placed(self, walker: Walker, elapsed: float) -> tuple[np.ndarray, np.ndarray, int, int, tuple]:
        x = walker.x(elapsed)
        distance = walker.speed * (elapsed - walker.start)
        phase = round(distance / STRIDE * PHASES) % PHASES
        image, alpha, box = self._sprite(walker, phase)
        if walker.direction < 0:
            image, alpha = image[:, ::-1], alpha[:, ::-1]
            box = (alpha.shape[1] - box[2], box[1], alpha.shape[1] - box[0], box[3])
        foot = self.camera.project(np.array([[x, LANES[walker.lane], 0.0]]))[0]
        left, top = round(foot[0] - alpha.shape[1] / 2), round(foot[1] - alpha.shape[0])
        return image, alpha, left, top, box

    def _visible(self, elapsed: float) -> list[tuple[Walker, float, int]]:
        """(walker, time into its cycle, person id) of everyone on screen."""
        cycle, into = divmod(elapsed, CYCLE)
        return [(w, into, int(cycle) * len(self._walkers) + w.id) for w in self._walkers if w.start <= into < w.end]

    def people_at(self, elapsed: float) -> list[PersonView]:
        """Where each person on screen is drawn at ``elapsed``."""
        views = []
        for walker, into, person in self._visible(elapsed):
            _, _, left, top, (x1, y1, x2, y2) = self._placed(walker, into)
            box = (max(0, left + x1), max(0, top + y1), min(self.width, left + x2), min(self.height, top + y2))
            if box[0] < box[2] and box[1] < box[3]:
                foot = self.camera.project(np.array([[walker.x(into), LANES[walker.lane], 0.0]]))[0]
                direction = "in" if walker.direction > 0 else "out"
                views.append(PersonView(person, box, direction, (float(foot[0]), float(foot[1]))))
        return views

    def render(self, elapsed: float) -> np.ndarray:
        frame = self._background.copy()
        for walker, into, _ in sorted(self._visible(elapsed), key=lambda v: -LANES[v[0].lane]):  # far lane first
            image, alpha, left, top, _ = self._placed(walker, into)
            shadow = _shadow(alpha.shape[1], alpha.shape[0])
            darken(frame, shadow, left + round(alpha.shape[1] * 0.08), top + alpha.shape[0] - shadow.shape[0] // 2 - 1,
                   0.45)  # fmt: skip
            paste(frame, image, alpha, left, top)
        self._noise.apply(frame, elapsed, self.fps)
        caption(frame, self.label, elapsed)
        return frame


_SHADOWS: dict[tuple[int, int], np.ndarray] = {}


def _shadow(width: int, height: int) -> np.ndarray:
    """A soft elliptical shadow for a figure of this sprite size, falling a little to the right."""
    if (width, height) not in _SHADOWS:
        h = max(4, height // 8)
        shadow = np.zeros((h, width), np.uint8)
        cv2.ellipse(shadow, (width // 2, h // 2), (int(width * 0.32), h // 3), 0, 0, 360, 255, -1, cv2.LINE_AA)
        _SHADOWS[(width, height)] = cv2.GaussianBlur(shadow, (0, 0), max(1.0, h / 6))
    return _SHADOWS[(width, height)]


def _background(cam: Camera, width: int, height: int, seed: int) -> np.ndarray:
    """Epoxy floor with slab joints, a marked aisle and the counting line, racks and a back wall (BGR uint8)."""
    rng = np.random.default_rng(seed + 1)
    texture = cv2.GaussianBlur(rng.normal(0, 1, (256, 256)).astype(np.float32), (0, 0), 1.5)
    texture /= texture.std()
    v, u = np.mgrid[0:height, 0:width].astype(np.float32)
    rays = np.stack([(u - cam.centre[0]) / cam.focal, (v - cam.centre[1]) / cam.focal, np.ones_like(u)], -1)
    rays = rays @ cam.rotation.astype(np.float32)
    ex, ey, ez = (float(c) for c in cam.eye)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(rays[..., 2] < -1e-6, -ez / rays[..., 2], 1e4)
        t_wall = np.where(rays[..., 1] > 1e-6, (26.0 - ey) / rays[..., 1], 1e4)
    floor = t_floor < t_wall
    t = np.minimum(t_floor, t_wall).astype(np.float32)
    x, y, z = ex + t * rays[..., 0], ey + t * rays[..., 1], ez + t * rays[..., 2]
    grain = cv2.remap(texture, np.mod(x * 30, 256).astype(np.float32), np.mod(y * 30, 256).astype(np.float32),
                      cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)  # fmt: skip
    base = np.array(FLOOR_COLOUR, np.float32) + 5 * grain[..., None]
    aisle = (y > AISLE[0]) & (y < AISLE[1])
    base = np.where(aisle[..., None], np.array(AISLE_COLOUR, np.float32) + 4 * grain[..., None], base)
    joint = (np.abs(x % 6 - 3) < 0.015) | (np.abs(y % 6 - 3) < 0.015)  # slab joints, none on the centre column
    base = np.where((joint & ~aisle)[..., None], base * 0.8, base)
    border = (np.abs(y - AISLE[0]) < 0.07) | (np.abs(y - AISLE[1]) < 0.07)
    base = np.where(border[..., None], np.array([30, 200, 230], np.float32), base)
    wall = np.where((z > 3.2)[..., None], np.array([200, 196, 190], np.float32), np.array([150, 120, 80], np.float32))
    wall = np.where(((z > 4.2) & (z < 5.6) & ((x % 5) < 3.6))[..., None], np.array([120, 110, 100], np.float32), wall)
    image = np.where(floor[..., None], base, wall + 3 * grain[..., None])
    shade = np.clip(1.0 - t / 90, 0.7, 1.0)[..., None]
    frame = np.clip(cv2.GaussianBlur(image * shade, (0, 0), 0.6), 0, 255).astype(np.uint8)
    for x0 in (-10.5, 6.0):
        _rack(frame, cam, x0, 18.0)
    _machine(frame, cam, -3.0, 17.0)
    return frame


def _box(frame: np.ndarray, cam: Camera, lo: tuple[float, float, float], hi: tuple[float, float, float],
         colour: tuple[int, int, int]) -> None:  # fmt: skip
    """An axis-aligned box: the faces the camera sees, shaded (front, side, top)."""
    (x0, y0, z0), (x1, y1, z1) = lo, hi
    faces = [([(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1)], 1.0),
             ([(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)], 1.15)]  # fmt: skip
    if x0 > cam.eye[0]:
        faces.append(([(x0, y0, z0), (x0, y1, z0), (x0, y1, z1), (x0, y0, z1)], 0.75))
    elif x1 < cam.eye[0]:
        faces.append(([(x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1)], 0.75))
    for face, light in faces:
        pts = np.round(cam.project(np.array(face)) * 16).astype(np.int32)
        cv2.fillConvexPoly(frame, pts, tuple(min(255, int(c * light)) for c in colour), cv2.LINE_AA, 4)


def _rack(frame: np.ndarray, cam: Camera, x0: float, y0: float) -> None:
    """A pallet rack, 4.5 m long and 4 m high: orange uprights, blue beams, cartons on three levels."""
    for level, z in enumerate((0.15, 1.45, 2.75)):
        for k in range(3):
            tone = (60 + 10 * ((k + level) % 2), 110 + 15 * ((k + level) % 3), 160)
            _box(frame, cam, (x0 + 0.15 + 1.45 * k, y0 + 0.1, z), (x0 + 1.45 * (k + 1) - 0.1, y0 + 1.0, z + 1.0), tone)
        _box(frame, cam, (x0, y0, z - 0.12), (x0 + 4.5, y0 + 0.08, z), (150, 80, 20))
    for xu in (x0 - 0.08, x0 + 4.5):
        _box(frame, cam, (xu, y0, 0.0), (xu + 0.08, y0 + 0.08, 4.0), (20, 110, 230))


def _machine(frame: np.ndarray, cam: Camera, x0: float, y0: float) -> None:
    """A machining centre: a grey cabinet with a dark window, a control panel and a hazard-striped plinth."""
    _box(frame, cam, (x0, y0, 0.0), (x0 + 5.0, y0 + 2.0, 0.25), (20, 170, 210))
    _box(frame, cam, (x0, y0, 0.25), (x0 + 5.0, y0 + 2.0, 2.3), (170, 165, 160))
    _box(frame, cam, (x0 + 0.6, y0 - 0.01, 0.9), (x0 + 3.2, y0, 2.0), (70, 60, 55))
    _box(frame, cam, (x0 + 3.6, y0 - 0.15, 1.0), (x0 + 4.5, y0, 1.9), (80, 80, 85))
