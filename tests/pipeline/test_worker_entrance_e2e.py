"""Faces from an edge worker: an entrance camera on `factoryai worker` → person tracks → each person's best crops
as one event through the outbox → the API's face check-in: one punch for the enrolled person, one unknown face for
the stranger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.identity._faces import PERSON_A, VISITOR, data, jpeg_file, lfw
from tests.pipeline.test_entrance_flow import scene
from tests.video.live_server import add_camera, admin_client, camera_worker, live_server
from tests.video.test_runtime import wait_for


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        result = [tuple(row) for row in connection.execute(text(query))]
    engine.dispose()
    return result


def test_a_worker_checks_people_in_by_face_through_the_api(tmp_path: Path) -> None:
    with live_server(tmp_path, FACTORYAI_VIDEO__RUNTIME="workers") as server, admin_client(server) as admin:
        shift = admin.post("/api/v1/shifts", json={"shift_name": "All day", "start_time": "00:00", "end_time": "23:59"})
        person = {"name": "Kofi Annan", "email": "kofi@example.com", "shift_id": shift.json()["id"]}
        employee = admin.post("/api/v1/employees", json=person).json()["id"]
        files = [jpeg_file(f"{n}.jpg", lfw(PERSON_A, n)) for n in (1, 2, 3)]
        assert admin.post(f"/api/v1/employees/{employee}/faces", files=files).status_code == 201
        clip = tmp_path / "door.avi"
        scene(clip, [lfw(PERSON_A, 4), data(VISITOR)])
        add_camera(admin, "CAM-DOOR", clip.as_uri(), role="entrance")
        key = admin.post("/api/v1/api-keys", json={"name": "door box", "camera_ids": ["CAM-DOOR"]}).json()["key"]
        database = tmp_path / "factoryai.sqlite"
        with camera_worker(tmp_path, server, key):
            wait_for(lambda: rows(database, "SELECT count(*) FROM unknown_attendance")[0][0] >= 1, "the stranger", 180)
        punches = [row for row in rows(database, "SELECT employee_id FROM attendance_record") if row[0] == employee]
        events = rows(database, "SELECT kind, outcome FROM device_event ORDER BY received_at")
    assert len(punches) == 1
    assert ("face_track", "matched") in events
    assert ("face_track", "unknown") in events
    assert rows(database, "SELECT count(*) FROM unknown_attendance")[0][0] == 1
