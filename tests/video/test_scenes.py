"""Synthetic camera scenes (video/scenes.py): frames of the asked size, deterministic per seed; ground truth that
agrees with what is drawn; and the real detector (YOLOX-nano) and plate OCR see the people and vehicles drawn."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from factoryai.core.config import load_settings
from factoryai.vehicles.recognition import PlateRecognition
from factoryai.video.scene_entrance import DEMO_PEOPLE, EntranceScene
from factoryai.video.scene_floor import CROSSING_GAP, CYCLE, FloorScene
from factoryai.video.scene_gate import BLOCKED_DEMO_PLATE, FLEET, GateScene
from factoryai.video.scenes import TestPattern as Pattern
from factoryai.video.scenes import make_scene
from factoryai.vision.detector import DEFAULT_MODEL, PERSON, Detector

VEHICLES = frozenset({2, 5, 7})  # car, bus, truck
SIZE = {"width": "1280", "height": "720"}


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(DEFAULT_MODEL, score_threshold=0.1)  # as the camera pipeline runs it


@pytest.fixture(scope="module")
def floor() -> FloorScene:
    scene = make_scene("floor", SIZE)
    assert isinstance(scene, FloorScene)
    return scene


@pytest.fixture(scope="module")
def gate() -> GateScene:
    scene = make_scene("gate", SIZE)
    assert isinstance(scene, GateScene)
    return scene


# --- every scene ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [("floor", FloorScene), ("people", FloorScene), ("gate", GateScene),
                                            ("vehicles", GateScene), ("entrance", EntranceScene),
                                            ("faces", EntranceScene), ("pattern", Pattern),
                                            ("walkers", Pattern)])  # fmt: skip
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (640, 360), (320, 240)])
def test_a_scene_renders_frames_of_the_asked_size(name: str, kind: type, width: int, height: int) -> None:
    scene = make_scene(name, {"width": str(width), "height": str(height), "fps": "10", "count": "5"})
    assert isinstance(scene, kind)
    assert (scene.width, scene.height, scene.fps) == (width, height, 10.0)
    for t in (0.0, 7.3, 61.0):
        frame = scene.render(t)
        assert frame.shape == (height, width, 3)
        assert frame.dtype == np.uint8


@pytest.mark.parametrize("name", ["floor", "gate"])
def test_a_scene_is_deterministic_for_a_seed_and_moves(name: str) -> None:
    a, b = make_scene(name, {**SIZE, "seed": "5"}), make_scene(name, {**SIZE, "seed": "5"})
    times = [3.0, 9.5, 40.25, 8.0]  # out of order: the schedule does not depend on what was asked first
    frames = [a.render(t) for t in times]
    for t, frame in zip(times, frames, strict=True):
        assert np.array_equal(frame, b.render(t))
    assert not np.array_equal(frames[0], frames[1])
    assert not np.array_equal(a.render(9.5), a.render(9.5 + 1 / 15))  # something moves from frame to frame
    assert a.ground_truth(120) == b.ground_truth(120)
    assert a.ground_truth(120) != make_scene(name, {**SIZE, "seed": "6"}).ground_truth(120)


@pytest.mark.parametrize("value", ["x", "-1", "2.5"])
def test_a_bad_seed_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="seed"):
        make_scene("floor", {"seed": value})


def test_render_cost_per_frame() -> None:
    """Printed, not asserted (no wall-clock limits in tests): each scene at 1280x720 on this machine."""
    for name in ("floor", "gate", "pattern"):
        started = time.perf_counter()
        scene = make_scene(name, SIZE)
        created = time.perf_counter() - started
        for t in np.arange(0, 14, 1 / 15):  # warm: sprites render on first use
            scene.render(float(t))
        started = time.perf_counter()
        frames = np.arange(0, 30, 1 / 15)
        for t in frames:
            scene.render(float(t))
        per_frame = (time.perf_counter() - started) / len(frames)
        print(f"{name}: created in {created * 1000:.0f} ms, {per_frame * 1000:.2f} ms per 1280x720 frame")


# --- floor --------------------------------------------------------------------------------------------------------


def test_floor_crossings_come_from_the_schedule(floor: FloorScene) -> None:
    crossings = floor.ground_truth(120)
    assert len(crossings) >= 25  # a person every few seconds
    assert {c.direction for c in crossings} == {"in", "out"}
    times = [c.time for c in crossings]
    assert times == sorted(times)
    assert min(np.diff(times)) >= CROSSING_GAP - 1e-9  # never two at the line together
    assert len({c.person for c in crossings}) == len(crossings)
    assert floor.ground_truth(times[5]) == crossings[:6]  # up to and including that moment
    centre = floor.width / 2
    for c in crossings[:10]:  # the drawn person is at the line then, on the side they came from just before
        (view,) = [p for p in floor.people_at(c.time) if p.person == c.person]
        assert view.direction == c.direction
        assert view.foot[0] == pytest.approx(centre, abs=1e-6)
        assert abs((view.box[0] + view.box[2]) / 2 - centre) < (view.box[2] - view.box[0]) / 2
        (before,) = [p for p in floor.people_at(c.time - 1.0) if p.person == c.person]
        (after,) = [p for p in floor.people_at(c.time + 1.0) if p.person == c.person]
        came_from_left = (before.box[0] + before.box[2]) / 2 < centre < (after.box[0] + after.box[2]) / 2
        assert came_from_left == (c.direction == "in")


def test_the_floor_schedule_repeats_every_cycle_with_new_ids(floor: FloorScene) -> None:
    """Bounded memory for a camera that runs for weeks: the walks repeat every CYCLE seconds, as new people."""
    first = floor.ground_truth(CYCLE)
    three = floor.ground_truth(3 * CYCLE)
    assert len(three) == 3 * len(first)
    assert [c.time for c in three[len(first) : 2 * len(first)]] == pytest.approx([c.time + CYCLE for c in first])
    assert len({c.person for c in three}) == len(three)
    assert min(np.diff([c.time for c in three])) >= CROSSING_GAP - 1e-9  # across the cycles' seams too
    t = first[3].time
    now, later = floor.people_at(t), floor.people_at(t + 2 * CYCLE)
    assert np.allclose([v.box for v in now], [v.box for v in later], atol=1)  # the same walks (float time: ±1 px)
    assert {v.person for v in now}.isdisjoint(v.person for v in later)


def test_floor_people_never_overlap_and_are_100_to_200_px_tall(floor: FloorScene) -> None:
    seen = 0
    for t in np.arange(0, 120, 0.25):
        views = floor.people_at(float(t))
        for i, a in enumerate(views):
            if a.box[0] > 0 and a.box[2] < floor.width:
                assert 100 <= a.box[3] - a.box[1] <= 200
                seen += 1
            for b in views[i + 1 :]:
                assert iou(a.box, b.box) == 0
    assert seen > 400


def test_floor_people_are_detected_as_people(floor: FloorScene, detector: Detector) -> None:
    """Every person in full view on frames every 0.4 s for a minute: the real detector's person box matches the
    drawn one (IoU >= 0.5) at score >= 0.4 on at least 95 % of them (measured: all of them), and nothing else is
    taken for a person."""
    scores, stray = [], 0
    for t in np.arange(0, 60, 0.4):
        people = [d for d in detector.detect(floor.render(float(t))) if d.class_id == PERSON]
        views = floor.people_at(float(t))
        for view in views:
            if view.box[0] > 0 and view.box[2] < floor.width:
                scores.append(max((d.score for d in people if iou(d.box, view.box) >= 0.5), default=0.0))
        stray += sum(1 for d in people if d.score >= 0.4 and all(iou(d.box, v.box) < 0.3 for v in views))
    found = np.mean(np.array(scores) >= 0.4)
    print(f"floor: {len(scores)} people in view, {found:.1%} detected at >= 0.4, scores min {min(scores):.2f} "
          f"median {np.median(scores):.2f}, {stray} stray person boxes")  # fmt: skip
    assert len(scores) > 200
    assert found >= 0.95
    assert stray == 0


def test_the_floor_background_holds_no_person(floor: FloorScene, detector: Detector) -> None:
    empty = floor.render(0.0)
    assert floor.people_at(0.0) == []
    assert not [d for d in detector.detect(empty) if d.class_id == PERSON and d.score >= 0.3]


# --- gate ---------------------------------------------------------------------------------------------------------


def test_gate_passes_come_from_the_schedule(gate: GateScene) -> None:
    passes = gate.ground_truth(200)
    assert len(passes) >= 12
    first_round = [p.plate for p in passes[: len(FLEET)]]
    assert sorted(first_round) == sorted(plate for plate, *_ in FLEET)  # each vehicle once per round
    assert BLOCKED_DEMO_PLATE in first_round
    for a, b in itertools.pairwise(passes):
        assert a.arrive < a.leave < b.arrive
    for p in passes[:8]:
        assert gate.vehicle_at(p.arrive - 1.0).state == "arriving"
        stopped = gate.vehicle_at(p.arrive + 0.01)
        assert (stopped.plate, stopped.state) == (p.plate, "stopped")
        assert gate.vehicle_at(p.leave - 0.01) == stopped  # not moved
        assert gate.vehicle_at(p.leave + 0.5).state == "leaving"
    assert gate.ground_truth(passes[2].arrive) == passes[:3]


def test_gate_vehicles_are_detected_while_stopped(gate: GateScene, detector: Detector) -> None:
    """Each vehicle of the fleet, stopped at the barrier (at its arrival, and with the arm going up): a car, bus or
    truck box on the drawn vehicle at score >= 0.4 (measured 0.7-0.9)."""
    scores = {}
    for p in gate.ground_truth(len(FLEET) * 14.0)[: len(FLEET)]:
        for t in (p.arrive + 0.5, p.leave - 0.3):
            view = gate.vehicle_at(t)
            found = [
                d for d in detector.detect(gate.render(t)) if d.class_id in VEHICLES and iou(d.box, view.box) > 0.5
            ]
            scores[(p.plate, round(t - p.arrive, 1))] = max((d.score for d in found), default=0.0)
    print("gate, best vehicle score while stopped:", {k: round(v, 2) for k, v in scores.items()})
    assert min(scores.values()) >= 0.4


def test_the_empty_gate_holds_no_vehicle(gate: GateScene, detector: Detector) -> None:
    passes = gate.ground_truth(30)
    for t in (passes[0].leave + 2.6, passes[0].leave + 3.2):  # the first vehicle gone, the arm going down
        assert gate.vehicle_at(t) is None
        assert not [d for d in detector.detect(gate.render(t)) if d.class_id in VEHICLES and d.score >= 0.3]


def test_gate_plates_are_read_while_stopped(gate: GateScene) -> None:
    """The repo's plate recognition on whole frames (the detector finds the vehicle, the OCR its plate): three
    vehicles, the blocked one among them, read exactly and surely."""
    recognizer = PlateRecognition(load_settings(), Detector(DEFAULT_MODEL)).recognizer()
    passes = gate.ground_truth(len(FLEET) * 14.0)[: len(FLEET)]
    chosen = [p for p in passes if p.plate == BLOCKED_DEMO_PLATE] + [
        p for p in passes if p.plate != BLOCKED_DEMO_PLATE
    ][:2]
    for p in chosen:
        read = recognizer.read_frame(gate.render(p.arrive + 1.0)).read
        print(f"gate: {p.plate} read as {read.text if read else None} ({read.confidence if read else 0:.3f})")
        assert read is not None
        assert read.text == p.plate
        assert read.confidence >= 0.85


# --- entrance ---------------------------------------------------------------------------------------------------


def test_entrance_visits_take_turns_and_the_person_drawn_is_detected_where_the_scene_says(detector: Detector) -> None:
    scene = make_scene("entrance", SIZE)
    assert isinstance(scene, EntranceScene)
    visits = scene.visits
    assert [v.person for v in visits] == list(DEMO_PEOPLE) * 2  # everyone, plain then mirrored
    assert all(a.end < b.start for a, b in itertools.pairwise(visits))  # never two at once
    empty = scene.render(visits[0].start - 1)
    assert scene.box_at(visits[0].start - 1) is None
    assert not [d for d in detector.detect(empty) if d.class_id == PERSON]  # the empty doorway holds nobody
    for visit in visits:
        for dt in (1.0, 3.0, 6.0):  # walking in, close, standing
            box = scene.box_at(visit.start + dt)
            assert box is not None
            people = [d for d in detector.detect(scene.render(visit.start + dt)) if d.class_id == PERSON]
            assert max(iou(d.box, box) for d in people) > 0.7, (visit.person.name, dt)
    assert scene.visit_at(visits[1].start + 1 + scene.cycle) == visits[1]  # the cycle repeats
