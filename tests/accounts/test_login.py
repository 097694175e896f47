"""Logging in: form fields, the bearer token it returns, and who is refused with the same 401."""

from __future__ import annotations

import json
from collections.abc import Callable

import jwt
from fastapi.testclient import TestClient

from factoryai.core import auth
from factoryai.core.config import Settings
from tests.accounts.helpers import LOGIN, ME, bearer, login
from tests.conftest import ADMIN_PASSWORD, FIXTURE_PASSWORD, assert_error

# --------------------------------------------------------------------------------------------- log-in


def test_login_returns_bearer_token_that_works_on_me(client: TestClient, settings: Settings) -> None:
    response = login(client, "admin", ADMIN_PASSWORD)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.auth.access_token_expire_minutes * 60
    claims = jwt.decode(
        body["access_token"], settings.auth.secret_key.get_secret_value(), algorithms=[auth.JWT_ALGORITHM]
    )
    assert claims["exp"] - claims["iat"] == body["expires_in"]

    me = client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "admin"
    assert me.json()["role"] == "admin"
    assert me.json()["is_active"] is True
    assert me.json()["last_login_at"] is not None
    assert me.json()["site_timezone"] == settings.site.timezone  # the dashboard shows times and "today" in it
    assert "password_hash" not in me.json()
    assert "password" not in me.json()


def test_login_wants_form_fields_not_json(client: TestClient) -> None:
    response = client.post(LOGIN, json={"username": "admin", "password": ADMIN_PASSWORD})
    error = assert_error(response, 415, "unsupported_media_type")
    assert "application/x-www-form-urlencoded" in error["message"]


def test_login_without_password_is_422(client: TestClient) -> None:
    response = client.post(LOGIN, data={"username": "admin"})
    error = assert_error(response, 422, "validation_error")
    assert "password" in json.dumps(error)


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient) -> None:
    wrong = login(client, "admin", "not-the-password")
    unknown = login(client, "nobody-here", ADMIN_PASSWORD)

    wrong_error = assert_error(wrong, 401, "unauthorized")
    unknown_error = assert_error(unknown, 401, "unauthorized")
    assert wrong.headers.get("www-authenticate") == "Bearer"
    # The same answer either way, so the response doesn't reveal which user names exist.
    assert wrong_error["message"] == unknown_error["message"]
    assert "access_token" not in wrong.text


def test_username_is_case_insensitive(client: TestClient, make_user: Callable[..., dict[str, str]]) -> None:
    make_user("hr", username="Priya.Hr")

    for name in ("ADMIN", "Admin", "admin"):
        response = login(client, name, ADMIN_PASSWORD)
        assert response.status_code == 200, response.text
        me = client.get(ME, headers=bearer(response.json()["access_token"]))
        assert me.json()["username"] == "admin"

    lower = login(client, "priya.hr", FIXTURE_PASSWORD)
    assert lower.status_code == 200, lower.text
    me = client.get(ME, headers=bearer(lower.json()["access_token"]))
    assert me.json()["username"] == "Priya.Hr"
    assert me.json()["role"] == "hr"


def test_password_is_case_sensitive(client: TestClient) -> None:
    assert_error(login(client, "admin", ADMIN_PASSWORD.upper()), 401, "unauthorized")


def test_inactive_user_cannot_log_in(client: TestClient, make_user: Callable[..., dict[str, str]]) -> None:
    make_user("hr", username="gone-hr", is_active=False)

    response = login(client, "gone-hr", FIXTURE_PASSWORD)

    error = assert_error(response, 401, "unauthorized")
    # Indistinguishable from a wrong password.
    assert error["message"] == assert_error(login(client, "gone-hr", "wrong-password"), 401)["message"]
