"""POST/GET/DELETE /api/v1/employees/{id}/faces on the local engine with real photos: all-or-nothing enrolment,
the reasons a photo is refused, size and role limits, and erasure (of the faces alone, or with the employee).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity.models import FaceEnrollment, UnknownAttendance
from factoryai.organization.models import Employee
from tests.attendance.helpers import ingest_key_headers, new_employee, new_shift, punched
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

from ._faces import CORRUPT_JPEG, GROUP, PERSON_A, TEXT, add_enrollments, blank_jpeg, data, jpeg_file, lfw

READ_FIELDS = {"id", "employee_id", "engine", "source_name", "box", "created_at"}


def faces_url(employee_id: int) -> str:
    return f"/api/v1/employees/{employee_id}/faces"


def enrol(client: Any, headers: dict[str, str], employee_id: int, files: list[tuple[str, Any]]) -> Any:
    return client.post(faces_url(employee_id), files=files, headers=headers)


@pytest.fixture
def employee(client, admin_headers) -> int:
    return new_employee(client, admin_headers, None, "Kofi Annan")


@pytest.fixture(scope="module")
def photos() -> list[bytes]:
    return [lfw(PERSON_A, n) for n in (1, 2, 3)]


def stored_templates(session: Session) -> list[dict[str, Any]]:
    session.rollback()
    try:
        rows = session.scalars(select(FaceEnrollment).order_by(FaceEnrollment.id)).all()
        return [{c.key: getattr(r, c.key) for c in FaceEnrollment.__table__.columns} for r in rows]
    finally:
        session.rollback()


# --- enrolment ---------------------------------------------------------------------------------------------------


def test_three_photos_are_enrolled_and_listed_without_their_templates(
    client, hr, session: Session, employee: int, photos: list[bytes]
) -> None:
    files = [jpeg_file(f"{n}.jpg", photo) for n, photo in zip((1, 2, 3), photos, strict=True)]

    response = enrol(client, hr, employee, files)

    assert response.status_code == 201, response.text
    created = response.json()
    assert [row["source_name"] for row in created] == ["1.jpg", "2.jpg", "3.jpg"]
    for row in created:
        assert set(row) == READ_FIELDS | {"photos_enrolled", "recommendation"}  # never the descriptor
        assert (row["employee_id"], row["engine"]) == (employee, "local")
        box = row["box"]
        assert box["width"] >= 80  # identity.enroll_min_face_px
        assert box["left"] >= 0
        assert box["left"] + box["width"] <= 250
        assert box["top"] >= 0
        assert box["top"] + box["height"] <= 250
    listed = client.get(faces_url(employee), headers=hr)
    assert listed.status_code == 200
    assert listed.json() == [{k: v for k, v in row.items() if k in READ_FIELDS} for row in created]
    assert "descriptor" not in listed.text
    assert "embedding" not in listed.text
    rows = stored_templates(session)
    assert [r["id"] for r in rows] == [row["id"] for row in created]
    for r in rows:
        template = np.frombuffer(r["descriptor"], dtype=np.float32)
        assert template.shape == (128,)
        assert 0.5 < float(np.linalg.norm(template)) < 1.5  # a real dlib descriptor, not zeros
        assert r["external_face_id"] is None
    # Three photos of one person: their templates are close together (same person by the calibrated threshold).
    first, *others = (np.frombuffer(r["descriptor"], dtype=np.float32) for r in rows)
    assert all(float(np.linalg.norm(first - other)) < 0.6 for other in others)


def test_one_group_photo_rejects_the_whole_request_naming_it(
    client, hr, session: Session, employee: int, photos: list[bytes]
) -> None:
    files = [jpeg_file("kofi.jpg", photos[0]), jpeg_file("t1.jpg", data(GROUP))]

    error = assert_error(enrol(client, hr, employee, files), 422, "validation_error")

    assert "t1.jpg" in error["message"]
    assert "kofi.jpg" not in error["message"]
    [problem] = error["details"]
    assert problem["image"] == "t1.jpg"
    assert "6 faces found" in problem["reason"]
    assert count_rows(session, FaceEnrollment) == 0  # the good photo was not kept either
    assert client.get(faces_url(employee), headers=hr).json() == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("blank.jpg", None, "no face found"),
        ("notes.txt", TEXT, "not a JPEG or PNG image"),
        ("broken.jpg", CORRUPT_JPEG, "could not be decoded"),
    ],
    ids=["no-face", "text", "corrupt-jpeg"],
)
def test_unusable_photos_are_422_with_their_reason(
    client, hr, session: Session, employee: int, name: str, content: bytes | None, reason: str
) -> None:
    files = [jpeg_file(name, content if content is not None else blank_jpeg())]

    error = assert_error(enrol(client, hr, employee, files), 422, "validation_error")

    assert [(d["field"], d["image"]) for d in error["details"]] == [("images", name)]
    assert reason in error["details"][0]["reason"]
    assert f"{name}: " in error["message"]
    assert count_rows(session, FaceEnrollment) == 0


def test_several_bad_photos_are_all_named(client, hr, session: Session, employee: int) -> None:
    files = [jpeg_file("a.txt", TEXT), jpeg_file("b.jpg", CORRUPT_JPEG)]
    error = assert_error(enrol(client, hr, employee, files), 422)
    assert [p["image"] for p in error["details"]] == ["a.txt", "b.jpg"]
    assert count_rows(session, FaceEnrollment) == 0


def test_six_files_are_refused_before_any_is_read(client, hr, session: Session, employee: int) -> None:
    files = [jpeg_file(f"{n}.jpg", CORRUPT_JPEG) for n in range(6)]
    error = assert_error(enrol(client, hr, employee, files), 422)
    assert [d["field"] for d in error["details"]] == ["images"]
    assert "1 to 5" in error["message"]
    assert count_rows(session, FaceEnrollment) == 0


def test_no_file_at_all_is_422(client, hr, employee: int) -> None:
    assert_error(client.post(faces_url(employee), headers=hr), 422)


def test_an_empty_file_is_422(client, hr, session: Session, employee: int) -> None:
    error = assert_error(enrol(client, hr, employee, [jpeg_file("empty.jpg", b"")]), 422)
    assert "empty" in error["message"]
    assert count_rows(session, FaceEnrollment) == 0


def test_a_photo_over_max_image_mb_is_413(small_image_client, make_user, session: Session, photos: list[bytes]) -> None:
    hr = make_user("hr")
    employee = new_employee(small_image_client, hr, None, "Kofi Annan")
    files = [jpeg_file("small.jpg", blank_jpeg()), jpeg_file("big.jpg", photos[0])]
    assert len(blank_jpeg()) < 5 * 1024 < len(photos[0])

    error = assert_error(enrol(small_image_client, hr, employee, files), 413, "payload_too_large")

    assert [(d["field"], d["file"]) for d in error["details"]] == [("images", "big.jpg")]
    assert "big.jpg" in error["message"]
    assert count_rows(session, FaceEnrollment) == 0


def test_an_unknown_employee_is_404(client, hr, session: Session, photos: list[bytes]) -> None:
    assert_error(enrol(client, hr, 999_999, [jpeg_file("1.jpg", photos[0])]), 404, "not_found")
    assert_error(client.get(faces_url(999_999), headers=hr), 404)
    assert_error(client.delete(faces_url(999_999), headers=hr), 404)
    assert count_rows(session, FaceEnrollment) == 0


def test_only_hr_and_admin_manage_faces(
    client, make_user, admin_headers, session: Session, employee: int, photos: list[bytes]
) -> None:
    files = [jpeg_file("1.jpg", photos[0])]
    for role in ("viewer", "security"):
        headers = make_user(role)
        assert_error(enrol(client, headers, employee, files), 403, "forbidden")
        assert_error(client.get(faces_url(employee), headers=headers), 403)
        assert_error(client.delete(faces_url(employee), headers=headers), 403)
    assert_error(enrol(client, ingest_key_headers(client, admin_headers), employee, files), 403)
    assert_error(enrol(client, {}, employee, files), 401)
    assert_error(client.get(faces_url(employee)), 401)
    assert count_rows(session, FaceEnrollment) == 0

    response = enrol(client, admin_headers, employee, files)
    assert response.status_code == 201, response.text
    [row] = stored_templates(session)
    assert row["created_by_id"] is not None


# --- erasure ---------------------------------------------------------------------------------------------------


def assigned_unknown_face(client: Any, hr: dict[str, str], session: Session, settings: Settings, employee: int) -> int:
    """An unknown face with its crop on disk that HR said was this employee (without a punch): face data of theirs."""
    at = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    path = SnapshotStore(settings.identity.snapshot_dir).save("unknown", blank_jpeg(), at)
    row = UnknownAttendance(detected_at=at, snapshot_path=path, status="pending")
    session.add(row)
    session.commit()
    unknown_id = row.id
    body = {"employee_id": employee, "record_attendance": False}
    response = client.post(f"/api/v1/identity/unknown-faces/{unknown_id}/assign", json=body, headers=hr)
    assert response.status_code == 200, response.text
    assert response.json()["punch"] is None
    return unknown_id


def snapshot_file(settings: Settings, session: Session, unknown_id: int) -> Path:
    row = stored(session, UnknownAttendance, unknown_id)
    assert row is not None
    assert row["snapshot_path"] is not None
    return Path(settings.identity.snapshot_dir) / row["snapshot_path"]


def test_erasing_faces_removes_templates_and_the_snapshots_that_show_them(
    client, hr, session: Session, settings: Settings, employee: int
) -> None:
    other = new_employee(client, hr, None, "Someone Else")
    add_enrollments(session, employee, [np.full(128, 0.05, dtype=np.float32)] * 3)
    add_enrollments(session, other, [np.full(128, 0.06, dtype=np.float32)])
    unknown_id = assigned_unknown_face(client, hr, session, settings, employee)
    crop = snapshot_file(settings, session, unknown_id)
    assert crop.is_file()

    response = client.delete(faces_url(employee), headers=hr)

    assert response.status_code == 200, response.text
    assert response.json() == {"faces_removed": 3, "snapshots_deleted": 1}
    assert client.get(faces_url(employee), headers=hr).json() == []
    assert not crop.exists()
    row = stored(session, UnknownAttendance, unknown_id)
    assert row is not None
    assert (row["snapshot_path"], row["assigned_employee_id"]) == (None, employee)
    assert count_rows(session, FaceEnrollment, employee_id=other) == 1  # nobody else's
    assert len(client.get(faces_url(other), headers=hr).json()) == 1
    again = client.delete(faces_url(employee), headers=hr)
    assert again.json() == {"faces_removed": 0, "snapshots_deleted": 0}


def test_deleting_an_employee_without_history_erases_their_faces(
    client, hr, session: Session, settings: Settings, employee: int
) -> None:
    add_enrollments(session, employee, [np.full(128, 0.05, dtype=np.float32)] * 2)
    unknown_id = assigned_unknown_face(client, hr, session, settings, employee)
    crop = snapshot_file(settings, session, unknown_id)

    assert client.delete(f"/api/v1/employees/{employee}", headers=hr).status_code == 204

    assert stored(session, Employee, employee) is None
    assert count_rows(session, FaceEnrollment) == 0
    assert not crop.exists()
    row = stored(session, UnknownAttendance, unknown_id)
    assert row is not None
    assert (row["snapshot_path"], row["assigned_employee_id"], row["status"]) == (None, None, "assigned")


def test_an_employee_with_history_is_409_and_keeps_their_faces(
    client, hr, admin_headers, session: Session, settings: Settings
) -> None:
    shift = new_shift(client, admin_headers, "Day", "08:00", "17:00")
    employee = new_employee(client, admin_headers, shift, "Kofi Annan")
    add_enrollments(session, employee, [np.full(128, 0.05, dtype=np.float32)] * 2)
    unknown_id = assigned_unknown_face(client, hr, session, settings, employee)
    crop = snapshot_file(settings, session, unknown_id)
    punched(client, hr, employee, "2026-11-23T08:01:00+05:30")

    error = assert_error(client.delete(f"/api/v1/employees/{employee}", headers=hr), 409, "conflict")

    assert "deactivate" in error["message"]
    assert {d["table"]: d["count"] for d in error["details"]} == {"attendance_record": 1}
    assert stored(session, Employee, employee) is not None
    assert len(client.get(faces_url(employee), headers=hr).json()) == 2
    assert crop.is_file()
    row = stored(session, UnknownAttendance, unknown_id)
    assert row is not None
    assert row["snapshot_path"] is not None
