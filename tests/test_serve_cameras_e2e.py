"""The real server with the real models: what a camera worker and HR do over HTTP, end to end.

HR enrols an employee's photos (multipart), a camera worker with an ingest API key posts a frame to the face
check-in and a plate image to the gate, and the decisions are read back: dlib, rapidocr and the database all run
in the `factoryai serve` subprocess, as in production.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import httpx2 as httpx

from tests.conftest import ADMIN_PASSWORD, shared_file
from tests.test_serve_e2e import Server, _assert_stopped_cleanly, server  # noqa: F401 - the fixture
from tests.vehicles.test_ocr import render_plate


def _photos() -> list[Path]:
    person = sorted(p for p in shared_file("data/faces/lfw100").iterdir() if p.is_dir())[7]
    return sorted(person.glob("*.jpg"))


def test_enrol_check_in_by_face_and_read_a_plate_over_http(server: Server) -> None:  # noqa: F811
    photos = _photos()
    with httpx.Client(base_url=server.base_url, timeout=60) as hr:
        login = hr.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        hr.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        shift = hr.post("/api/v1/shifts", json={"shift_name": "All day", "start_time": "00:00", "end_time": "23:59"})
        assert shift.status_code == 201, shift.text
        employee = hr.post(
            "/api/v1/employees", json={"name": "Ravi", "email": "ravi@example.com", "shift_id": shift.json()["id"]}
        ).json()
        for camera in ({"id": "CAM-IN", "role": "entrance"}, {"id": "CAM-GATE", "role": "gate"}):
            created = hr.post("/api/v1/cameras", json={**camera, "name": camera["id"], "source_url": "synthetic://x"})
            assert created.status_code == 201, created.text
        key = hr.post("/api/v1/api-keys", json={"name": "camera worker"}).json()["key"]

        files = [("images", (p.name, p.read_bytes(), "image/jpeg")) for p in photos[:3]]
        enrolled = hr.post(f"/api/v1/employees/{employee['id']}/faces", files=files)
        assert enrolled.status_code == 201, enrolled.text

    with httpx.Client(base_url=server.base_url, timeout=60, headers={"X-API-Key": key}) as camera:
        frame = photos[-1].read_bytes()
        punched = camera.post(
            "/api/v1/attendance/check-in/face",
            files={"image": ("frame.jpg", frame, "image/jpeg")},
            data={"camera_id": "CAM-IN"},
        )
        assert punched.status_code == 200, punched.text
        (face,) = punched.json()["faces"]
        assert face["status"] == "matched"
        assert face["employee_id"] == employee["id"]
        assert face["punch"]["action"] == "check_in"

        plate = cv2.imencode(".png", render_plate(["KA 05 MN 4321"]))[1].tobytes()
        read = camera.post(
            "/api/v1/vehicle/recognize",
            files={"image": ("plate.png", plate, "image/png")},
            data={"camera_id": "CAM-GATE"},
        )
        assert read.status_code == 200, read.text
        assert (read.json()["plate_number"], read.json()["status"]) == ("KA05MN4321", "UNKNOWN")

    with httpx.Client(base_url=server.base_url, timeout=60) as hr:
        login = hr.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        hr.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        access = hr.get("/api/v1/identity/access-log", params={"employee_id": employee["id"]}).json()
        assert [(a["camera_id"], a["employee_id"]) for a in access["items"]] == [("CAM-IN", employee["id"])]
        log = hr.get("/api/v1/vehicles/log", params={"plate": "KA05MN4321"}).json()
        assert [row["status"] for row in log["items"]] == ["UNKNOWN"]
    _assert_stopped_cleanly(server)
