"""Camera workers: a heartbeat claims the cameras a worker may and wants to run under a lease; another live worker
is refused them until the lease runs out; a worker stopping or a camera disabled frees them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.core.clock import utcnow
from tests.camera_site import add_cameras
from tests.conftest import assert_error

HEARTBEAT = "/api/v1/workers/heartbeat"
TOKEN = "relay-token-0123456789abcdef"


@pytest.fixture
def cameras(session: Session) -> None:
    add_cameras(session, CAM_A="zone", CAM_B="gate", CAM_C="entrance")
    session.commit()


def key(client: TestClient, admin: dict[str, str], *camera_ids: str) -> dict[str, str]:
    response = client.post("/api/v1/api-keys", json={"name": "edge", "camera_ids": list(camera_ids)}, headers=admin)
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["key"]}


def beat(client: TestClient, headers: dict[str, str], worker: str, **fields: Any) -> Any:
    body = {"worker_id": worker, "stream_url": "http://10.0.0.9:8100", "relay_token": TOKEN, **fields}
    return client.post(HEARTBEAT, json=body, headers=headers)


def test_a_worker_gets_the_cameras_of_its_key_with_their_full_source_urls(
    client: TestClient, admin_headers: dict[str, str], cameras: None, session: Session
) -> None:
    session.get(Camera, "CAM-A").source_url = "rtsp://user:secret@10.0.0.5/stream"
    session.commit()
    response = beat(client, key(client, admin_headers, "CAM-A", "CAM-B"), "w1")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [camera["id"] for camera in answer["cameras"]] == ["CAM-A", "CAM-B"]
    assert answer["cameras"][0]["source_url"] == "rtsp://user:secret@10.0.0.5/stream"  # it must open it
    assert answer["held_elsewhere"] == []
    assert answer["lease_seconds"] > 0
    workers = client.get("/api/v1/workers", headers=admin_headers).json()
    assert [(w["id"], w["cameras"], w["online"]) for w in workers] == [("w1", ["CAM-A", "CAM-B"], True)]


def test_a_camera_is_given_to_one_live_worker_only_until_its_lease_runs_out(
    client: TestClient, admin_headers: dict[str, str], cameras: None, session: Session
) -> None:
    both = key(client, admin_headers, "CAM-A")
    assert [c["id"] for c in beat(client, both, "w1").json()["cameras"]] == ["CAM-A"]
    second = beat(client, both, "w2").json()
    assert second["cameras"] == []
    assert second["held_elsewhere"] == ["CAM-A"]
    assert [c["id"] for c in beat(client, both, "w1").json()["cameras"]] == ["CAM-A"]  # renewed, still w1's

    camera = session.get(Camera, "CAM-A")  # w1 stops heartbeating: its lease runs out
    camera.worker_lease_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert [c["id"] for c in beat(client, both, "w2").json()["cameras"]] == ["CAM-A"]
    assert beat(client, both, "w1").json()["held_elsewhere"] == ["CAM-A"]  # w1 back: it must not open it too


def test_a_worker_that_stops_or_a_camera_disabled_frees_the_camera_at_once(
    client: TestClient, admin_headers: dict[str, str], cameras: None
) -> None:
    headers = key(client, admin_headers, "CAM-A", "CAM-B")
    beat(client, headers, "w1")
    assert client.patch("/api/v1/cameras/CAM-B", json={"enabled": False}, headers=admin_headers).status_code == 200
    assert [c["id"] for c in beat(client, headers, "w1").json()["cameras"]] == ["CAM-A"]
    assert beat(client, headers, "w1", cameras=[]).json()["cameras"] == []  # a clean stop gives them back
    assert [c["id"] for c in beat(client, headers, "w2").json()["cameras"]] == ["CAM-A"]


def test_a_worker_may_ask_for_some_of_its_cameras_but_never_for_others(
    client: TestClient, admin_headers: dict[str, str], cameras: None
) -> None:
    headers = key(client, admin_headers, "CAM-A", "CAM-B")
    assert [c["id"] for c in beat(client, headers, "w1", cameras=["CAM-B"]).json()["cameras"]] == ["CAM-B"]
    refused = beat(client, headers, "w1", cameras=["CAM-C"])
    assert_error(refused, 403, "forbidden")


def test_a_workers_outbox_is_listed_as_it_last_reported_it(
    client: TestClient, admin_headers: dict[str, str], cameras: None
) -> None:
    edge = key(client, admin_headers, "CAM-A")
    assert beat(client, edge, "w1", outbox={"pending": 1200, "dropped": 7}).status_code == 200
    assert beat(client, edge, "w2").status_code == 200  # a worker that reports none
    workers = {w["id"]: w for w in client.get("/api/v1/workers", headers=admin_headers).json()}
    assert workers["w1"]["outbox"] == {"pending": 1200, "dropped": 7}
    assert workers["w2"]["outbox"] is None
    assert beat(client, edge, "w1", outbox={"pending": 0, "dropped": 7}).status_code == 200  # delivered
    workers = {w["id"]: w for w in client.get("/api/v1/workers", headers=admin_headers).json()}
    assert workers["w1"]["outbox"] == {"pending": 0, "dropped": 7}


def test_only_device_keys_announce_workers_and_only_admins_list_them(
    client: TestClient, admin_headers: dict[str, str], make_user: Any, cameras: None
) -> None:
    assert_error(beat(client, admin_headers, "w1"), 403, "forbidden")
    assert_error(client.get("/api/v1/workers", headers=make_user("viewer")), 403, "forbidden")
    assert client.post(HEARTBEAT, json={"worker_id": "w1"}).status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stream_url", "ftp://10.0.0.9/x"),
        ("stream_url", "http://user:pw@10.0.0.9:8100"),
        ("relay_token", "short"),
        ("worker_id", "bad id/with slash"),
        ("outbox", {"pending": -1, "dropped": 0}),
        ("outbox", {"pending": 3}),
    ],
)
def test_bad_heartbeats_are_refused_naming_the_field(
    client: TestClient, admin_headers: dict[str, str], cameras: None, field: str, value: str
) -> None:
    response = beat(client, key(client, admin_headers, "CAM-A"), "w1", **{field: value})
    error = assert_error(response, 422, "validation_error")
    assert any(field in item["field"] for item in error["details"])
