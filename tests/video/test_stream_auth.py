"""Who may open a live stream: a logged-in user (header) or a viewer link (URL); never a device key, in either
place, and never a log-in token in the URL (where logs and browser history keep it)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.attendance.helpers import new_camera
from tests.conftest import assert_error

PATHS = ("/api/v1/cameras/CAM-1/stream.mjpeg", "/api/v1/cameras/CAM-1/snapshot.jpg", "/api/video_feed")


@pytest.fixture
def device_key(client: TestClient, admin_headers: dict[str, str]) -> str:
    new_camera(client, admin_headers, "CAM-1", "zone")
    response = client.post("/api/v1/api-keys", json={"name": "edge", "camera_ids": ["CAM-1"]}, headers=admin_headers)
    return response.json()["key"]


@pytest.mark.parametrize("path", PATHS)
def test_a_device_key_opens_no_stream(client: TestClient, device_key: str, path: str) -> None:
    assert_error(client.get(path, headers={"X-API-Key": device_key}), 403)
    assert_error(client.get(path, headers={"Authorization": f"Bearer {device_key}"}), 403)
    assert_error(client.get(path, params={"token": device_key}), 401)  # nor a viewer link


@pytest.mark.parametrize("path", PATHS)
def test_a_log_in_token_is_not_accepted_in_the_url(
    client: TestClient, device_key: str, admin_headers: dict[str, str], path: str
) -> None:
    token = admin_headers["Authorization"].removeprefix("Bearer ")
    assert_error(client.get(path, params={"token": token}), 401)


def test_a_device_key_gets_no_viewer_link(client: TestClient, device_key: str, make_user: Any) -> None:
    assert_error(client.post("/api/v1/cameras/CAM-1/viewer-token", headers={"X-API-Key": device_key}), 403)
