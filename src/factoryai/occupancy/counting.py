"""People counting across a camera's counting line (pure: tracked boxes in, entries, exits and the live count out).

**Anchor: the foot point**, the bottom centre of a person's box. Zone cameras look down at a floor, and the counting
line is drawn on the floor (a doorway, the edge of an area): where a person stands is where their feet are. The box's
centre sits half a body-height above the floor, so with the camera's perspective it crosses a floor line earlier or
later than the person does, by an amount that depends on their height and distance; the head is further off still,
and requiring all four corners on one side (supervision's default) leaves a tall box straddling a diagonal line for
several frames.

**Mechanism: a band around the line, plus the path the feet took.** A track's side is decided only when its foot
point is clearly off the line: further than ``band`` x its box height (at least ``min_band_px``) on one side.
Inside that band nothing changes, so a person standing on the line, or wobbling across it, keeps the side they came
from. The band scales with the box because a detector's box jitters in proportion to its size, and people near the
camera are larger. A crossing is counted when a track that was clearly on one side is next seen clearly on the other
and the path between those two sightings passes through the drawn segment (not its extension, so walking around its
end counts nothing). A real return trip (in, then back out once clear of the band) counts both ways, at once: there
is no waiting for N frames on the new side, because at 5 fps a person who turns round after a few steps is on the
far side only a frame or two.

Measured on ../shared/data/video/vtest.avi (YOLOX-nano + trackers' ByteTrack, 5 fps) against supervision's
``LineZone`` (figures in docs/benchmarks.md): on the same tracks both count the same crossings of a vertical line
once ``LineZone`` has a threshold of 2 frames. But that threshold is temporal, not spatial: ``LineZone`` drops a
track's state after ``threshold + 1`` frames unseen (at least 2), so a person the tracker re-finds on the far side
after a short occlusion is never counted, and a wobble that lasts as long as the threshold counts twice. It also
skips sightings outside the strip perpendicular to the segment, so it misses people crossing near a segment's end.

A track's memory ends ``forget_after_s`` seconds after it was last seen: keep that at least as long as the
tracker's own lost-track buffer, or a person it re-finds on the other side is missed. Memory is bounded by the
number of tracks seen in that window.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Point = tuple[float, float]
Box = Sequence[float]  # x1, y1, x2, y2 in pixels (a tuple, or a row of a tracker's xyxy array as a list)
Direction = Literal["in", "out"]
InSide = Literal["left", "right"]

# A track's state: [side (+1 inside, -1 outside, 0 not yet known), x, y of its last clear sighting, last seen].
# A list rather than a dataclass: the update loop runs per track per frame and attribute access on slots costs more.
_SIDE, _X, _Y, _SEEN = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Crossing:
    track_id: int
    direction: Direction
    point: Point  # where the foot path met the line, in pixels (for overlays and for checking a line's placement)


@dataclass(frozen=True, slots=True)
class FrameCount:
    """What one frame changed: its crossings, and the live count after them."""

    crossings: tuple[Crossing, ...]
    entries: int
    exits: int
    count: int


class LineCounter:
    """Counts tracked people crossing one counting line, in and out, and keeps the live count.

    ``line`` is two points in 0..1 image coordinates and ``in_side`` the side that is inside, seen walking from
    the first point to the second with y pointing down (as ``CameraSettings.counting_line`` / ``in_side`` define
    them). One instance per camera and tracker, not thread-safe (one analysis loop feeds it). A restarted tracker
    numbers its tracks from 1 again: start a new counter with it, carrying ``count=old.count``.
    """

    def __init__(
        self,
        line: tuple[Point, Point],
        in_side: InSide = "left",
        *,
        band: float = 0.1,
        min_band_px: float = 2.0,
        forget_after_s: float = 10.0,
        count: int = 0,
    ) -> None:
        (ax, ay), (bx, by) = line
        if not all(0.0 <= v <= 1.0 for v in (ax, ay, bx, by)):
            raise ValueError("the counting line's points must lie within 0..1")
        if (ax, ay) == (bx, by):
            raise ValueError("the counting line needs two different points")
        if in_side not in ("left", "right"):
            raise ValueError('in_side must be "left" or "right"')
        if band < 0 or min_band_px < 0 or forget_after_s <= 0 or count < 0:
            raise ValueError("band and min_band_px must be >= 0, forget_after_s > 0, count >= 0")
        self.line = ((float(ax), float(ay)), (float(bx), float(by)))
        self.in_side: InSide = in_side
        self.band = band
        self.min_band_px = min_band_px
        self.forget_after_s = forget_after_s
        self._count = count
        self._tracks: dict[int, list[float]] = {}
        self._frame_size: tuple[int, int] | None = None
        self._geometry = (0.0, 0.0, 0.0, 0.0, 1.0)
        self._last_sweep: float | None = None

    @property
    def count(self) -> int:
        """People inside now; never below zero (an exit at zero is still reported, the count stays 0)."""
        return self._count

    @property
    def tracked(self) -> int:
        """Tracks remembered now (bounded by forget_after_s)."""
        return len(self._tracks)

    def reset(self) -> int:
        """The drift reset: the count becomes 0; returns the count it discarded. Tracks keep their sides, so a
        person standing by the line is not counted again because of it."""
        discarded, self._count = self._count, 0
        return discarded

    def update(self, tracks: Iterable[tuple[int, Box]], frame_size: tuple[int, int], t: float) -> FrameCount:
        """One analysed frame: ``tracks`` are (track id, box in pixels) of the people a tracker confirmed in it,
        ``frame_size`` is (width, height) and ``t`` the frame's time in seconds (monotonic, e.g. capture time).
        Negative ids are skipped: ``trackers`` reports its unconfirmed tracks as -1, all sharing that id."""
        size = (frame_size[0], frame_size[1])  # a list or an array's shape compares unequal to the stored tuple
        if size != self._frame_size:
            self._set_frame_size(size)
        px, py, dx, dy, length = self._geometry
        # Signed distance of a point from the line, positive on the inside: cross product / length, with the sign
        # flipped for "left" (in image coordinates, y down, a point left of the walking direction has a negative
        # cross product).
        sign = (-1.0 if self.in_side == "left" else 1.0) / length
        band, min_band = self.band, self.min_band_px
        memory = self._tracks
        crossings: list[Crossing] = []
        for track_id, (x1, y1, x2, y2) in tracks:
            if track_id < 0:
                continue
            x = (x1 + x2) * 0.5
            y = y2
            dist = (dx * (y - py) - dy * (x - px)) * sign
            margin = band * (y2 - y1)
            if margin < min_band:
                margin = min_band
            state = memory.get(track_id)
            if state is None:
                state = memory[track_id] = [0.0, x, y, t]
            state[_SEEN] = t
            if -margin <= dist <= margin:
                continue  # on the line: keep the side it came from
            side = 1.0 if dist > 0 else -1.0
            if state[_SIDE] != side:
                if state[_SIDE] != 0.0:
                    crossing = self._crossing(track_id, state[_X], state[_Y], x, y, side)
                    if crossing is not None:
                        crossings.append(crossing)
                state[_SIDE] = side
            state[_X] = x
            state[_Y] = y
        entries = exits = 0
        for crossing in crossings:
            if crossing.direction == "in":
                entries += 1
                self._count += 1
            else:
                exits += 1
                self._count = max(0, self._count - 1)
        if self._last_sweep is None or t - self._last_sweep >= self.forget_after_s / 2 or t < self._last_sweep:
            self._forget(t)
        return FrameCount(crossings=tuple(crossings), entries=entries, exits=exits, count=self._count)

    def _crossing(self, track_id: int, ax: float, ay: float, bx: float, by: float, side: float) -> Crossing | None:
        """The crossing from the last clear sighting (ax, ay) to (bx, by), or None if that path passes the line's
        extension rather than the drawn segment."""
        px, py, dx, dy, length = self._geometry
        da = dx * (ay - py) - dy * (ax - px)
        db = dx * (by - py) - dy * (bx - px)
        if da == db:  # unreachable: a clear sighting is strictly off the line, and these two are on opposite sides
            return None
        frac = da / (da - db)
        cx, cy = ax + frac * (bx - ax), ay + frac * (by - ay)
        along = ((cx - px) * dx + (cy - py) * dy) / (length * length)
        if not 0.0 <= along <= 1.0:
            return None
        return Crossing(track_id=track_id, direction="in" if side > 0 else "out", point=(cx, cy))

    def _set_frame_size(self, frame_size: tuple[int, int]) -> None:
        width, height = frame_size
        if width <= 0 or height <= 0:
            raise ValueError(f"frame size must be positive, got {frame_size}")
        (ax, ay), (bx, by) = self.line
        px, py = ax * width, ay * height
        dx, dy = (bx - ax) * width, (by - ay) * height
        self._geometry = (px, py, dx, dy, math.hypot(dx, dy))
        # Positions are pixels of the old size: a stream that changes resolution starts its tracks afresh.
        self._tracks.clear()
        self._frame_size = (width, height)

    def _forget(self, t: float) -> None:
        # Swept every forget_after_s / 2 rather than per frame: the sweep walks every track, the frame only its own.
        # A clock that went backwards (a restarted stream's timestamps) sweeps too, and keeps what it cannot date.
        horizon = t - self.forget_after_s
        stale = [track_id for track_id, state in self._tracks.items() if state[_SEEN] < horizon]
        for track_id in stale:
            del self._tracks[track_id]
        self._last_sweep = t
