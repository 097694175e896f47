"""Guidance for HR, from a new-user trial: with one enrolment photo no other photo of that person matched, with three
all did. The enrolment answer says how many photos the employee has and recommends 3-5, and an unknown face shown to
HR names the employee it came nearest to (a hint for assigning it; the match rule is unchanged)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from factoryai.api.app import create_app
from factoryai.core.config import load_settings
from factoryai.identity.engines.base import Gallery, Match, NearMiss
from factoryai.identity.matching import FaceIndex
from factoryai.identity.service import enrolment_advice

from ._faces import PERSON_A, PERSON_B, VISITOR, data, jpeg_file, lfw

IDENTIFY = "/api/v1/identity/identify"
# Keanu Reeves' photo 8 is 0.54 from his photo 1 alone (over the 0.47 threshold) and 0.39 from the mean of 1-3.
B_QUERY = 8


def new_employee(client: TestClient, headers: dict[str, str], name: str) -> int:
    body = {"name": name, "email": f"{name.replace(' ', '.').lower()}@example.com"}
    response = client.post("/api/v1/employees", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def enrol(client: TestClient, hr: dict[str, str], employee: int, photos: list[bytes]) -> list[dict[str, Any]]:
    files = [jpeg_file(f"{i}.jpg", photo) for i, photo in enumerate(photos, 1)]
    response = client.post(f"/api/v1/employees/{employee}/faces", files=files, headers=hr)
    assert response.status_code == 201, response.text
    return response.json()


def identified(client: TestClient, headers: dict[str, str], photo: bytes) -> dict[str, Any]:
    response = client.post(IDENTIFY, files=[jpeg_file("frame.jpg", photo, "image")], headers=headers)
    assert response.status_code == 200, response.text
    [face] = response.json()["faces"]
    return face


# --- how many photos ---------------------------------------------------------------------------------------------


def test_the_enrolment_answer_counts_the_photos_and_recommends_three_to_five(client, make_user) -> None:
    hr = make_user("hr")
    employee = new_employee(client, hr, "Keanu Reeves")

    [first] = enrol(client, hr, employee, [lfw(PERSON_B, 1)])

    assert first["photos_enrolled"] == 1
    assert "enrol 2 to 4 more (3-5 in all)" in first["recommendation"]
    more = enrol(client, hr, employee, [lfw(PERSON_B, 2), lfw(PERSON_B, 3)])
    assert [row["photos_enrolled"] for row in more] == [3, 3]  # the employee's total, on every item
    assert all(row["recommendation"] == "3 photos enrolled, within the recommended 3-5" for row in more)
    listed = client.get(f"/api/v1/employees/{employee}/faces", headers=hr).json()
    assert [row["id"] for row in listed] == [first["id"], *(row["id"] for row in more)]


@pytest.mark.parametrize(
    ("photos", "says"),
    [
        (0, "enrol 3 to 5 more"),
        (1, "1 photo enrolled; enrol 2 to 4 more"),
        (2, "2 photos enrolled; enrol 1 to 3 more"),
        (4, "within the recommended 3-5"),
        (5, "within the recommended 3-5"),
        (6, "more than the recommended 3-5"),
    ],
)
def test_the_advice_follows_the_count(photos: int, says: str) -> None:
    assert says in enrolment_advice(photos)


def test_the_api_description_of_enrolment_recommends_three_to_five() -> None:
    operation = create_app(load_settings()).openapi()["paths"]["/api/v1/employees/{employee_id}/faces"]["post"]
    assert "3-5" in operation["summary"]
    assert "3 to 5 photos" in operation["description"]
    assert "photos_enrolled" in operation["description"]


# --- the nearest employee of an unknown face ----------------------------------------------------------------------


def test_hr_sees_whom_an_unknown_face_came_nearest_to_and_three_photos_make_it_match(client, make_user) -> None:
    hr = make_user("hr")
    a = new_employee(client, hr, "Kofi Annan")
    b = new_employee(client, hr, "Keanu Reeves")
    enrol(client, hr, a, [lfw(PERSON_A, n) for n in (1, 2, 3)])
    enrol(client, hr, b, [lfw(PERSON_B, 1)])

    face = identified(client, hr, lfw(PERSON_B, B_QUERY))

    assert (face["status"], face["employee_id"], face["similarity"]) == ("unknown", None, None)
    nearest = face["nearest"]
    assert (nearest["employee_id"], nearest["reason"]) == (b, "below_threshold")
    assert 40 < nearest["similarity"] < 100 * (1 - 0.47)  # below what a match needs
    # Following the enrolment advice: with three photos the same frame is recognised.
    enrol(client, hr, b, [lfw(PERSON_B, 2), lfw(PERSON_B, 3)])
    matched = identified(client, hr, lfw(PERSON_B, B_QUERY))
    assert (matched["status"], matched["employee_id"], matched["nearest"]) == ("matched", b, None)


def test_only_hr_and_admins_get_the_hint(client, make_user, admin_headers) -> None:
    hr = make_user("hr")
    a = new_employee(client, hr, "Kofi Annan")
    enrol(client, hr, a, [lfw(PERSON_A, n) for n in (1, 2, 3)])
    visitor = data(VISITOR)

    assert identified(client, admin_headers, visitor)["nearest"]["employee_id"] == a
    assert identified(client, make_user("security"), visitor)["nearest"] is None
    key = client.post("/api/v1/api-keys", json={"name": "gate", "scopes": ["ingest"]}, headers=admin_headers)
    assert key.status_code == 201, key.text
    device = identified(client, {"X-API-Key": key.json()["key"]}, visitor)
    assert (device["status"], device["nearest"]) == ("unknown", None)


def test_with_nobody_enrolled_there_is_no_nearest(client, make_user) -> None:
    face = identified(client, make_user("hr"), data(VISITOR))
    assert (face["status"], face["nearest"]) == ("unknown", None)


# --- the rule behind it (pure) -------------------------------------------------------------------------------------


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(128, dtype=np.float32)
    vector[: len(values)] = values
    return vector


def index(*templates: np.ndarray) -> FaceIndex:
    gallery = Gallery(employee_ids=np.arange(1, len(templates) + 1, dtype=np.int64), descriptors=np.stack(templates))
    return FaceIndex(gallery, threshold=0.47, margin=0.08)


def test_a_face_too_far_from_everyone_names_the_nearest_below_threshold() -> None:
    [(match, near)] = index(unit(1.0), unit(0, 1.0)).verdicts(unit(0.4))  # 0.6 from 1, 1.08 from 2
    assert match is None
    assert near == NearMiss(employee_id=1, similarity=40.0, reason="below_threshold")


def test_a_face_close_to_two_people_is_ambiguous_not_a_match() -> None:
    # 0.3 from employee 1, 0.35 from employee 2: within the threshold, but not 0.08 apart.
    [(match, near)] = index(unit(0.3), unit(0, 0, 0.35)).verdicts(unit())
    assert match is None
    assert near == NearMiss(employee_id=1, similarity=70.0, reason="ambiguous")


def test_a_match_has_no_near_miss_and_search_is_unchanged() -> None:
    faces = index(unit(0.2), unit(0, 1.0))
    [(match, near)] = faces.verdicts(unit())
    assert (match, near) == (Match(employee_id=1, similarity=80.0), None)
    assert faces.search(unit()) == match


def test_an_empty_gallery_has_no_near_miss() -> None:
    empty = FaceIndex(Gallery(), threshold=0.47, margin=0.08)
    assert empty.verdicts(unit(0.1)) == [(None, None)]
