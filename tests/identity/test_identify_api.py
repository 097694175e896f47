"""POST /api/v1/identity/identify on the local engine with real photos: matches, strangers, deactivation, erasure,
the image formats and sizes it takes, and who may call it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy.orm import Session

from factoryai.identity.models import AccessLog, UnknownAttendance
from tests.attendance.helpers import ingest_key_headers, new_employee
from tests.conftest import assert_error
from tests.db_helpers import count_rows

from ._faces import (
    CORRUPT_JPEG,
    GIF,
    PERSON_A,
    PERSON_B,
    TEXT,
    TOM_HANKS_PNG,
    VISITOR,
    add_enrollments,
    blank_jpeg,
    data,
    descriptors,
    jpeg_file,
    lfw,
)

IDENTIFY = "/api/v1/identity/identify"
MATCH_THRESHOLD = 0.47  # identity.match_threshold's default: a match is at least 100 * (1 - 0.47) similar


@pytest.fixture(scope="module")
def templates() -> dict[str, list[np.ndarray]]:
    """Descriptors of the enrolment photos, computed once: A from photos 1-3, B from photo 1."""
    return {
        PERSON_A: descriptors(lfw(PERSON_A, n) for n in (1, 2, 3)),
        PERSON_B: descriptors([lfw(PERSON_B, 1)]),
    }


@pytest.fixture
def security(make_user) -> dict[str, str]:
    return make_user("security")


@pytest.fixture
def staff(client, admin_headers, session: Session, templates: dict[str, list[np.ndarray]]) -> dict[str, int]:
    """A and B employed and enrolled (rows arranged directly: enrolment has its own tests)."""
    ids = {
        PERSON_A: new_employee(client, admin_headers, None, "Kofi Annan"),
        PERSON_B: new_employee(client, admin_headers, None, "Keanu Reeves"),
    }
    for person, employee_id in ids.items():
        add_enrollments(session, employee_id, templates[person])
    return ids


def identify(client: Any, headers: dict[str, str], image: bytes, name: str = "frame.jpg", **kw: Any) -> Any:
    return client.post(IDENTIFY, files=[jpeg_file(name, image, field="image", **kw)], headers=headers)


def identified(client: Any, headers: dict[str, str], image: bytes, **kw: Any) -> list[dict[str, Any]]:
    response = identify(client, headers, image, **kw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "local"
    return body["faces"]


def test_enrolled_people_are_recognised_in_other_photos(client, make_user, security, session: Session) -> None:
    hr = make_user("hr")
    a = new_employee(client, hr, None, "Kofi Annan")
    b = new_employee(client, hr, None, "Keanu Reeves")
    enrolments = {a: [lfw(PERSON_A, n) for n in (1, 2, 3)], b: [lfw(PERSON_B, 1)]}
    for employee_id, photos in enrolments.items():
        files = [jpeg_file(f"{i}.jpg", photo) for i, photo in enumerate(photos, 1)]
        response = client.post(f"/api/v1/employees/{employee_id}/faces", files=files, headers=hr)
        assert response.status_code == 201, response.text

    [face] = identified(client, security, lfw(PERSON_A, 4))

    assert (face["status"], face["employee_id"]) == ("matched", a)
    assert 100 * (1 - MATCH_THRESHOLD) <= face["similarity"] <= 100
    assert face["face_id"] is None  # the local engine has no face ids
    box = face["box"]
    assert box["width"] >= 80
    assert box["height"] >= 80
    assert box["left"] >= 0
    assert box["left"] + box["width"] <= 250
    [face_b] = identified(client, security, lfw(PERSON_B, 4))
    assert (face_b["status"], face_b["employee_id"]) == ("matched", b)
    assert 0 < face_b["similarity"] <= 100
    # Identification is a question, not an event: nothing is recorded.
    assert count_rows(session, AccessLog) == 0
    assert count_rows(session, UnknownAttendance) == 0


@pytest.mark.usefixtures("staff")
def test_a_visitor_is_unknown(client, security) -> None:
    [face] = identified(client, security, data(VISITOR))
    assert face["status"] == "unknown"
    assert (face["employee_id"], face["similarity"], face["face_id"]) == (None, None, None)
    assert face["box"]["width"] > 0


def test_a_deactivated_employee_is_no_longer_matched(client, admin_headers, security, staff: dict[str, int]) -> None:
    a = staff[PERSON_A]
    photo = lfw(PERSON_A, 4)
    assert identified(client, security, photo)[0]["employee_id"] == a

    patched = client.patch(f"/api/v1/employees/{a}", json={"is_active": False}, headers=admin_headers)
    assert patched.status_code == 200, patched.text

    [face] = identified(client, security, photo)
    assert (face["status"], face["employee_id"]) == ("unknown", None)
    client.patch(f"/api/v1/employees/{a}", json={"is_active": True}, headers=admin_headers)
    assert identified(client, security, photo)[0]["employee_id"] == a


def test_erased_faces_never_match_again(client, make_user, security, staff: dict[str, int]) -> None:
    hr = make_user("hr")
    a = staff[PERSON_A]
    photo = lfw(PERSON_A, 4)
    assert identified(client, security, photo)[0]["employee_id"] == a

    assert client.delete(f"/api/v1/employees/{a}/faces", headers=hr).json()["faces_removed"] == 3

    [face] = identified(client, security, photo)
    assert (face["status"], face["employee_id"]) == ("unknown", None)


def test_erased_faces_never_match_again_when_new_enrolments_reuse_their_row_ids(
    client, make_user, security, session: Session, templates: dict[str, list[np.ndarray]]
) -> None:
    """The gallery cache must notice an erasure even when the next enrolment brings back the same count, largest
    id and id sum (SQLite reuses the ids of deleted rows; a worker may see no identify call in between)."""
    hr = make_user("hr")
    a = new_employee(client, hr, None, "Kofi Annan")
    b = new_employee(client, hr, None, "Keanu Reeves")
    add_enrollments(session, a, templates[PERSON_A])
    photo = lfw(PERSON_A, 4)
    assert identified(client, security, photo)[0]["employee_id"] == a

    assert client.delete(f"/api/v1/employees/{a}/faces", headers=hr).json()["faces_removed"] == 3
    add_enrollments(session, b, templates[PERSON_B] * 3)  # on SQLite these rows get A's erased ids back

    [face] = identified(client, security, photo)
    assert (face["status"], face["employee_id"]) == ("unknown", None)


@pytest.mark.usefixtures("staff")
def test_png_is_accepted(client, security) -> None:
    faces = identified(client, security, data(TOM_HANKS_PNG), name="tom.png", content_type="image/png")
    assert [f["status"] for f in faces] == ["unknown"]
    box = faces[0]["box"]
    assert box["left"] + box["width"] <= 112
    assert box["top"] + box["height"] <= 112


def test_an_image_without_faces_has_none(client, security) -> None:
    assert identified(client, security, blank_jpeg()) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (CORRUPT_JPEG, "could not be decoded"),
        (GIF, "not a JPEG or PNG image"),
        (TEXT, "not a JPEG or PNG image"),
        (b"", "is empty"),
    ],
    ids=["corrupt-jpeg", "gif", "text", "empty"],
)
def test_unusable_images_are_422(client, security, content: bytes, reason: str) -> None:
    error = assert_error(identify(client, security, content), 422, "validation_error")
    assert reason in error["message"]
    assert error["details"][0]["field"] == "image"


def test_the_field_is_required(client, security) -> None:
    assert_error(client.post(IDENTIFY, headers=security), 422)


def test_an_image_over_max_image_mb_is_413(small_image_client, make_user) -> None:
    photo = lfw(PERSON_A, 4)
    assert len(photo) > 5 * 1024
    error = assert_error(identify(small_image_client, make_user("hr"), photo, name="big.jpg"), 413, "payload_too_large")
    assert [(d["field"], d["file"]) for d in error["details"]] == [("image", "big.jpg")]


def test_who_may_identify(client, make_user, admin_headers) -> None:
    image = blank_jpeg()
    assert identify(client, ingest_key_headers(client, admin_headers), image).status_code == 200
    for role in ("hr", "security", "admin"):
        assert identify(client, make_user(role), image).status_code == 200
    assert_error(identify(client, make_user("viewer"), image), 403, "forbidden")
    assert_error(identify(client, ingest_key_headers(client, admin_headers, ["metrics"]), image), 403)
    assert_error(identify(client, {}, image), 401)
