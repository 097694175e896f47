"""From stranger to employee: a face nobody matched at the entrance is assigned by HR with enrol=true, which records
the punch as of when it was seen and enrols the crop, so the next frame of that person is recognised."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factoryai.identity.models import FaceEnrollment
from tests.attendance.helpers import ingest_key_headers, instant, new_camera, new_employee, new_shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows

from ._faces import PERSON_A, jpeg_file, lfw

FACE_CHECK_IN = "/api/v1/attendance/check-in/face"
FRAME_TIME = "2026-11-23T08:02:00+05:30"  # a Monday, two minutes into the day shift


def _check_in(client, headers: dict[str, str], image: bytes, timestamp: str | None = None):
    form = {"camera_id": "CAM-IN", **({"timestamp": timestamp} if timestamp else {})}
    return client.post(FACE_CHECK_IN, files=[jpeg_file("frame.jpg", image, "image")], data=form, headers=headers)


def test_an_assigned_and_enrolled_stranger_is_recognised_next_time(
    client, admin_headers: dict[str, str], make_user, session: Session
) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    new_camera(client, admin_headers, "CAM-IN")
    newcomer = new_employee(client, admin_headers, shift, "Kofi Annan")
    device, hr = ingest_key_headers(client, admin_headers), make_user("hr")

    first = _check_in(client, device, lfw(PERSON_A, 1), FRAME_TIME).json()
    (face,) = first["faces"]
    assert face["status"] == "unknown"
    unknown_id = face["unknown_face_id"]

    assigned = client.post(
        f"/api/v1/identity/unknown-faces/{unknown_id}/assign",
        json={"employee_id": newcomer, "record_attendance": True, "enroll": True},
        headers=hr,
    )
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["unknown"]["status"] == "assigned"
    assert body["punch"]["action"] == "check_in"
    assert instant(body["punch"]["check_in_time"]) == instant(FRAME_TIME)
    assert body["enrollment_id"] is not None
    assert count_rows(session, FaceEnrollment) == 1
    faces = client.get(f"/api/v1/employees/{newcomer}/faces", headers=hr).json()
    assert [f["source_name"] for f in faces] == [f"unknown-{unknown_id}.jpg"]

    later = _check_in(client, device, lfw(PERSON_A, 2)).json()
    (seen_again,) = later["faces"]
    assert (seen_again["status"], seen_again["employee_id"]) == ("matched", newcomer)


def test_enrolling_a_face_whose_snapshot_is_gone_is_refused_and_changes_nothing(
    client, admin_headers: dict[str, str], make_user, session: Session, settings
) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00")
    new_camera(client, admin_headers, "CAM-IN")
    newcomer = new_employee(client, admin_headers, shift, "Kofi Annan")
    device, hr = ingest_key_headers(client, admin_headers), make_user("hr")
    unknown_id = _check_in(client, device, lfw(PERSON_A, 1), FRAME_TIME).json()["faces"][0]["unknown_face_id"]
    for crop in (settings.identity.snapshot_dir / "unknown").rglob("*.jpg"):
        crop.unlink()  # retention got there first

    response = client.post(
        f"/api/v1/identity/unknown-faces/{unknown_id}/assign",
        json={"employee_id": newcomer, "record_attendance": True, "enroll": True},
        headers=hr,
    )
    assert_error(response, 422)
    assert "no snapshot" in response.json()["error"]["message"]
    pending = client.get("/api/v1/identity/unknown-faces", params={"status": "pending"}, headers=hr).json()
    assert [u["id"] for u in pending["items"]] == [unknown_id]  # the whole request rolled back
    assert count_rows(session, FaceEnrollment) == 0


def test_a_face_seen_at_a_camera_disabled_since_can_still_be_assigned(
    client, admin_headers: dict[str, str], make_user
) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    new_camera(client, admin_headers, "CAM-IN")
    newcomer = new_employee(client, admin_headers, shift, "Kofi Annan")
    device, hr = ingest_key_headers(client, admin_headers), make_user("hr")
    unknown_id = _check_in(client, device, lfw(PERSON_A, 1), FRAME_TIME).json()["faces"][0]["unknown_face_id"]
    disabled = client.patch("/api/v1/cameras/CAM-IN", json={"enabled": False}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text

    response = client.post(
        f"/api/v1/identity/unknown-faces/{unknown_id}/assign", json={"employee_id": newcomer}, headers=hr
    )
    assert response.status_code == 200, response.text
    assert response.json()["punch"]["action"] == "check_in"
    assert instant(response.json()["punch"]["check_in_time"]) == instant(FRAME_TIME)
