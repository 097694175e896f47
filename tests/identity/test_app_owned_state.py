"""Two apps in one process share no face state: each owns its engine, gallery cache and engine pause (the identify
routes' state used to be module globals, so one app's outage paused the other and galleries were shared)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factoryai.api.app import create_app
from factoryai.core.config import Settings
from tests.conftest import assert_error

from ._faces import PERSON_A, add_enrollments, descriptors, jpeg_file, lfw
from ._rekognition_fake import SEARCH, searched

IDENTIFY = "/api/v1/identity/identify"


def identify(client: TestClient, headers: dict[str, str], photo: bytes):
    return client.post(IDENTIFY, files=[jpeg_file("frame.jpg", photo, "image")], headers=headers)


def test_an_engine_pause_belongs_to_the_app_that_saw_the_failure(
    aws_client: TestClient, aws_settings: Settings, rekognition, clean_db: Engine, make_user
) -> None:
    fake, _endpoint = rekognition
    hr = make_user("hr")
    photo = lfw(PERSON_A, 4)
    fake.down = True
    assert_error(identify(aws_client, hr, photo), 503)  # the first app is now paused for the engine
    fake.down = False
    fake.answers[SEARCH] = searched("11111111-2222-3333-4444-555555555555", "emp-1")
    with TestClient(create_app(aws_settings, engine=clean_db)) as second:
        asked = fake.count(SEARCH)
        answer = identify(second, hr, photo)
        assert answer.status_code == 200, answer.text  # the second app was never paused: it asks AWS
        assert fake.count(SEARCH) == asked + 1
        assert aws_client.app.state.resources.faces is not second.app.state.resources.faces
    paused = identify(aws_client, hr, photo)
    assert_error(paused, 503)
    assert "paused" in paused.json()["error"]["message"]
    assert fake.count(SEARCH) == asked + 1  # the paused app did not call AWS


def test_each_app_builds_its_own_gallery_and_sees_the_others_enrolments(
    client: TestClient, settings: Settings, clean_db: Engine, session: Session, make_user
) -> None:
    hr = make_user("hr")
    employee = client.post(
        "/api/v1/employees", json={"name": "A", "email": "a@example.com"}, headers=make_user("admin")
    ).json()["id"]
    photo = lfw(PERSON_A, 4)
    with TestClient(create_app(settings, engine=clean_db)) as second:
        first_faces, second_faces = client.app.state.resources.faces, second.app.state.resources.faces
        assert identify(client, hr, photo).json()["faces"][0]["status"] == "unknown"
        assert identify(second, hr, photo).json()["faces"][0]["status"] == "unknown"
        url = str(clean_db.url)
        built_first = first_faces.galleries._entries[f"{url}|local"][1]
        assert second_faces.galleries._entries[f"{url}|local"][1] is not built_first
        # An enrolment made by anyone (here: straight into the database) reaches both galleries on the next call.
        add_enrollments(session, employee, descriptors(lfw(PERSON_A, n) for n in (1, 2, 3)))
        session.commit()
        for app_client in (client, second):
            face = identify(app_client, hr, photo).json()["faces"][0]
            assert (face["status"], face["employee_id"]) == ("matched", employee)
