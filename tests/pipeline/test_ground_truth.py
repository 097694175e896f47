"""The pipeline against scenes that know their ground truth (video/scene_floor.py, video/scene_gate.py), through the
whole runtime: capture, detector, ByteTrack, counting line or plate votes, the services, the database.

- floor: the entries and exits counted are the scene's crossings, exactly, in order;
- gate: every plate is read and decided correctly, each pass once; the blocked one raises its alert;
- entrance: the demo's two enrolled people are each checked in once, by name, nobody else, with a few identify calls
  per visit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.cameras.models import Camera
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.identity.models import UnknownAttendance
from factoryai.occupancy.models import OccupancyLog
from factoryai.organization.models import Employee
from factoryai.pipeline.analytics import analyzers
from factoryai.pipeline.entrance import MAX_ATTEMPTS, EntranceAnalyzer
from factoryai.pipeline.sinks import LocalSink
from factoryai.resources import Resources
from factoryai.seed import seed_demo
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import watchlist_key
from factoryai.video.scene_entrance import DEMO_PEOPLE, EntranceScene
from factoryai.video.scene_floor import FloorScene
from factoryai.video.scene_gate import BLOCKED_DEMO_PLATE, GateScene
from factoryai.video.service import analysis_detector, start_runtime
from tests.video.test_runtime import wait_for

CROSSINGS = 10
PASSES = 6  # one round of the gate scene's fleet: every plate once


def counted(factory: object) -> list[str]:
    with factory() as check:  # type: ignore[operator]
        samples = check.scalars(
            select(OccupancyLog).where(OccupancyLog.camera_id == "CAM-FLOOR").order_by(OccupancyLog.timestamp)
        ).all()
    return [d for s in samples for d in ["in"] * s.entries + ["out"] * s.exits]


def test_the_floor_scenes_crossings_are_counted_exactly(clean_db: Engine, session: Session, settings: Settings) -> None:
    # Twice as fast as life, analysed at 5 frames per second of scene time.
    url = "synthetic://floor?seed=0&width=1280&height=720&fps=30&speed=2"
    line = {"counting_line": [[0.5, 0.0], [0.5, 1.0]], "in_side": "left", "analysis_fps": 10}
    session.add(Camera(id="CAM-FLOOR", name="Floor", source_url=url, role="zone", settings=line))
    session.commit()
    factory = create_session_factory(clean_db)
    runtime = start_runtime(
        settings, factory, analysis_detector(settings), analyzers(settings, LocalSink(factory, settings))
    )
    try:
        wait_for(lambda: len(counted(factory)) >= CROSSINGS, f"{CROSSINGS} crossings", 300)
    finally:
        runtime.close()
    truth = [c.direction for c in FloorScene(1280, 720, 15, seed=0).ground_truth(600)]
    assert counted(factory)[:CROSSINGS] == truth[:CROSSINGS]


def test_every_plate_at_the_gate_is_decided_correctly_once_per_pass(
    clean_db: Engine, session: Session, settings: Settings
) -> None:
    url = "synthetic://gate?seed=0&width=1280&height=720&fps=20&speed=2"
    session.add(Camera(id="CAM-GATE", name="Gate", source_url=url, role="gate", settings={"analysis_fps": 10}))
    session.add(WatchlistEntry(plate_number=BLOCKED_DEMO_PLATE, plate_key=watchlist_key(BLOCKED_DEMO_PLATE),
                               list="blocked", reason="demo: reported stolen"))  # fmt: skip
    session.commit()
    factory = create_session_factory(clean_db)
    resources = Resources.create(settings, publish=False)
    sink = LocalSink(factory, settings, resources.faces)
    runtime = start_runtime(settings, factory, analysis_detector(settings), analyzers(settings, sink, resources.plates))

    def logged() -> list[VehicleLog]:
        with factory() as check:
            return list(check.scalars(select(VehicleLog).order_by(VehicleLog.id)).all())

    try:
        wait_for(lambda: len(logged()) >= PASSES, f"{PASSES} gate decisions", 400)
    finally:
        runtime.close()
        resources.close()
    truth = [p.plate for p in GateScene(1280, 720, 10, seed=0).ground_truth(600)][:PASSES]
    decisions = logged()[:PASSES]
    print([(d.plate_number, d.status, d.ocr_confidence) for d in decisions])
    assert [d.plate_number for d in decisions] == truth  # read right, in order, each pass once
    for decision in decisions:
        expected = "BLOCKED" if decision.plate_number == BLOCKED_DEMO_PLATE else "UNKNOWN"
        assert decision.status == expected, decision.plate_number
        assert decision.snapshot_path
    with factory() as check:
        alerts = check.scalars(select(VehicleAlert)).all()
    assert [a.plate_number for a in alerts] == [BLOCKED_DEMO_PLATE]


def test_the_demo_entrance_checks_in_each_enrolled_person_once(
    clean_db: Engine, session: Session, settings: Settings
) -> None:
    resources = Resources.create(settings, publish=False)
    report = seed_demo(session, employees=0, today=date(2026, 1, 1), faces=resources.faces, site_tz=settings.site.tz)
    assert report.created["faces"] == len(DEMO_PEOPLE), report.warnings
    url = "synthetic://entrance?width=1280&height=720&fps=20&speed=2"
    session.execute(update(Camera).where(Camera.id != "CAM-MAIN").values(enabled=False))
    session.execute(update(Camera).where(Camera.id == "CAM-MAIN").values(source_url=url, settings={"analysis_fps": 10}))
    session.commit()
    factory = create_session_factory(clean_db)
    sink = LocalSink(factory, settings, resources.faces)
    runtime = start_runtime(settings, factory, analysis_detector(settings), analyzers(settings, sink))
    scene = EntranceScene(1280, 720, 20)

    def checked_in() -> list[str]:
        with factory() as check:
            rows = check.execute(select(Employee.name).join(AttendanceRecord).order_by(AttendanceRecord.check_in_time))
            return list(rows.scalars())

    try:
        feed = runtime.feed("CAM-MAIN")
        assert feed is not None
        assert feed.analysis is not None
        analyzer = feed.analysis.analyzer
        assert isinstance(analyzer, EntranceAnalyzer)
        # one whole cycle of the scene (every person twice), played at twice the speed of life
        frames = scene.cycle / 2 * 20
        wait_for(lambda: feed.status().frames_captured >= frames, "one cycle of the entrance scene", 400)
        attempts, outcomes = analyzer.attempts, dict(analyzer.outcomes)
    finally:
        runtime.close()
        resources.close()
    print(f"identify calls: {attempts}, outcomes: {outcomes}")
    assert checked_in() == [p.name for p in DEMO_PEOPLE]  # in the order they came in, each once
    assert outcomes.get("matched", 0) >= len(scene.visits)  # the second visits were recognised too (no new punch)
    assert attempts <= len(scene.visits) * MAX_ATTEMPTS
    with factory() as check:
        assert check.scalars(select(UnknownAttendance)).all() == []
