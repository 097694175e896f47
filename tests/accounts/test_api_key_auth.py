"""Authenticating with device API keys: headers, scopes, made-up keys, users on key routes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.accounts.helpers import KEYS, ME, USERS, create_camera, create_key
from tests.conftest import assert_error


def test_key_works_on_heartbeat_in_x_api_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    camera = create_camera(client, admin_headers)
    assert camera["last_seen_at"] is None
    key = create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})

    assert response.status_code == 200, response.text
    assert response.json()["id"] == "CAM-GATE"
    assert response.json()["last_seen_at"] is not None
    stored = client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()
    assert stored["last_seen_at"] == response.json()["last_seen_at"]
    used = client.get(KEYS, headers=admin_headers).json()["items"][0]
    assert used["last_used_at"] is not None


def test_key_works_as_bearer_token(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"Authorization": f"Bearer {key['key']}"})

    assert response.status_code == 200, response.text
    assert response.json()["last_seen_at"] is not None


def test_heartbeat_for_unknown_camera_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-NOPE/heartbeat", headers={"X-API-Key": key["key"]})
    assert_error(response, 404, "not_found")


def test_key_cannot_call_user_endpoints(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers, scopes=["ingest", "metrics"])

    for headers in ({"X-API-Key": key["key"]}, {"Authorization": f"Bearer {key['key']}"}):
        response = client.get("/api/v1/employees", headers=headers)
        error = assert_error(response, 403, "forbidden")
        assert "API key" in error["message"]
        assert "ingest" in error["message"]

        assert_error(client.get(ME, headers=headers), 403, "forbidden")
        assert_error(client.post("/api/v1/departments", json={"name": "K"}, headers=headers), 403, "forbidden")
        assert_error(client.post(KEYS, json={"name": "escalate"}, headers=headers), 403, "forbidden")
        assert_error(client.get(USERS, headers=headers), 403, "forbidden")

    assert client.get(KEYS, headers=admin_headers).json()["total"] == 1
    assert client.get("/api/v1/departments", headers=admin_headers).json()["total"] == 0


def test_metrics_only_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers, name="prometheus", scopes=["metrics"])
    assert key["scopes"] == ["metrics"]

    heartbeat = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})
    error = assert_error(heartbeat, 403, "forbidden")
    assert "ingest" in error["message"]
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None

    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {key['key']}"})
    assert metrics.status_code == 200, metrics.text
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in metrics.text
    assert client.get("/metrics", headers={"X-API-Key": key["key"]}).status_code == 200


def test_ingest_only_key_cannot_scrape_metrics(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers)
    error = assert_error(client.get("/metrics", headers={"X-API-Key": key["key"]}), 403, "forbidden")
    assert "metrics" in error["message"]


def test_metrics_access_by_role(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    assert client.get("/metrics", headers=admin_headers).status_code == 200
    assert_error(client.get("/metrics", headers=make_user("viewer")), 403, "forbidden")
    assert_error(client.get("/metrics"), 401, "unauthorized")


@pytest.mark.parametrize(
    "made_up",
    [
        "fai_" + "A" * 43,
        "fai_",
        "not-even-prefixed",
    ],
)
def test_made_up_key_is_401(client: TestClient, admin_headers: dict[str, str], made_up: str) -> None:
    create_camera(client, admin_headers)
    create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": made_up})

    assert_error(response, 401, "unauthorized")
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None


def test_made_up_key_as_bearer_is_401(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"Authorization": "Bearer fai_" + "B" * 43})
    assert_error(response, 401, "unauthorized")


def test_key_prefix_alone_is_not_a_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key_prefix"]})
    assert_error(response, 401, "unauthorized")


def test_heartbeat_by_users(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    create_camera(client, admin_headers)

    for role in ("viewer", "hr", "security"):
        response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=make_user(role))
        assert_error(response, 403, "forbidden")
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None

    assert_error(client.post("/api/v1/cameras/CAM-GATE/heartbeat"), 401, "unauthorized")
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=admin_headers).status_code == 200
