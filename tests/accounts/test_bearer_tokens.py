"""Bearer tokens: expired, forged, foreign, deactivated or missing credentials are 401."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.accounts.models import User
from factoryai.core import auth
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from tests.accounts.helpers import ME, bearer, login, user_id_of
from tests.conftest import FIXTURE_PASSWORD, assert_error


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_token_of_user_deactivated_afterwards_is_refused(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    make_user("security", username="guard-1")
    token = login(client, "guard-1", FIXTURE_PASSWORD).json()["access_token"]
    assert client.get(ME, headers=bearer(token)).status_code == 200
    user_id = user_id_of(client, bearer(token))

    patched = client.patch(f"/api/v1/users/{user_id}", json={"is_active": False}, headers=admin_headers)
    assert patched.status_code == 200, patched.text

    response = client.get(ME, headers=bearer(token))
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"
    assert_error(client.get("/api/v1/departments", headers=bearer(token)), 401, "unauthorized")

    # Re-activated, the old token stays dead (the deactivation bumped the user's token version): log in again.
    client.patch(f"/api/v1/users/{user_id}", json={"is_active": True}, headers=admin_headers)
    assert_error(client.get(ME, headers=bearer(token)), 401, "unauthorized")
    fresh = login(client, "guard-1", FIXTURE_PASSWORD).json()["access_token"]
    assert client.get(ME, headers=bearer(fresh)).status_code == 200


def test_token_of_deleted_user_is_refused(
    client: TestClient, make_user: Callable[..., dict[str, str]], clean_db: Engine
) -> None:
    headers = make_user("viewer", username="temp-viewer")
    user_id = user_id_of(client, headers)
    with create_session_factory(clean_db)() as s:
        s.delete(s.get(User, user_id))
        s.commit()

    assert_error(client.get(ME, headers=headers), 401, "unauthorized")


def test_tampered_token_is_refused(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    viewer_headers = make_user("viewer")
    admin_id = user_id_of(client, admin_headers)
    token = viewer_headers["Authorization"].removeprefix("Bearer ")
    header_part, payload_part, signature = token.split(".")
    payload = json.loads(_b64url_decode(payload_part))
    assert payload["sub"] != str(admin_id)
    payload["sub"] = str(admin_id)  # a viewer trying to become the admin
    forged = ".".join([header_part, _b64url(json.dumps(payload).encode()), signature])

    response = client.get(ME, headers=bearer(forged))

    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"
    # The untouched token still works, so the 401 is due to the tampering.
    assert client.get(ME, headers=viewer_headers).status_code == 200


def test_garbage_token_is_refused(client: TestClient) -> None:
    for token in ("not-a-jwt", "a.b.c", ""):
        response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 401, "unauthorized")


def test_expired_token_is_refused(client: TestClient, settings: Settings, admin_headers: dict[str, str]) -> None:
    admin_id = user_id_of(client, admin_headers)
    secret = settings.auth.secret_key.get_secret_value()
    expired = auth.create_access_token(admin_id, secret, 60, now=utcnow() - timedelta(hours=2))
    fresh = auth.create_access_token(admin_id, secret, 60, now=utcnow() - timedelta(minutes=30))

    response = client.get(ME, headers=bearer(expired))

    error = assert_error(response, 401, "unauthorized")
    assert "expired" in error["message"]
    assert response.headers.get("www-authenticate") == "Bearer"
    assert client.get(ME, headers=bearer(fresh)).status_code == 200


def test_token_signed_with_another_secret_is_refused(
    client: TestClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    admin_id = user_id_of(client, admin_headers)
    other_secret = "another-secret-that-is-long-enough-0123456789"
    assert other_secret != settings.auth.secret_key.get_secret_value()
    foreign = auth.create_access_token(admin_id, other_secret, 60)

    assert_error(client.get(ME, headers=bearer(foreign)), 401, "unauthorized")
    assert_error(client.get("/api/v1/users", headers=bearer(foreign)), 401, "unauthorized")


def test_unsigned_and_wrong_type_tokens_are_refused(
    client: TestClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    admin_id = user_id_of(client, admin_headers)
    now = utcnow()
    claims = {"sub": str(admin_id), "iat": now, "exp": now + timedelta(hours=1), "typ": "access"}
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    refresh = jwt.encode({**claims, "typ": "refresh"}, settings.auth.secret_key.get_secret_value(), algorithm="HS256")
    no_sub = jwt.encode(
        {k: v for k, v in claims.items() if k != "sub"},
        settings.auth.secret_key.get_secret_value(),
        algorithm="HS256",
    )

    for token in (unsigned, refresh, no_sub):
        assert_error(client.get(ME, headers=bearer(token)), 401, "unauthorized")


def test_no_credentials_on_protected_endpoint_is_401_with_www_authenticate(client: TestClient) -> None:
    for path in (ME, "/api/v1/departments", "/api/v1/users", "/api/v1/api-keys"):
        response = client.get(path)
        assert_error(response, 401, "unauthorized")
        assert response.headers.get("www-authenticate") == "Bearer"

    # Wrong scheme: not a bearer token at all.
    basic = client.get(ME, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert_error(basic, 401, "unauthorized")
