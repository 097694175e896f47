"""POST /api/v1/attendance/check-in/face: every face of a camera frame punches, is kept as unknown for HR, or says
why it could not punch; and an AWS outage keeps the frame pending until the retry job records the punch as of
when the frame was taken.

Local-engine tests use real photos (enrolments arranged directly from descriptors computed once); AWS tests run the
whole app on the 'aws' engine against a loopback Rekognition (tests/identity/_rekognition_fake.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from factoryai.attendance import face_punch
from factoryai.attendance.models import AttendanceRecord
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity.models import AccessLog, PendingRecognition, UnknownAttendance
from factoryai.identity.runtime import FaceRuntime
from factoryai.scheduler.models import JobRun
from factoryai.scheduler.registry import build_jobs, job_named
from factoryai.scheduler.runner import run_slot
from tests.attendance.helpers import (
    all_rows,
    ingest_key_headers,
    instant,
    new_camera,
    new_employee,
    new_shift,
)
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

from ._faces import (
    CORRUPT_JPEG,
    PERSON_A,
    PERSON_B,
    VISITOR,
    add_enrollments,
    data,
    descriptors,
    jpeg_file,
    lfw,
    side_by_side,
)
from ._rekognition_fake import CREATE, SEARCH, searched

FACE_CHECK_IN = "/api/v1/attendance/check-in/face"
CAMERA = "CAM-GATE"
FRAME_TIME = "2026-11-23T08:02:00+05:30"  # a Monday, two minutes into the day shift; 02:32 UTC the same day
FACE_ID = "11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def templates() -> dict[str, list[np.ndarray]]:
    return {
        PERSON_A: descriptors(lfw(PERSON_A, n) for n in (1, 2, 3)),
        PERSON_B: descriptors([lfw(PERSON_B, 1)]),
    }


@pytest.fixture(scope="module")
def frames() -> dict[str, bytes]:
    """Camera frames built once: A with a visitor, A with B (each photo 250x250, side by side)."""
    return {
        "a_and_visitor": side_by_side(lfw(PERSON_A, 4), data(VISITOR)),
        "a_and_b": side_by_side(lfw(PERSON_A, 4), lfw(PERSON_B, 4)),
    }


@pytest.fixture
def device(client, admin_headers) -> dict[str, str]:
    return ingest_key_headers(client, admin_headers)


@pytest.fixture
def site(client, admin_headers) -> dict[str, int]:
    """A day shift, the gate camera, A on the shift and B without one."""
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    new_camera(client, admin_headers, CAMERA)
    return {
        "shift": shift,
        PERSON_A: new_employee(client, admin_headers, shift, "Kofi Annan"),
        PERSON_B: new_employee(client, admin_headers, None, "Keanu Reeves"),
    }


@pytest.fixture
def enrolled(site: dict[str, int], session: Session, templates: dict[str, list[np.ndarray]]) -> dict[str, int]:
    for person in (PERSON_A, PERSON_B):
        add_enrollments(session, site[person], templates[person])
    return site


def check_in(
    client: Any, headers: dict[str, str], image: bytes, camera_id: str | None = CAMERA, timestamp: str | None = None
) -> Any:
    form = {k: v for k, v in {"camera_id": camera_id, "timestamp": timestamp}.items() if v is not None}
    return client.post(FACE_CHECK_IN, files=[jpeg_file("frame.jpg", image, "image")], data=form, headers=headers)


def left_to_right(faces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(faces, key=lambda f: f["box"]["left"])


# --- local engine ---------------------------------------------------------------------------------------------


def test_a_frame_punches_the_employee_and_keeps_the_stranger_for_hr(
    client, device, make_user, session: Session, settings: Settings, enrolled: dict[str, int], frames: dict[str, bytes]
) -> None:
    a = enrolled[PERSON_A]

    response = check_in(client, device, frames["a_and_visitor"], timestamp=FRAME_TIME)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["pending_id"]) == ("processed", None)
    employee_face, stranger = left_to_right(body["faces"])
    assert (employee_face["status"], employee_face["employee_id"], employee_face["error"]) == ("matched", a, None)
    assert 53 <= employee_face["similarity"] <= 100
    punch = employee_face["punch"]
    assert (punch["action"], punch["employee_id"], punch["status"]) == ("check_in", a, "PRESENT")
    assert (punch["attendance_date"], punch["skipped_duplicate"]) == ("2026-11-23", False)
    assert instant(punch["check_in_time"]) == instant(FRAME_TIME)
    assert employee_face["unknown_face_id"] is None
    assert stranger["status"] == "unknown"
    assert (stranger["employee_id"], stranger["punch"], stranger["error"]) == (None, None, None)
    assert stranger["box"]["left"] >= 250  # the right-hand photo

    [record] = all_rows(session, AttendanceRecord)
    assert (record["id"], record["employee_id"], record["check_in_camera_id"]) == (punch["attendance_id"], a, CAMERA)
    [access] = all_rows(session, AccessLog)
    assert (access["employee_id"], access["camera_id"]) == (a, CAMERA)
    assert access["confidence"] == pytest.approx(employee_face["similarity"])
    assert access["entry_time"] == instant(FRAME_TIME)

    unknown = stored(session, UnknownAttendance, stranger["unknown_face_id"])
    assert unknown is not None
    assert (unknown["camera_id"], unknown["status"], unknown["assigned_employee_id"]) == (CAMERA, "pending", None)
    assert unknown["detected_at"] == instant(FRAME_TIME)
    assert unknown["snapshot_path"].startswith("unknown/2026/11/23/")
    crop_file = Path(settings.identity.snapshot_dir) / unknown["snapshot_path"]
    crop = cv2.imdecode(np.frombuffer(crop_file.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    assert crop is not None
    assert stranger["box"]["width"] <= crop.shape[1] <= 250  # the face with some margin, not the whole frame
    snapshot = client.get(f"/api/v1/identity/unknown-faces/{unknown['id']}/snapshot", headers=make_user("hr"))
    assert snapshot.headers["content-type"] == "image/jpeg"
    assert snapshot.content == crop_file.read_bytes()


def test_a_matched_employee_who_cannot_punch_does_not_stop_the_others(
    client, device, session: Session, enrolled: dict[str, int], frames: dict[str, bytes]
) -> None:
    a, b = enrolled[PERSON_A], enrolled[PERSON_B]

    response = check_in(client, device, frames["a_and_b"], timestamp=FRAME_TIME)

    assert response.status_code == 200, response.text
    face_a, face_b = left_to_right(response.json()["faces"])
    assert (face_a["employee_id"], face_a["punch"]["action"], face_a["error"]) == (a, "check_in", None)
    assert (face_b["status"], face_b["employee_id"], face_b["punch"]) == ("matched", b, None)
    assert face_b["error"] == f"employee {b} has no shift assigned"
    assert face_b["unknown_face_id"] is None
    assert [(r["employee_id"], r["status"]) for r in all_rows(session, AttendanceRecord)] == [(a, "PRESENT")]
    assert [r["employee_id"] for r in all_rows(session, AccessLog)] == [a]  # B's refused punch left nothing
    assert count_rows(session, UnknownAttendance) == 0


def test_the_same_face_again_is_a_duplicate_not_a_second_record(
    client, device, session: Session, enrolled: dict[str, int]
) -> None:
    photo = lfw(PERSON_A, 4)
    first = check_in(client, device, photo, timestamp=FRAME_TIME).json()["faces"][0]["punch"]
    again = check_in(client, device, photo, timestamp="2026-11-23T08:10:00+05:30").json()["faces"][0]["punch"]
    assert (first["skipped_duplicate"], again["skipped_duplicate"]) == (False, True)
    assert again["attendance_id"] == first["attendance_id"]
    assert count_rows(session, AttendanceRecord) == 1
    assert count_rows(session, AccessLog) == 2  # seen twice: the access log keeps both


@pytest.mark.usefixtures("site")
def test_unknown_camera_and_bad_images_are_422_and_write_nothing(client, device, session: Session) -> None:
    photo = lfw(PERSON_A, 4)
    error = assert_error(check_in(client, device, photo, camera_id="CAM-NOWHERE"), 422)
    assert [d["field"] for d in error["details"]] == ["camera_id"]
    error = assert_error(check_in(client, device, CORRUPT_JPEG), 422)
    assert [d["field"] for d in error["details"]] == ["image"]
    assert_error(check_in(client, device, photo, timestamp="2026-11-23T08:02:00"), 422)  # no UTC offset
    for model in (AttendanceRecord, AccessLog, UnknownAttendance, PendingRecognition):
        assert count_rows(session, model) == 0


def test_who_may_check_in_by_face(client, make_user) -> None:
    image = lfw(PERSON_A, 4)
    assert_error(check_in(client, make_user("viewer"), image, camera_id=None), 403)
    assert_error(check_in(client, {}, image, camera_id=None), 401)


# --- AWS engine: outage, pending, retry job --------------------------------------------------------------------


@pytest.fixture
def gate(aws_client: TestClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    """A on the day shift at the gate camera, and the device key that posts frames."""
    shift = new_shift(aws_client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)
    new_camera(aws_client, admin_headers, CAMERA)
    return {
        "employee": new_employee(aws_client, admin_headers, shift, "Kofi Annan"),
        "device": ingest_key_headers(aws_client, admin_headers),
    }


def retry_job(clean_db: Engine, settings: Settings, slot: datetime) -> dict[str, Any]:
    assert run_slot(
        create_session_factory(clean_db),
        settings,
        job_named(build_jobs(settings, FaceRuntime(settings)), "attendance.retry_face_punches"),
        slot,
    ) == ("succeeded")
    with create_session_factory(clean_db)() as s:
        run = s.scalar(select(JobRun).where(JobRun.slot_start == slot))
        assert run is not None
        return run.result


def test_an_aws_outage_keeps_the_frame_and_the_job_punches_it_at_capture_time(
    aws_client, aws_settings, rekognition, gate, session: Session, clean_db: Engine
) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    photo = lfw(PERSON_A, 4)

    response = check_in(aws_client, gate["device"], photo, timestamp=FRAME_TIME)

    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["status"], body["faces"]) == ("pending", [])
    pending = stored(session, PendingRecognition, body["pending_id"])
    assert pending is not None
    assert (pending["status"], pending["attempts"], pending["camera_id"]) == ("pending", 0, CAMERA)
    assert pending["captured_at"] == instant(FRAME_TIME)
    assert "ServiceUnavailableException" in pending["last_error"]
    assert pending["image_path"].startswith("pending/2026/11/23/")
    assert pending["image_path"].endswith(".jpg")
    saved = Path(aws_settings.identity.snapshot_dir) / pending["image_path"]
    assert saved.read_bytes() == photo
    assert count_rows(session, AttendanceRecord) == 0
    assert fake.count(CREATE) == 2  # one try and aws_max_retries=1 retry, then the frame waits

    # Still down when the job runs: the frame stays pending, one attempt counted.
    assert retry_job(clean_db, aws_settings, datetime(2026, 11, 26, 4, 5, tzinfo=UTC)) == {
        "processed": 0,
        "failed": 0,
        "still_pending": 1,
        "punches_refused": [],
    }
    pending = stored(session, PendingRecognition, body["pending_id"])
    assert (pending["status"], pending["attempts"]) == ("pending", 1)

    # AWS is back and names A's enrolled face.
    add_enrollments(session, gate["employee"], [None], engine="aws", external_face_id=FACE_ID)
    fake.answers[SEARCH] = searched(FACE_ID, f"emp-{gate['employee']}", similarity=99.5)
    fake.down = False

    assert retry_job(clean_db, aws_settings, datetime(2026, 11, 26, 4, 10, tzinfo=UTC)) == {
        "processed": 1,
        "failed": 0,
        "still_pending": 0,
        "punches_refused": [],
    }

    [record] = all_rows(session, AttendanceRecord)
    assert (record["employee_id"], record["attendance_date"], record["status"]) == (
        gate["employee"],
        datetime(2026, 11, 23).date(),
        "PRESENT",
    )
    assert record["check_in_time"] == instant(FRAME_TIME)  # when the frame was taken, not when AWS came back
    [access] = all_rows(session, AccessLog)
    assert (access["confidence"], access["face_id"], access["camera_id"]) == (99.5, FACE_ID, CAMERA)
    assert access["entry_time"] == instant(FRAME_TIME)
    pending = stored(session, PendingRecognition, body["pending_id"])
    assert (pending["status"], pending["attempts"]) == ("done", 2)
    assert pending["processed_at"] is not None
    # Done is done: the next run has nothing to do.
    assert retry_job(clean_db, aws_settings, datetime(2026, 11, 26, 4, 15, tzinfo=UTC))["processed"] == 0
    assert count_rows(session, AttendanceRecord) == 1


def test_a_face_id_we_do_not_hold_is_an_unknown_face(
    aws_client, aws_settings, rekognition, gate, session: Session
) -> None:
    """AWS still has a face we erased (or never stored): it must not punch anyone."""
    fake, _endpoint = rekognition
    fake.down = True
    pending_id = check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp=FRAME_TIME).json()["pending_id"]
    add_enrollments(session, gate["employee"], [None], engine="aws", external_face_id=FACE_ID)
    fake.answers[SEARCH] = searched("99999999-0000-0000-0000-000000000000", f"emp-{gate['employee']}")
    fake.down = False

    store = SnapshotStore(aws_settings.identity.snapshot_dir)
    result = face_punch.retry_pending(session, aws_settings, aws_client.app.state.resources.faces, store)
    session.commit()

    assert result == {"processed": 1, "failed": 0, "still_pending": 0, "punches_refused": []}
    assert count_rows(session, AttendanceRecord) == 0
    assert count_rows(session, AccessLog) == 0
    [unknown] = all_rows(session, UnknownAttendance)
    assert (unknown["camera_id"], unknown["status"]) == (CAMERA, "pending")
    assert unknown["detected_at"] == instant(FRAME_TIME)
    assert (Path(aws_settings.identity.snapshot_dir) / unknown["snapshot_path"]).is_file()
    assert stored(session, PendingRecognition, pending_id)["status"] == "done"

    # The same answer straight from the endpoint, AWS up: unknown too.
    response = check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp="2026-11-23T08:03:00+05:30")
    assert response.status_code == 200, response.text
    [face] = response.json()["faces"]
    assert (face["status"], face["employee_id"], face["punch"]) == ("unknown", None, None)
    assert face["unknown_face_id"] is not None
    assert count_rows(session, AttendanceRecord) == 0


def test_identify_during_an_aws_outage_is_a_503_not_a_500(aws_client, rekognition, make_user) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    response = aws_client.post(
        "/api/v1/identity/identify", files=[jpeg_file("frame.jpg", lfw(PERSON_A, 4), "image")], headers=make_user("hr")
    )
    assert_error(response, 503)
    assert "face engine unavailable" in response.json()["error"]["message"]


def test_a_frame_kept_during_an_outage_punches_even_if_its_camera_was_disabled_since(
    aws_client, aws_settings, rekognition, gate, session: Session, admin_headers: dict[str, str]
) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    assert check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp=FRAME_TIME).status_code == 202
    assert aws_client.patch(f"/api/v1/cameras/{CAMERA}", json={"enabled": False}, headers=admin_headers).is_success
    add_enrollments(session, gate["employee"], [None], engine="aws", external_face_id=FACE_ID)
    fake.answers[SEARCH] = searched(FACE_ID, f"emp-{gate['employee']}", similarity=99.5)
    fake.down = False

    store = SnapshotStore(aws_settings.identity.snapshot_dir)
    result = face_punch.retry_pending(session, aws_settings, aws_client.app.state.resources.faces, store)
    session.commit()

    assert result["punches_refused"] == []
    [record] = all_rows(session, AttendanceRecord)
    assert record["check_in_time"] == instant(FRAME_TIME)
    assert count_rows(session, AccessLog) == 1


def test_a_punch_the_rules_refuse_on_reprocessing_is_reported(
    aws_client, aws_settings, rekognition, gate, session: Session
) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    late_night = "2026-11-23T23:30:00+05:30"  # outside the day shift's check-in window
    pending_id = check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp=late_night).json()["pending_id"]
    add_enrollments(session, gate["employee"], [None], engine="aws", external_face_id=FACE_ID)
    fake.answers[SEARCH] = searched(FACE_ID, f"emp-{gate['employee']}", similarity=99.5)
    fake.down = False

    store = SnapshotStore(aws_settings.identity.snapshot_dir)
    result = face_punch.retry_pending(session, aws_settings, aws_client.app.state.resources.faces, store)
    session.commit()

    assert result["processed"] == 1
    assert len(result["punches_refused"]) == 1
    assert result["punches_refused"][0].startswith(f"pending {pending_id}, employee {gate['employee']}: ")
    pending = stored(session, PendingRecognition, pending_id)
    assert pending["status"] == "done"
    assert pending["last_error"].startswith(f"employee {gate['employee']}: ")
    assert count_rows(session, AttendanceRecord) == 0


def test_hr_sees_the_frames_waiting_for_the_engine(aws_client, rekognition, gate, make_user) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    pending_id = check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp=FRAME_TIME).json()["pending_id"]
    hr = make_user("hr")

    listed = aws_client.get("/api/v1/identity/pending-recognitions", params={"status": "pending"}, headers=hr)
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["items"]
    assert (row["id"], row["camera_id"], row["status"], row["attempts"]) == (pending_id, CAMERA, "pending", 0)
    assert "ServiceUnavailableException" in row["last_error"]
    assert "image_path" not in row  # the frame is served nowhere: it holds faces
    done = aws_client.get("/api/v1/identity/pending-recognitions", params={"status": "done"}, headers=hr).json()
    assert done["total"] == 0
    assert_error(aws_client.get("/api/v1/identity/pending-recognitions", headers=make_user("security")), 403)


def test_during_an_outage_later_frames_are_kept_at_once_and_the_job_ends_the_pause(
    aws_client, aws_settings, rekognition, gate, session: Session, make_user
) -> None:
    fake, _endpoint = rekognition
    fake.down = True
    assert check_in(aws_client, gate["device"], lfw(PERSON_A, 4), timestamp=FRAME_TIME).status_code == 202
    requests_so_far = fake.count(CREATE) + fake.count(SEARCH)

    # The engine is paused: the next frame is kept without a single request to AWS, identify answers 503 at once.
    second = check_in(aws_client, gate["device"], lfw(PERSON_A, 5), timestamp=FRAME_TIME)
    assert second.status_code == 202, second.text
    identify = aws_client.post(
        "/api/v1/identity/identify", files=[jpeg_file("f.jpg", lfw(PERSON_A, 4), "image")], headers=make_user("hr")
    )
    assert_error(identify, 503)
    assert "paused" in identify.json()["error"]["message"]
    assert fake.count(CREATE) + fake.count(SEARCH) == requests_so_far
    assert count_rows(session, PendingRecognition) == 2

    # The job still asks AWS; once it answers, the pause ends and frames go straight to the engine again.
    add_enrollments(session, gate["employee"], [None], engine="aws", external_face_id=FACE_ID)
    fake.answers[SEARCH] = searched(FACE_ID, f"emp-{gate['employee']}", similarity=99.5)
    fake.down = False
    store = SnapshotStore(aws_settings.identity.snapshot_dir)
    assert (
        face_punch.retry_pending(session, aws_settings, aws_client.app.state.resources.faces, store)["processed"] == 2
    )
    session.commit()
    third = check_in(aws_client, gate["device"], lfw(PERSON_A, 4))
    assert third.status_code == 200, third.text
    assert third.json()["status"] == "processed"
