"""At most identity.max_concurrent_recognitions face recognitions run at once per app: identify, face check-in and
enrolment beyond that are refused at once with 503 and Retry-After rather than queued (four large images in
parallel once waited 12.8 s). The slots belong to the app's FaceRuntime, never to the process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factoryai.api.app import create_app
from factoryai.core.config import IdentitySettings, Settings, load_settings
from factoryai.core.errors import ServiceUnavailableError
from factoryai.identity.models import FaceEnrollment, PendingRecognition, UnknownAttendance
from factoryai.identity.runtime import RecognitionSlots
from tests.conftest import assert_error
from tests.db_helpers import count_rows

from ._faces import PERSON_A, VISITOR, blank_jpeg, data, jpeg_file, lfw

IDENTIFY = "/api/v1/identity/identify"
FACE_CHECK_IN = "/api/v1/attendance/check-in/face"


def slots(client: TestClient) -> RecognitionSlots:
    return client.app.state.resources.faces.recognitions


def all_taken(client: TestClient) -> ExitStack:
    """Every recognition slot of this app held, as by requests in flight."""
    stack = ExitStack()
    for _ in range(slots(client).limit):
        stack.enter_context(slots(client).hold())
    return stack


def assert_busy(response: Any) -> None:
    error = assert_error(response, 503, "service_unavailable")
    assert response.headers["Retry-After"] == "1"
    assert "identity.max_concurrent_recognitions" in error["message"]
    assert (error["details"][0]["limit"], error["details"][0]["retry_after_seconds"]) == (2, 1)


def identify(client: TestClient, headers: dict[str, str], image: bytes) -> Any:
    return client.post(IDENTIFY, files=[jpeg_file("frame.jpg", image, "image")], headers=headers)


def test_the_default_is_two_per_app() -> None:
    assert IdentitySettings().max_concurrent_recognitions == 2


def test_identify_is_refused_with_retry_after_while_every_slot_is_busy(client, make_user) -> None:
    hr = make_user("hr")
    with all_taken(client):
        assert_busy(identify(client, hr, data(VISITOR)))
    answer = identify(client, hr, data(VISITOR))  # a slot is free again: served
    assert answer.status_code == 200, answer.text
    assert [f["status"] for f in answer.json()["faces"]] == ["unknown"]


def test_a_busy_face_check_in_records_nothing(client, make_user, session: Session) -> None:
    hr = make_user("hr")
    with all_taken(client):
        assert_busy(client.post(FACE_CHECK_IN, files=[jpeg_file("f.jpg", data(VISITOR), "image")], headers=hr))
    # Not an engine outage: the frame is not kept for the retry job, and no unknown face was seen.
    assert count_rows(session, PendingRecognition) == 0
    assert count_rows(session, UnknownAttendance) == 0


def test_a_busy_enrolment_enrols_nothing(client, make_user, session: Session) -> None:
    hr = make_user("hr")
    body = {"name": "Kofi Annan", "email": "kofi@example.com"}
    employee = client.post("/api/v1/employees", json=body, headers=hr).json()["id"]
    with all_taken(client):
        files = [jpeg_file("1.jpg", lfw(PERSON_A, 1))]
        assert_busy(client.post(f"/api/v1/employees/{employee}/faces", files=files, headers=hr))
    assert count_rows(session, FaceEnrollment) == 0


def test_slots_are_given_back_after_refusals_and_failures(client, make_user) -> None:
    hr = make_user("hr")
    assert identify(client, hr, blank_jpeg()).status_code == 200
    assert_error(identify(client, hr, b"\xff\xd8\xff\xe0 not a jpeg"), 422)
    employee = client.post("/api/v1/employees", json={"name": "A", "email": "a@example.com"}, headers=hr).json()["id"]
    no_face = client.post(f"/api/v1/employees/{employee}/faces", files=[jpeg_file("x.jpg", blank_jpeg())], headers=hr)
    assert_error(no_face, 422)  # the engine refused the photo inside its slot

    with all_taken(client):  # would raise if a slot had leaked
        pass


@pytest.fixture
def second_client(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=clean_db)) as client:
        yield client


def test_apps_do_not_share_slots(client, second_client: TestClient, make_user) -> None:
    hr = make_user("hr")
    assert slots(client) is not slots(second_client)
    with all_taken(client):
        assert identify(second_client, hr, blank_jpeg()).status_code == 200


def test_the_bound_is_a_setting(settings: Settings, clean_db: Engine, make_user) -> None:
    one = settings.model_copy(
        update={"identity": settings.identity.model_copy(update={"max_concurrent_recognitions": 1})}
    )
    with TestClient(create_app(one, engine=clean_db)) as client, slots(client).hold():
        assert slots(client).limit == 1
        assert_error(identify(client, make_user("hr"), blank_jpeg()), 503)


def test_callers_nobody_waits_on_wait_for_a_slot_instead_of_being_refused() -> None:
    """The pending-recognition job waits (wait=True); requests are refused."""
    one = RecognitionSlots(1)
    got: list[str] = []

    def job() -> None:
        with one.hold(wait=True):
            got.append("ran")

    with one.hold():
        with pytest.raises(ServiceUnavailableError), one.hold():
            pass
        waiting = threading.Thread(target=job)
        waiting.start()
        waiting.join(timeout=0.2)
        assert waiting.is_alive()  # blocked on the slot, not refused
        assert got == []
    waiting.join()
    assert got == ["ran"]


def test_the_routes_document_the_503_and_its_retry_after() -> None:
    spec = create_app(load_settings()).openapi()
    for method, path in (
        ("post", IDENTIFY),
        ("post", FACE_CHECK_IN),
        ("post", "/api/v1/employees/{employee_id}/faces"),
        ("post", "/api/v1/identity/unknown-faces/{unknown_id}/assign"),
    ):
        busy = spec["paths"][path][method]["responses"]["503"]
        assert "Retry-After" in busy["headers"], path
        assert "max_concurrent_recognitions" in busy["description"], path
