"""Managing device API keys: created and shown once, listed, revoked, admin only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factoryai.accounts.models import ApiKey
from factoryai.core import auth
from factoryai.core.db import create_session_factory
from tests.accounts.helpers import KEYS, USERS, create_camera, create_key, me
from tests.conftest import assert_error

KEY_FIELDS = {"id", "name", "key_prefix", "scopes", "camera_ids", "warning", "created_at", "last_used_at", "revoked_at"}


# -------------------------------------------------------------------------------------------- API keys


def test_admin_creates_key_shown_once(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    response = client.post(KEYS, json={"name": "  Gate worker 1  "}, headers=admin_headers)

    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == KEY_FIELDS | {"key"}
    assert created["key"].startswith("fai_")
    assert len(created["key"]) >= 40
    assert created["name"] == "Gate worker 1"
    assert created["scopes"] == ["ingest"]  # the default
    assert created["key"].startswith(created["key_prefix"])
    assert len(created["key_prefix"]) < len(created["key"])
    assert created["revoked_at"] is None
    assert created["last_used_at"] is None

    listed = client.get(KEYS, headers=admin_headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1
    item = listed.json()["items"][0]
    assert set(item) == KEY_FIELDS
    assert item["key_prefix"] == created["key_prefix"]
    key_hash = auth.hash_api_key(created["key"])
    assert created["key"] not in listed.text
    assert key_hash not in listed.text
    assert key_hash not in response.text

    admin_id = me(client, admin_headers)["id"]
    # (No request while this session is open: on SQLite it holds the write lock.)
    with create_session_factory(clean_db)() as s:
        stored = s.scalars(select(ApiKey)).one()
    assert stored.key_hash == key_hash
    assert created["key"] not in (stored.key_hash, stored.key_prefix)
    assert stored.created_by_id == admin_id


def test_each_key_is_different(client: TestClient, admin_headers: dict[str, str]) -> None:
    first = create_key(client, admin_headers, name="one")
    second = create_key(client, admin_headers, name="two")
    assert first["key"] != second["key"]
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "k", "scopes": []},
        {"name": "k", "scopes": ["admin"]},
        {"name": ""},
        {"scopes": ["ingest"]},
        {"name": "k", "key": "fai_chosen-by-me"},
    ],
)
def test_invalid_key_body_is_422(client: TestClient, admin_headers: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(client.post(KEYS, json=body, headers=admin_headers), 422, "validation_error")
    assert client.get(KEYS, headers=admin_headers).json()["total"] == 0


def test_revoked_key_is_401(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)
    other = create_key(client, admin_headers, name="other worker")
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]}).status_code == 200

    revoked = client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert "key" not in revoked.json()
    for headers in ({"X-API-Key": key["key"]}, {"Authorization": f"Bearer {key['key']}"}):
        response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=headers)
        assert_error(response, 401, "unauthorized")
    # Revoking one key leaves the others working.
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": other["key"]}).status_code == 200

    # Revoking again is harmless and keeps the first revocation time.
    again = client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)
    assert again.status_code == 200, again.text
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    listed = {k["id"]: k for k in client.get(KEYS, headers=admin_headers).json()["items"]}
    assert listed[key["id"]]["revoked_at"] == revoked.json()["revoked_at"]
    assert listed[other["id"]]["revoked_at"] is None


def test_revoke_unknown_key_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert_error(client.delete(f"{KEYS}/424242", headers=admin_headers), 404, "not_found")
    response = client.delete(f"{KEYS}/99999999999", headers=admin_headers)
    assert response.status_code in (404, 422), response.text
    assert_error(response, response.status_code)


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_non_admin_cannot_manage_keys(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]], role: str
) -> None:
    key = create_key(client, admin_headers)
    headers = make_user(role)

    error = assert_error(client.post(KEYS, json={"name": "mine"}, headers=headers), 403, "forbidden")
    assert "admin" in error["message"]
    assert_error(client.get(KEYS, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{KEYS}/{key['id']}", headers=headers), 403, "forbidden")

    listed = client.get(KEYS, headers=admin_headers).json()
    assert listed["total"] == 1
    assert listed["items"][0]["revoked_at"] is None


def test_keys_survive_their_creator_being_deactivated(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    """A device key belongs to the site, not to the admin who happened to create it."""
    creator = make_user("admin", username="creator-admin")
    create_camera(client, admin_headers)
    key = create_key(client, creator)
    creator_id = me(client, creator)["id"]

    assert client.patch(f"{USERS}/{creator_id}", json={"is_active": False}, headers=admin_headers).status_code == 200

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})
    assert response.status_code == 200, response.text
