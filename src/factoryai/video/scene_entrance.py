"""``synthetic://entrance`` (also ``faces``): the demo's entrance camera. The demo's enrolled people (public-domain
portraits, see demo_faces/README.md) take turns walking in through a doorway towards the camera, pausing in front
of it and stepping out to the side, so the entrance pipeline sees a person grow from far away to a face it can
match. The scene knows the truth: ``visits`` lists who comes in when, ``visit_at(t)`` who is in view.

Each person is cut out of their photo (head ellipse + shoulder polygon, feathered) once, then scaled per frame. A
visit is APPROACH seconds of walking in (the figure grows from 25 % to 95 % of the frame's height), PAUSE seconds
standing, LEAVE seconds stepping out to the left; GAP seconds of empty doorway follow, so two visits never overlap.
Every other round shows the people mirrored and in warmer light, so the frames the camera sees are never the
enrolment photo itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import cv2
import numpy as np

from factoryai.video.scene_common import SensorNoise, caption, paste

APPROACH, PAUSE, LEAVE, GAP = 5.0, 1.5, 1.5, 2.5  # seconds
NEAR, FAR = 0.95, 0.25  # figure height / frame height, close to the camera and at the doorway
DOOR_FLOOR = 0.62  # frame height fraction where the doorway meets the floor


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    photo: str  # file in demo_faces/
    head: tuple[tuple[int, int], tuple[int, int]]  # ellipse centre and half-axes, photo pixels
    body: tuple[tuple[int, int], ...]  # shoulders and chest polygon, photo pixels

    def photo_bytes(self) -> bytes:
        return resources.files("factoryai.video").joinpath("demo_faces", self.photo).read_bytes()

    def enrolment_photo(self) -> bytes:
        """A passport-style JPEG: the head with a margin of half its size (the whole photo holds a second
        face-like pattern for dlib: the mission patch on Collins's suit)."""
        image = cv2.imdecode(np.frombuffer(self.photo_bytes(), np.uint8), cv2.IMREAD_COLOR)
        (cx, cy), (ax, ay) = self.head
        x0, y0 = max(0, cx - 2 * ax), max(0, cy - 2 * ay)
        crop = image[y0 : cy + 2 * ay, x0 : cx + 2 * ax]
        return cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


HOPPER_BODY = ((195, 320), (330, 320), (380, 330), (470, 380), (505, 450), (511, 599), (15, 599), (20, 440),
               (60, 380), (150, 335))  # fmt: skip
COLLINS_BODY = ((185, 180), (270, 180), (300, 165), (340, 220), (355, 300), (370, 511), (20, 511), (35, 330),
                (70, 250), (110, 175), (150, 170))  # fmt: skip
DEMO_PEOPLE = (
    DemoPerson(
        "Grace Hopper",
        "grace.hopper@demo.factory",
        "grace_hopper.jpg",
        ((262, 182), (110, 158)),
        HOPPER_BODY,
    ),
    DemoPerson(
        "Eileen Collins",
        "eileen.collins@demo.factory",
        "eileen_collins.jpg",
        ((226, 98), (74, 90)),
        COLLINS_BODY,
    ),
)


@dataclass(frozen=True)
class Visit:
    person: DemoPerson
    start: float  # seconds of scene time: appears in the doorway
    mirrored: bool

    @property
    def end(self) -> float:
        return self.start + APPROACH + PAUSE + LEAVE


@cache
def _cutout(person: DemoPerson) -> tuple[np.ndarray, np.ndarray]:
    """The person's BGR pixels and feathered alpha, cropped to the figure."""
    image = cv2.imdecode(np.frombuffer(person.photo_bytes(), np.uint8), cv2.IMREAD_COLOR)
    mask = np.zeros(image.shape[:2], np.uint8)
    (cx, cy), (ax, ay) = person.head
    cv2.ellipse(mask, (cx, cy), (ax, ay), 0, 0, 360, 255, -1, cv2.LINE_AA)
    cv2.fillPoly(mask, [np.array(person.body, np.int32)], 255, cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (7, 7), 0)
    x, y, w, h = cv2.boundingRect((mask > 0).astype(np.uint8))
    return image[y : y + h, x : x + w].copy(), mask[y : y + h, x : x + w].copy()


def _ease(t: float) -> float:
    return 1 - (1 - t) ** 2  # slowing down as they reach the camera


@dataclass
class EntranceScene:
    width: int
    height: int
    fps: float
    seed: int = 0
    label: str = "ENTRANCE"
    _background: np.ndarray = field(init=False, repr=False)
    _noise: SensorNoise = field(init=False, repr=False)
    _sprites: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._background = _background(self.width, self.height)
        self._noise = SensorNoise(self.width, self.height, self.seed)
        self._sprites = {}
        for index, person in enumerate(DEMO_PEOPLE):  # at the size they have close to the camera
            image, alpha = _cutout(person)
            scale = NEAR * self.height / image.shape[0]
            size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
            self._sprites[(index, False)] = (image, alpha)
            warm = np.clip(image.astype(np.float32) * (0.95, 1.0, 1.06), 0, 255).astype(np.uint8)  # BGR
            self._sprites[(index, True)] = (warm[:, ::-1].copy(), alpha[:, ::-1].copy())

    @property
    def cycle(self) -> float:
        return len(DEMO_PEOPLE) * 2 * (APPROACH + PAUSE + LEAVE + GAP)

    @property
    def visits(self) -> list[Visit]:
        """One cycle of visits (it repeats): each person twice, plain then mirrored; the first starts after GAP."""
        step = APPROACH + PAUSE + LEAVE + GAP
        order = [(p, m) for m in (False, True) for p in range(len(DEMO_PEOPLE))]
        return [Visit(DEMO_PEOPLE[p], GAP + i * step, m) for i, (p, m) in enumerate(order)]

    def visit_at(self, elapsed: float) -> Visit | None:
        t = elapsed % self.cycle
        return next((v for v in self.visits if v.start <= t < v.end), None)

    def box_at(self, elapsed: float) -> tuple[int, int, int, int] | None:
        """Where the figure is drawn (x1, y1, x2, y2, not clipped to the frame), or None when the doorway is empty."""
        placed = self._place(elapsed)
        if placed is None:
            return None
        index, mirrored, scale, x, y = placed
        h, w = self._sprites[(index, mirrored)][1].shape
        return x, y, x + round(w * scale), y + round(h * scale)

    def _place(self, elapsed: float) -> tuple[int, bool, float, int, int] | None:
        visit = self.visit_at(elapsed)
        if visit is None:
            return None
        t = elapsed % self.cycle - visit.start
        index = DEMO_PEOPLE.index(visit.person)
        alpha = self._sprites[(index, visit.mirrored)][1]
        sprite_h, sprite_w = alpha.shape
        grow = _ease(min(t / APPROACH, 1.0))
        scale = (FAR + (NEAR - FAR) * grow) / NEAR
        bottom = DOOR_FLOOR * self.height + (1.05 * self.height - DOOR_FLOOR * self.height) * grow
        centre = self.width * (0.5 + 0.04 * np.sin(t * 2.2) * (1 - grow))  # a little sway while walking
        if t > APPROACH + PAUSE:  # stepping out to the left
            out = (t - APPROACH - PAUSE) / LEAVE
            centre -= out * (0.5 * self.width + sprite_w * scale)
        x = round(centre - sprite_w * scale / 2)
        y = round(bottom - sprite_h * scale)
        return index, visit.mirrored, scale, x, y

    def render(self, elapsed: float) -> np.ndarray:
        frame = self._background.copy()
        placed = self._place(elapsed)
        if placed is not None:
            index, mirrored, scale, x, y = placed
            image, alpha = self._sprites[(index, mirrored)]
            if scale < 0.999:
                size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
                alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
            paste(frame, image, alpha, x, y)
        self._noise.apply(frame, elapsed, self.fps)
        caption(frame, self.label, elapsed)
        return frame


def _background(width: int, height: int) -> np.ndarray:
    """A lobby: a pale wall, a lit doorway into a darker corridor, a tiled floor in perspective."""
    frame = np.zeros((height, width, 3), np.uint8)
    floor_y = round(DOOR_FLOOR * height)
    wall = np.linspace(205, 175, floor_y, dtype=np.float32)[:, None, None] * np.array([0.93, 0.97, 1.0], np.float32)
    frame[:floor_y] = wall.astype(np.uint8)
    floor = np.linspace(120, 165, height - floor_y, dtype=np.float32)[:, None, None] * np.array([1.0, 1.0, 0.96])
    frame[floor_y:] = floor.astype(np.uint8)
    vanish = (width // 2, round(0.35 * height))
    for i in range(-8, 9):  # tile joints converging on the doorway
        bottom_x = width // 2 + i * width // 8
        top = (vanish[0] + (bottom_x - vanish[0]) * (floor_y - vanish[1]) // (height - vanish[1]), floor_y)
        cv2.line(frame, top, (bottom_x, height), (110, 112, 108), 1, cv2.LINE_AA)
    door_w, door_top = round(0.16 * width), round(0.14 * height)
    x0, x1 = width // 2 - door_w // 2, width // 2 + door_w // 2
    cv2.rectangle(frame, (x0 - 12, door_top - 12), (x1 + 12, floor_y), (70, 80, 90), -1)  # frame
    corridor = np.linspace(95, 60, floor_y - door_top, dtype=np.float32)[:, None, None] * np.array([1.0, 1.0, 1.05])
    frame[door_top:floor_y, x0:x1] = corridor.astype(np.uint8)
    scale = height / 720
    origin = (x0 - round(40 * scale), door_top - round(30 * scale))
    thickness = max(1, round(2 * scale))
    cv2.putText(frame, "STAFF ENTRANCE", origin, cv2.FONT_HERSHEY_SIMPLEX, 0.9 * scale, (40, 60, 150), thickness,
                cv2.LINE_AA)  # fmt: skip
    return frame
