"""The users API: PATCH role, active flag, password and name; what an admin may not do to self."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.accounts.helpers import ME, USERS, create_user, login, me, token_headers
from tests.conftest import ADMIN_PASSWORD, assert_error


def test_patch_role_is_active_and_password(client: TestClient, admin_headers: dict[str, str]) -> None:
    user = create_user(client, admin_headers, username="worker", password="first-password")
    old_headers = token_headers(client, "worker", "first-password")

    promoted = client.patch(f"{USERS}/{user['id']}", json={"role": "security"}, headers=admin_headers)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "security"
    # A role change ends the sessions issued before it; a new log-in carries the new role.
    assert_error(client.get(ME, headers=old_headers), 401, "unauthorized")
    assert me(client, token_headers(client, "worker", "first-password"))["role"] == "security"

    repassed = client.patch(f"{USERS}/{user['id']}", json={"password": "second-password"}, headers=admin_headers)
    assert repassed.status_code == 200, repassed.text
    assert "password" not in repassed.json()
    assert token_headers(client, "worker", "second-password")
    assert_error(login(client, "worker", "first-password"), 401, "unauthorized")

    disabled = client.patch(f"{USERS}/{user['id']}", json={"is_active": False}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    assert_error(client.get(ME, headers=old_headers), 401, "unauthorized")

    listed = {u["id"]: u for u in client.get(USERS, headers=admin_headers).json()["items"]}
    assert listed[user["id"]]["role"] == "security"
    assert listed[user["id"]]["is_active"] is False


def test_patch_full_name_may_be_cleared(client: TestClient, admin_headers: dict[str, str]) -> None:
    user = create_user(client, admin_headers, username="named", full_name="Named Person")
    response = client.patch(f"{USERS}/{user['id']}", json={"full_name": None}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["full_name"] is None
    assert response.json()["role"] == "viewer"  # untouched


def test_patch_with_too_short_password_is_422_and_keeps_the_old_one(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    user = create_user(client, admin_headers, username="keeper", password="keeper-password")
    response = client.patch(f"{USERS}/{user['id']}", json={"password": "short"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["password"]
    assert login(client, "keeper", "keeper-password").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": None}, "role"),
        ({"is_active": None}, "is_active"),
        ({"password": None}, "password"),
        ({"role": "root"}, "role"),
        ({"username": "renamed"}, "username"),
    ],
)
def test_invalid_patch_is_422(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    user = create_user(client, admin_headers, username="patched")

    error = assert_error(client.patch(f"{USERS}/{user['id']}", json=body, headers=admin_headers), 422)
    assert field in error["message"]

    after = {u["id"]: u for u in client.get(USERS, headers=admin_headers).json()["items"]}[user["id"]]
    assert after == user


@pytest.mark.parametrize("body", [{"is_active": False}, {"role": "viewer"}, {"role": "hr", "is_active": True}])
def test_admin_cannot_deactivate_or_demote_themself(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    own_id = me(client, admin_headers)["id"]

    response = client.patch(f"{USERS}/{own_id}", json=body, headers=admin_headers)

    assert_error(response, 409, "conflict")
    after = me(client, admin_headers)
    assert after["role"] == "admin"
    assert after["is_active"] is True


def test_admin_may_change_own_name_and_password(client: TestClient) -> None:
    headers = token_headers(client, "admin", ADMIN_PASSWORD)
    own_id = me(client, headers)["id"]

    response = client.patch(
        f"{USERS}/{own_id}",
        json={"full_name": "Site Admin", "password": "brand-new-password", "role": "admin", "is_active": True},
        headers=headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "Site Admin"
    assert login(client, "admin", "brand-new-password").status_code == 200


def test_admin_may_deactivate_another_admin(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    other = make_user("admin", username="other-admin")
    other_id = me(client, other)["id"]

    response = client.patch(f"{USERS}/{other_id}", json={"is_active": False}, headers=admin_headers)

    assert response.status_code == 200, response.text
    assert_error(client.get(USERS, headers=other), 401, "unauthorized")


def test_patch_unknown_user_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    error = assert_error(client.patch(f"{USERS}/424242", json={"role": "hr"}, headers=admin_headers), 404, "not_found")
    assert "424242" in error["message"]


@pytest.mark.parametrize("user_id", ["99999999999", "0", "-1", "abc"])
def test_absurd_user_id_is_404_or_422_never_500(
    client: TestClient, admin_headers: dict[str, str], user_id: str
) -> None:
    response = client.patch(f"{USERS}/{user_id}", json={"role": "hr"}, headers=admin_headers)
    assert response.status_code in (404, 422), response.text
    assert_error(response, response.status_code)
