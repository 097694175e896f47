"""Tokens end when access ends: a password change, a deactivation (even if undone) or a role change makes every
token issued before it stale (401, log in again); a token naming no user is a 401; the default secret is warned of."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from factoryai.api.app import create_app
from factoryai.core import auth
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from tests.conftest import FIXTURE_PASSWORD, assert_error

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
USERS = "/api/v1/users"


def log_in(client: TestClient, username: str, password: str = FIXTURE_PASSWORD) -> dict[str, str]:
    response = client.post(LOGIN, data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def user_id(client: TestClient, headers: dict[str, str]) -> int:
    return client.get(ME, headers=headers).json()["id"]


def assert_stale(response: Any) -> None:
    error = assert_error(response, 401, "unauthorized")
    assert "log in again" in error["message"]
    assert response.headers.get("www-authenticate") == "Bearer"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param([{"password": "a-brand-new-password"}], id="password"),
        pytest.param([{"is_active": False}, {"is_active": True}], id="deactivated-and-reactivated"),
        pytest.param([{"role": "security"}], id="role"),
    ],
)
def test_a_change_of_access_ends_every_earlier_token(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str], change: list
) -> None:
    make_user("viewer", username="worker-1")
    before = log_in(client, "worker-1")
    other_device = log_in(client, "worker-1")
    target = user_id(client, before)

    for body in change:
        assert client.patch(f"{USERS}/{target}", json=body, headers=admin_headers).status_code == 200

    assert_stale(client.get(ME, headers=before))
    assert_stale(client.get(ME, headers=other_device))
    password = change[0].get("password", FIXTURE_PASSWORD)
    assert client.get(ME, headers=log_in(client, "worker-1", password)).status_code == 200


def test_a_change_that_grants_or_ends_nothing_keeps_the_token(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    headers = make_user("viewer", username="worker-2")
    target = user_id(client, headers)
    for body in ({"full_name": "Worker Two"}, {"role": "viewer", "is_active": True}):
        assert client.patch(f"{USERS}/{target}", json=body, headers=admin_headers).status_code == 200
    assert client.get(ME, headers=headers).status_code == 200


def _signed(settings: Settings, **claims: Any) -> dict[str, str]:
    now = utcnow()
    payload = {"iat": now, "exp": now + timedelta(hours=1), "typ": "access", "ver": 0, **claims}
    token = jwt.encode(payload, settings.auth.secret_key.get_secret_value(), algorithm=auth.JWT_ALGORITHM)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("sub", ["424242", "0", "99999999999999999999", "2147483648", "abc", "-1", "\u00b2", " 1"])
def test_a_signed_token_whose_subject_is_no_user_is_401(client: TestClient, settings: Settings, sub: str) -> None:
    response = client.get(ME, headers=_signed(settings, sub=sub))
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"


def test_a_token_without_a_version_asks_to_log_in_again(
    client: TestClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    admin_id = user_id(client, admin_headers)
    old_style = _signed(settings, sub=str(admin_id))
    token = old_style["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["ver"]
    unversioned = jwt.encode(claims, settings.auth.secret_key.get_secret_value(), algorithm=auth.JWT_ALGORITHM)
    assert client.get(ME, headers=old_style).status_code == 200
    assert_stale(client.get(ME, headers={"Authorization": f"Bearer {unversioned}"}))


def _startup_warnings(settings: Settings, engine: Any, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING), TestClient(create_app(settings, engine=engine)):
        pass
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_development_with_the_default_secret_warns_at_start_up(
    settings: Settings, clean_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert settings.server.environment == "development"
    warned = _startup_warnings(settings, clean_db, caplog)
    assert any("FACTORYAI_AUTH__SECRET_KEY" in message for message in warned), warned

    own_secret = settings.model_copy(
        update={"auth": settings.auth.model_copy(update={"secret_key": SecretStr("a-site-secret-" + "x" * 30)})}
    )
    assert not any("FACTORYAI_AUTH__SECRET_KEY" in m for m in _startup_warnings(own_secret, clean_db, caplog))
