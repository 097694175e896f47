"""An entrance camera end to end in one process, on both engines: real face photos in front of the camera → person
tracks → a few face attempts each → one check-in for the enrolled person, one unknown face for the stranger, and
a bounded number of identify calls however long they stand there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factoryai.attendance.models import AttendanceRecord
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.identity.models import UnknownAttendance
from factoryai.identity.runtime import FaceRuntime
from factoryai.pipeline.analytics import analyzers
from factoryai.pipeline.entrance import MAX_ATTEMPTS, EntranceAnalyzer
from factoryai.pipeline.sinks import LocalSink
from factoryai.video.service import analysis_detector, start_runtime
from tests.attendance.helpers import new_camera, new_employee, new_shift
from tests.identity._faces import PERSON_A, VISITOR, data, jpeg_file, lfw
from tests.video.test_runtime import wait_for

FPS = 10
STAND_SECONDS = 6  # each person stands in view this long: 60 frames, 30 analysed at 5 fps


def scene(path: Path, photos: list[bytes]) -> int:
    """A clip of each photo (enlarged, as a person close to the camera) in turn, with empty frames between."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 480))
    frames = 0
    for photo in photos:
        image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
        frame = np.full((480, 640, 3), 90, np.uint8)
        frame[60:420, 140:500] = cv2.resize(image, (360, 360))
        for _ in range(STAND_SECONDS * FPS):
            writer.write(frame)
        for _ in range(2 * FPS):
            writer.write(np.full((480, 640, 3), 90, np.uint8))
        frames += (STAND_SECONDS + 2) * FPS
    writer.release()
    return frames


def test_each_person_in_front_of_an_entrance_camera_is_one_punch_or_one_unknown_face(
    client: TestClient, make_user: Any, clean_db: Engine, settings: Settings, tmp_path: Path
) -> None:
    hr = make_user("hr")
    admin = make_user("admin")
    employee = new_employee(client, hr, new_shift(client, hr, start="00:00", end="23:59"), "Kofi Annan")
    enrolled = client.post(f"/api/v1/employees/{employee}/faces", headers=hr,
                           files=[jpeg_file(f"{n}.jpg", lfw(PERSON_A, n)) for n in (1, 2, 3)])  # fmt: skip
    assert enrolled.status_code == 201, enrolled.text
    clip = tmp_path / "entrance.avi"
    total = scene(clip, [lfw(PERSON_A, 4), data(VISITOR)])  # a photo not enrolled, then a stranger
    new_camera(client, admin, "CAM-DOOR", "entrance")
    assert client.patch("/api/v1/cameras/CAM-DOOR", json={"source_url": clip.as_uri()}, headers=admin).is_success

    factory = create_session_factory(clean_db)
    faces = FaceRuntime(settings)
    runtime = start_runtime(
        settings, factory, analysis_detector(settings), analyzers(settings, LocalSink(factory, settings, faces))
    )
    try:
        feed = runtime.feed("CAM-DOOR")
        assert feed is not None
        assert feed.analysis is not None
        analyzer = feed.analysis.analyzer
        assert isinstance(analyzer, EntranceAnalyzer)
        wait_for(lambda: feed.status().frames_captured >= total, "the clip once", 300)
        attempts, outcomes = analyzer.attempts, dict(analyzer.outcomes)
    finally:
        runtime.close()
        faces.close()

    with factory() as check:
        records = check.scalars(select(AttendanceRecord).where(AttendanceRecord.employee_id == employee)).all()
        unknown = check.scalars(select(UnknownAttendance)).all()
    print(f"identify calls: {attempts}, outcomes: {outcomes}")
    assert len(records) == 1  # one check-in for 6 s in view (30 analysed frames)
    assert records[0].check_in_time is not None
    assert len(unknown) == 1  # the stranger: one face for HR, not one per frame
    assert unknown[0].camera_id == "CAM-DOOR"
    assert attempts <= 2 * MAX_ATTEMPTS  # each person: a few attempts, then stop
