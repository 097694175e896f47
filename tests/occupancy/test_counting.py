"""The line-crossing counter on scripted tracks: exact entries, exits and counts (pure, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

from factoryai.occupancy.counting import FrameCount, LineCounter

FRAME = (1000, 1000)
# A vertical line down the middle. Walking from its first point (top) to its second (bottom), the left hand is on
# the screen's right: with in_side="left", x > 500 is inside.
DOWN = ((0.5, 0.0), (0.5, 1.0))
FPS = 5.0


def box(x: float, y: float = 600.0, h: float = 100.0) -> tuple[float, float, float, float]:
    """A person's box whose feet (bottom centre) stand at (x, y)."""
    return (x - 20.0, y - h, x + 20.0, y)


class Script:
    """Feeds a counter one frame at a time at 5 fps and adds up what it reports."""

    def __init__(self, counter: LineCounter, frame: tuple[int, int] = FRAME) -> None:
        self.counter, self.frame, self.t = counter, frame, 0.0
        self.entries = self.exits = 0
        self.frames: list[FrameCount] = []

    def step(self, *tracks: tuple[int, Sequence[float]]) -> FrameCount:
        result = self.counter.update(tracks, self.frame, self.t)
        self.t += 1 / FPS
        self.entries += result.entries
        self.exits += result.exits
        self.frames.append(result)
        return result

    def walk(self, track_id: int, xs: Iterable[float], y: float = 600.0, h: float = 100.0) -> None:
        for x in xs:
            self.step((track_id, box(x, y, h)))

    def wait(self, seconds: float) -> None:
        for _ in range(round(seconds * FPS)):
            self.step()


def counter(**kwargs: object) -> LineCounter:
    return LineCounter(DOWN, "left", **kwargs)  # type: ignore[arg-type]


def test_walking_in_is_one_entry_where_the_feet_cross() -> None:
    s = Script(counter())
    s.walk(1, range(300, 760, 40))
    assert (s.entries, s.exits, s.counter.count) == (1, 0, 1)
    [crossing] = [c for f in s.frames for c in f.crossings]
    assert crossing.track_id == 1
    assert crossing.direction == "in"
    assert crossing.point == pytest.approx((500.0, 600.0))


def test_walking_out_is_one_exit() -> None:
    s = Script(counter(count=3))
    s.walk(1, range(700, 240, -40))
    assert (s.entries, s.exits, s.counter.count) == (0, 1, 2)


def test_a_return_trip_counts_both_ways_even_a_short_one() -> None:
    # In, then back out after one frame a little past the band (10 px for a 100 px tall person): both count.
    s = Script(counter())
    s.walk(1, [400, 460, 530, 470, 400])
    assert (s.entries, s.exits, s.counter.count) == (1, 1, 0)
    assert [c.direction for f in s.frames for c in f.crossings] == ["in", "out"]


def test_wobbling_across_the_line_after_entering_is_not_counted_again() -> None:
    s = Script(counter())
    s.walk(1, [300, 400, 600])
    s.walk(1, [508, 494, 505, 491, 509, 500, 496, 503] * 10)  # within the band, on both sides of the line
    s.walk(1, [600, 700])
    assert (s.entries, s.exits, s.counter.count) == (1, 0, 1)


def test_standing_on_the_line_keeps_the_side_the_person_came_from() -> None:
    # Walks up to the line from outside, stands on it for a minute, goes back: nothing was crossed.
    s = Script(counter())
    s.walk(1, [300, 400, 480])
    s.walk(1, [497, 503, 500, 498, 502] * 60)  # a minute, its feet jittering a few pixels either side
    s.walk(1, [480, 400, 300])
    assert (s.entries, s.exits) == (0, 0)


def test_a_track_first_seen_on_the_line_is_not_counted_when_it_steps_off() -> None:
    # Where it came from is unknown (a restart, a person appearing in a doorway on the line): no guess is made.
    s = Script(counter())
    s.walk(1, [500, 502, 600, 700])
    assert (s.entries, s.exits) == (0, 0)
    s.walk(1, [500, 300])  # from then on it has a side, and crossing back is counted
    assert (s.entries, s.exits) == (0, 1)


def test_the_band_grows_with_the_box() -> None:
    # A ±15 px wobble is noise for a person 200 px tall (band 20 px) but a step across for one 100 px tall (10 px).
    tall, short = Script(counter()), Script(counter())
    tall.walk(1, [300, 485, 515, 485, 515, 485], h=200)
    short.walk(1, [300, 485, 515, 485, 515, 485], h=100)
    assert (tall.entries, tall.exits) == (0, 0)
    assert (short.entries, short.exits) == (2, 2)


def test_lost_and_refound_on_the_same_side_is_not_counted_again() -> None:
    s = Script(counter())
    s.walk(1, [300, 400, 600, 700])  # in
    s.wait(5)
    s.walk(1, [650, 700])  # re-found inside by the tracker, same id
    s.walk(2, [300, 350])  # someone outside...
    s.wait(3)
    s.walk(2, [320, 280])  # ...lost and re-found outside
    assert (s.entries, s.exits, s.counter.count) == (1, 0, 1)


def test_lost_and_refound_on_the_other_side_is_a_crossing() -> None:
    # Occluded while crossing (behind a pillar, another person): the path between sightings crosses the line.
    s = Script(counter())
    s.walk(1, [300, 400])
    s.wait(3)
    s.walk(1, [650, 700])
    assert (s.entries, s.exits, s.counter.count) == (1, 0, 1)
    [crossing] = [c for f in s.frames for c in f.crossings]
    assert crossing.point == pytest.approx((500.0, 600.0))


def test_a_track_unseen_for_longer_than_forget_after_is_a_new_track() -> None:
    s = Script(counter(forget_after_s=4.0))
    s.walk(1, [300, 400])
    s.wait(5)
    assert s.counter.tracked == 0  # forgotten: memory is bounded
    s.walk(1, [650, 700])  # seen again with the same id (the tracker's buffer was longer): a new first side
    assert (s.entries, s.exits) == (0, 0)
    assert s.counter.tracked == 1


def test_memory_stays_bounded_over_many_passing_tracks() -> None:
    s = Script(counter(forget_after_s=10.0))
    for track_id in range(5000):
        s.step((track_id, box(300)))
    assert s.counter.tracked <= 1.5 * 10.0 * FPS + 1  # a window, plus half a window between sweeps


def test_two_people_crossing_at_once_in_opposite_directions() -> None:
    s = Script(counter(count=5))
    for a, b in zip(range(300, 760, 50), range(700, 240, -50), strict=True):
        s.step((1, box(a, y=400)), (2, box(b, y=700)))
    [both] = [f for f in s.frames if f.crossings]  # they pass the line in the same frame
    assert (both.entries, both.exits, both.count) == (1, 1, 5)
    assert (s.entries, s.exits, s.counter.count) == (1, 1, 5)
    assert sorted((c.track_id, c.direction) for f in s.frames for c in f.crossings) == [(1, "in"), (2, "out")]


def test_crossings_in_one_frame_are_all_reported_with_the_count_after_them() -> None:
    s = Script(counter())
    s.step(*((i, box(400, y=100 + 80 * i)) for i in range(10)))
    result = s.step(*((i, box(600, y=100 + 80 * i)) for i in range(10)))
    assert (result.entries, result.exits, result.count) == (10, 0, 10)
    assert len(result.crossings) == 10


def test_a_diagonal_line() -> None:
    # From the top-left corner to the bottom-right one: walking down it, the left hand is the upper-right half.
    line = ((0.0, 0.0), (1.0, 1.0))
    s = Script(LineCounter(line, "left"))
    for x, y in [(200, 800), (350, 650), (650, 350), (800, 200)]:
        s.step((1, box(x, y)))
    assert (s.entries, s.exits) == (1, 0)
    [crossing] = [c for f in s.frames for c in f.crossings]
    assert crossing.point == pytest.approx((500.0, 500.0))
    for x, y in [(700, 300), (560, 440), (440, 560), (300, 700)]:  # and back across, through the line's middle
        s.step((1, box(x, y)))
    assert (s.entries, s.exits, s.counter.count) == (1, 1, 0)


@pytest.mark.parametrize(("in_side", "expected"), [("left", (1, 0)), ("right", (0, 1))])
def test_in_side_decides_which_way_is_an_entry(in_side: str, expected: tuple[int, int]) -> None:
    s = Script(LineCounter(DOWN, in_side))  # type: ignore[arg-type]
    s.walk(1, range(300, 760, 40))  # screen left to screen right
    assert (s.entries, s.exits) == expected


def test_in_side_follows_the_line_direction() -> None:
    # The same line drawn bottom to top: its left is now the screen's left.
    s = Script(LineCounter(((0.5, 1.0), (0.5, 0.0)), "left"))
    s.walk(1, range(300, 760, 40))
    assert (s.entries, s.exits) == (0, 1)


def test_walking_around_the_end_of_the_segment_counts_nothing() -> None:
    # The line covers the top half only; a person passing below its end crosses its extension, not the line.
    s = Script(LineCounter(((0.5, 0.0), (0.5, 0.5)), "left"))
    s.walk(1, range(300, 760, 40), y=800)
    assert (s.entries, s.exits) == (0, 0)
    s.walk(1, range(700, 240, -40), y=300)  # back through the segment itself: an exit
    assert (s.entries, s.exits) == (0, 1)


def test_the_line_is_in_image_fractions_whatever_the_resolution() -> None:
    for frame in [(640, 480), (1920, 1080)]:
        w, h = frame
        s = Script(counter(), frame)
        s.walk(1, [w * f for f in (0.2, 0.4, 0.6, 0.8)], y=h * 0.7, h=h * 0.2)
        assert (s.entries, s.exits) == (1, 0)


def test_the_count_never_goes_below_zero() -> None:
    s = Script(counter())
    s.walk(1, [700, 600, 400, 300])  # leaving when the counter thinks nobody is inside
    assert (s.exits, s.counter.count) == (1, 0)
    assert s.frames[-2].count == 0
    s.walk(2, [300, 400, 600])
    assert (s.entries, s.counter.count) == (1, 1)


def test_reset_returns_the_discarded_count_and_keeps_the_sides() -> None:
    s = Script(counter())
    for track_id in (1, 2, 3):
        s.walk(track_id, [300, 400, 600])
    s.walk(4, [600, 400, 300])
    assert s.counter.count == 2
    assert s.counter.reset() == 2
    assert s.counter.count == 0
    assert s.counter.reset() == 0
    s.walk(1, [600, 580, 620])  # still inside, standing about: not counted in again after the reset
    s.walk(2, [400, 300])  # leaves: reported, and the count stays at zero
    assert (s.entries, s.exits, s.counter.count) == (3, 2, 0)


def test_unconfirmed_tracks_are_ignored() -> None:
    # trackers reports every unconfirmed track as -1: they are different people, never one track.
    s = Script(counter())
    s.step((-1, box(300)))
    s.step((-1, box(700)))
    assert (s.entries, s.exits, s.counter.tracked) == (0, 0, 0)


def test_tracks_start_afresh_when_the_resolution_changes() -> None:
    s = Script(counter())
    s.walk(1, [300, 400])
    s.frame = (2000, 2000)
    s.walk(1, [1400, 1500])  # x = 0.7 of the new width: on the far side, but not comparable with the old pixels
    assert (s.entries, s.exits) == (0, 0)


def test_tracks_and_frame_size_may_come_as_lists_from_arrays() -> None:
    s = Script(counter())
    for x in (300, 400, 600):
        s.counter.update([(7, list(box(x)))], list(FRAME), s.t)  # type: ignore[arg-type]
        s.t += 0.2
    assert s.counter.count == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"line": ((0.5, 0.0), (0.5, 1.2))}, "within 0..1"),
        ({"line": ((0.5, 0.5), (0.5, 0.5))}, "two different points"),
        ({"in_side": "inside"}, "in_side"),
        ({"band": -0.1}, "band"),
        ({"forget_after_s": 0}, "forget_after_s"),
        ({"count": -1}, "count"),
    ],
)
def test_bad_configuration_is_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"line": DOWN, "in_side": "left"} | kwargs
    with pytest.raises(ValueError, match=message):
        LineCounter(**args)  # type: ignore[arg-type]


def test_a_bad_frame_size_is_refused() -> None:
    with pytest.raises(ValueError, match="frame size"):
        counter().update([], (0, 480), 0.0)
