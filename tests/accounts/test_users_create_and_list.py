"""The users API: listing with pages, creating users, usernames, passwords, bad bodies."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.accounts.models import User
from factoryai.core import auth
from factoryai.core.db import create_session_factory
from tests.accounts.helpers import USERS, create_user, me, token_headers
from tests.conftest import assert_error

USER_FIELDS = {"id", "username", "full_name", "role", "is_active", "last_login_at", "created_at"}


# ----------------------------------------------------------------------------------------------- users


def test_admin_lists_users_with_pagination(client: TestClient, admin_headers: dict[str, str]) -> None:
    for name in ("user-a", "user-b", "user-c"):
        create_user(client, admin_headers, username=name)
    everyone = client.get(USERS, headers=admin_headers)
    assert everyone.status_code == 200, everyone.text
    body = everyone.json()
    # The bootstrap 'admin', the fixture admin and the three made here.
    assert body["total"] == 5
    assert len(body["items"]) == 5
    assert body["limit"] == 50
    assert body["offset"] == 0
    ids = [u["id"] for u in body["items"]]
    assert ids == sorted(ids)
    for user in body["items"]:
        assert set(user) == USER_FIELDS  # no password or hash, ever

    first = client.get(USERS, params={"limit": 2, "offset": 0}, headers=admin_headers).json()
    second = client.get(USERS, params={"limit": 2, "offset": 2}, headers=admin_headers).json()
    third = client.get(USERS, params={"limit": 2, "offset": 4}, headers=admin_headers).json()
    assert (first["total"], second["total"], third["total"]) == (5, 5, 5)
    assert (first["limit"], second["offset"]) == (2, 2)
    assert [len(p["items"]) for p in (first, second, third)] == [2, 2, 1]
    assert [u["id"] for p in (first, second, third) for u in p["items"]] == ids

    beyond = client.get(USERS, params={"offset": 100}, headers=admin_headers).json()
    assert beyond["items"] == []
    assert beyond["total"] == 5


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}])
def test_bad_pagination_is_422(client: TestClient, admin_headers: dict[str, str], params: dict[str, Any]) -> None:
    assert_error(client.get(USERS, params=params, headers=admin_headers), 422, "validation_error")


def test_admin_creates_user_who_can_log_in(client: TestClient, admin_headers: dict[str, str]) -> None:
    created = client.post(
        USERS,
        json={"username": "  Meera.HR  ", "password": "meera-password", "role": "hr", "full_name": "Meera N"},
        headers=admin_headers,
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == USER_FIELDS
    assert body["username"] == "Meera.HR"
    assert body["role"] == "hr"
    assert body["full_name"] == "Meera N"
    assert body["is_active"] is True
    assert body["last_login_at"] is None

    headers = token_headers(client, "meera.hr", "meera-password")
    assert me(client, headers)["id"] == body["id"]
    assert me(client, headers)["role"] == "hr"


def test_password_is_stored_hashed(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    created = create_user(client, admin_headers, username="hashed", password="plain-text-pw")
    with create_session_factory(clean_db)() as s:
        user = s.get(User, created["id"])
        assert user is not None
        assert "plain-text-pw" not in user.password_hash
        assert auth.verify_password("plain-text-pw", user.password_hash)


def test_duplicate_username_case_insensitive_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_user(client, admin_headers, username="Operator")

    for name in ("Operator", "operator", "OPERATOR"):
        response = client.post(
            USERS, json={"username": name, "password": "long-enough-pw", "role": "viewer"}, headers=admin_headers
        )
        error = assert_error(response, 409, "conflict")
        assert [d["field"] for d in error["details"]] == ["username"]
    # The bootstrap admin's name is taken too.
    admin_clash = client.post(
        USERS, json={"username": "Admin", "password": "long-enough-pw", "role": "admin"}, headers=admin_headers
    )
    assert_error(admin_clash, 409, "conflict")
    assert client.get(USERS, headers=admin_headers).json()["total"] == 3


def test_short_password_is_422_naming_password(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        USERS, json={"username": "shorty", "password": "7chars!", "role": "viewer"}, headers=admin_headers
    )

    error = assert_error(response, 422, "validation_error")
    assert "password" in error["message"]
    assert [d["field"] for d in error["details"]] == ["password"]
    # Exactly the minimum is fine.
    create_user(client, admin_headers, username="exact", password="8chars!!")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x1", "password": "long-enough-pw", "role": "superuser"}, "role"),
        ({"username": "x2", "password": "long-enough-pw", "role": "Admin"}, "role"),
        ({"username": "x3", "password": "long-enough-pw"}, "role"),
        ({"username": "x4", "password": "long-enough-pw", "role": "viewer", "is_superuser": True}, "is_superuser"),
        ({"username": "x5", "password": "long-enough-pw", "role": "viewer", "password_hash": "x"}, "password_hash"),
        ({"username": "ab", "password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"username": "has space", "password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"username": "x6", "password": "", "role": "viewer"}, "password"),
    ],
)
def test_invalid_user_body_is_422(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post(USERS, json=body, headers=admin_headers)

    error = assert_error(response, 422, "validation_error")
    fields = [d["field"] for d in error["details"]] if isinstance(error["details"], list) else [str(error["details"])]
    assert any(field in f for f in fields), error
    assert client.get(USERS, headers=admin_headers).json()["total"] == 2
