"""Secrets in camera URLs: credentials in the query string are masked like user:***@, and source URLs (even
masked) are shown to admins only; the OpenAPI document says so."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.cameras.schemas import keep_stored_password, mask_credentials
from tests.db_helpers import stored

URL = "/api/v1/cameras"
SECRET_URL = "http://cam:pw@10.0.0.5/cgi-bin/mjpg?channel=1&Password=s3cret&token=abc123"
MASKED_URL = "http://cam:***@10.0.0.5/cgi-bin/mjpg?channel=1&Password=***&token=***"


@pytest.mark.parametrize(
    "name", ["password", "pass", "pwd", "token", "key", "apikey", "auth", "secret", "signature", "PWD", "ApiKey"]
)
def test_each_secret_parameter_is_masked_whatever_its_case(name: str) -> None:
    url = f"http://10.0.0.5/snapshot.jpg?user=admin&{name}=hunter2&channel=1"
    assert mask_credentials(url) == f"http://10.0.0.5/snapshot.jpg?user=admin&{name}=***&channel=1"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (SECRET_URL, MASKED_URL),
        ("rtsp://10.0.0.5/live?pass%77ord=x%20y", "rtsp://10.0.0.5/live?pass%77ord=***"),  # an encoded name
        ("rtsp://10.0.0.5/live?keyframe=1&monkey=2", "rtsp://10.0.0.5/live?keyframe=1&monkey=2"),  # names, not parts
        ("http://10.0.0.5/x?password=&token", "http://10.0.0.5/x?password=&token"),  # nothing there to hide
        ("http://10.0.0.5/x?", "http://10.0.0.5/x?"),  # untouched URLs stay exactly as written
        ("file:///srv/clips/gate.mp4", "file:///srv/clips/gate.mp4"),
    ],
)
def test_masking_keeps_everything_else_as_written(url: str, masked: str) -> None:
    assert mask_credentials(url) == masked


def test_an_edit_that_sends_the_masked_url_back_keeps_the_stored_secrets() -> None:
    edited = MASKED_URL.replace("channel=1", "channel=2")
    assert keep_stored_password(edited, SECRET_URL) == SECRET_URL.replace("channel=1", "channel=2")
    changed = MASKED_URL.replace("token=***", "token=new-token")
    assert keep_stored_password(changed, SECRET_URL) == SECRET_URL.replace("token=abc123", "token=new-token")


def _create(client: Any, admin: dict[str, str]) -> dict[str, Any]:
    body = {"id": "CAM-SNAP", "name": "Snapshot cam", "source_url": SECRET_URL, "role": "entrance"}
    response = client.post(URL, json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def test_admins_see_the_masked_url_and_the_secrets_stay_stored(
    client: Any, admin_headers: dict[str, str], session: Session
) -> None:
    assert _create(client, admin_headers)["source_url"] == MASKED_URL
    assert client.get(f"{URL}/CAM-SNAP", headers=admin_headers).json()["source_url"] == MASKED_URL
    assert client.get(URL, headers=admin_headers).json()["items"][0]["source_url"] == MASKED_URL
    patched = client.patch(f"{URL}/CAM-SNAP", json={"source_url": MASKED_URL}, headers=admin_headers)
    assert patched.json()["source_url"] == MASKED_URL
    assert stored(session, Camera, "CAM-SNAP")["source_url"] == SECRET_URL


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_other_roles_get_the_camera_without_its_source_url(
    client: Any, admin_headers: dict[str, str], make_user: Any, role: str
) -> None:
    _create(client, admin_headers)
    headers = make_user(role)
    one = client.get(f"{URL}/CAM-SNAP", headers=headers)
    assert one.status_code == 200, one.text
    assert one.json()["source_url"] is None
    assert one.json()["name"] == "Snapshot cam"
    assert [c["source_url"] for c in client.get(URL, headers=headers).json()["items"]] == [None]
    assert "10.0.0.5" not in one.text + client.get(URL, headers=headers).text


def test_a_device_heartbeat_answer_has_no_source_url(client: Any, admin_headers: dict[str, str]) -> None:
    _create(client, admin_headers)
    key = client.post("/api/v1/api-keys", json={"name": "cam", "camera_ids": ["CAM-SNAP"]}, headers=admin_headers)
    beat = client.post(f"{URL}/CAM-SNAP/heartbeat", headers={"X-API-Key": key.json()["key"]})
    assert beat.status_code == 200, beat.text
    assert beat.json()["source_url"] is None


def test_the_openapi_document_says_source_url_may_be_null_and_why(client: Any) -> None:
    field = client.get("/openapi.json").json()["components"]["schemas"]["CameraRead"]["properties"]["source_url"]
    assert {"type": "null"} in field["anyOf"]
    assert "admins only" in field["description"]
