"""The users API is admin only and needs authentication; fixture users log in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.accounts.helpers import USERS, login, me
from tests.conftest import FIXTURE_PASSWORD, assert_error


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_non_admin_cannot_use_the_users_api(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str], role: str
) -> None:
    headers = make_user(role)
    own_id = me(client, headers)["id"]

    assert_error(client.get(USERS, headers=headers), 403, "forbidden")
    new_user = {"username": "sneaky", "password": "long-enough-pw", "role": "admin"}
    assert_error(client.post(USERS, json=new_user, headers=headers), 403, "forbidden")
    # Not even to promote themselves.
    assert_error(client.patch(f"{USERS}/{own_id}", json={"role": "admin"}, headers=headers), 403, "forbidden")

    assert me(client, headers)["role"] == role
    names = {u["username"] for u in client.get(USERS, headers=admin_headers).json()["items"]}
    assert "sneaky" not in names


def test_users_api_needs_authentication(client: TestClient) -> None:
    response = client.post(USERS, json={"username": "anon", "password": "long-enough-pw", "role": "admin"})
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"


def test_fixture_users_log_in_with_fixture_password(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    # Guards the helpers above: make_user's users share FIXTURE_PASSWORD.
    make_user("viewer", username="fixture-viewer")
    assert login(client, "fixture-viewer", FIXTURE_PASSWORD).status_code == 200
