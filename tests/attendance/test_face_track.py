"""POST /attendance/check-in/face-track: a camera worker's tracked person, its crops tried in order; each event id
handled once, so a re-send after a timeout or a crash never punches twice."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.identity.models import AccessLog, UnknownAttendance
from tests.attendance.helpers import new_camera, new_employee, new_shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows
from tests.identity._faces import PERSON_A, VISITOR, blank_jpeg, data, jpeg_file, lfw

TRACK = "/api/v1/attendance/check-in/face-track"


def b64(image: bytes) -> str:
    return base64.b64encode(image).decode()


@pytest.fixture
def site(client: TestClient, make_user: Any) -> dict[str, Any]:
    hr, admin = make_user("hr"), make_user("admin")
    employee = new_employee(client, hr, new_shift(client, hr, start="00:00", end="23:59"), "Kofi Annan")
    enrolled = client.post(f"/api/v1/employees/{employee}/faces", headers=hr,
                           files=[jpeg_file(f"{n}.jpg", lfw(PERSON_A, n)) for n in (1, 2, 3)])  # fmt: skip
    assert enrolled.status_code == 201, enrolled.text
    new_camera(client, admin, "CAM-DOOR", "entrance")
    new_camera(client, admin, "CAM-GATE", "gate")
    key = client.post("/api/v1/api-keys", json={"name": "door box", "camera_ids": ["CAM-DOOR"]}, headers=admin)
    return {"employee": employee, "device": {"X-API-Key": key.json()["key"]}}


def track(*images: bytes, camera_id: str = "CAM-DOOR", event_id: str | None = None) -> dict[str, Any]:
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "camera_id": camera_id,
        "timestamp": "2026-12-06T09:00:00+05:30",
        "images": [b64(image) for image in images],
    }


def test_a_track_punches_once_and_a_resent_track_does_nothing_again(
    client: TestClient, site: dict[str, Any], session: Session
) -> None:
    body = track(blank_jpeg(), lfw(PERSON_A, 4), lfw(PERSON_A, 5))  # no face first: the next crop is tried
    first = client.post(TRACK, json=body, headers=site["device"])
    assert first.status_code == 200, first.text
    assert first.json() == {"event_id": body["event_id"], "outcome": "matched", "attempts": 2, "duplicate": False}
    again = client.post(TRACK, json=body, headers=site["device"])  # the worker timed out and sends it again
    assert again.json() == {"event_id": body["event_id"], "outcome": "matched", "attempts": 0, "duplicate": True}
    assert count_rows(session, AttendanceRecord) == 1
    assert count_rows(session, AccessLog) == 1


def test_a_stranger_is_one_unknown_face_after_all_crops(
    client: TestClient, site: dict[str, Any], session: Session
) -> None:
    stranger = data(VISITOR)
    response = client.post(TRACK, json=track(stranger, stranger, stranger), headers=site["device"])
    assert response.json()["outcome"] == "unknown"
    assert response.json()["attempts"] == 3
    assert count_rows(session, UnknownAttendance) == 1
    assert count_rows(session, AttendanceRecord) == 0


def test_bad_tracks_are_refused_and_leave_nothing(client: TestClient, site: dict[str, Any], session: Session) -> None:
    device = site["device"]
    bad = track(lfw(PERSON_A, 4))
    bad["images"] = ["not base64!"]
    error = assert_error(client.post(TRACK, json=bad, headers=device), 422)
    assert error["details"][0]["field"] == "images.0"
    assert_error(client.post(TRACK, json=track(lfw(PERSON_A, 4), camera_id="CAM-GATE"), headers=device), 403)
    refused = client.post(TRACK, json={**track(lfw(PERSON_A, 4)), "event_id": "x"}, headers=device)
    assert_error(refused, 422)
    assert count_rows(session, AttendanceRecord) == 0


def test_a_track_for_a_disabled_camera_is_refused_and_can_be_sent_again_once_it_is_enabled(
    client: TestClient, site: dict[str, Any], session: Session, make_user: Any
) -> None:
    admin = make_user("admin")
    assert client.patch("/api/v1/cameras/CAM-DOOR", json={"enabled": False}, headers=admin).is_success
    body = track(lfw(PERSON_A, 4))
    assert_error(client.post(TRACK, json=body, headers=site["device"]), 422)
    assert count_rows(session, AttendanceRecord) == 0
    assert client.patch("/api/v1/cameras/CAM-DOOR", json={"enabled": True}, headers=admin).is_success
    again = client.post(TRACK, json=body, headers=site["device"])  # the refused event was not stored as handled
    assert again.json()["outcome"] == "matched"
    assert again.json()["duplicate"] is False
