"""Accounts test helpers: log-in, bearer headers, the current user, users, keys and cameras made over the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.core.db import create_session_factory

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
USERS = "/api/v1/users"
KEYS = "/api/v1/api-keys"


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post(LOGIN, data={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_id_of(client: TestClient, headers: dict[str, str]) -> int:
    return me(client, headers)["id"]


def count_rows(engine: Engine, query: Any) -> int:
    with create_session_factory(engine)() as s:
        return s.scalar(query) or 0


def token_headers(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = login(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def create_user(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"username": "someone", "password": "long-enough-pw", "role": "viewer", **fields}
    response = client.post(USERS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_key(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post(KEYS, json={"name": "gate worker", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_camera(client: TestClient, headers: dict[str, str], camera_id: str = "CAM-GATE") -> dict[str, Any]:
    response = client.post(
        "/api/v1/cameras",
        json={"id": camera_id, "name": "Gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()
