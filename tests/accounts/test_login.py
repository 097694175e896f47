"""Log-in, bearer tokens, failed-login throttling, roles and the bootstrap admin."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from factoryai.accounts.models import LoginFailure, User
from factoryai.accounts.service import StartupRefusedError
from factoryai.api.app import create_app
from factoryai.core import auth
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import create_session_factory
from tests.conftest import ADMIN_PASSWORD, FIXTURE_PASSWORD, assert_error

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
# TestClient connects as this host; the throttle keys failures on it.
TEST_CLIENT_HOST = "testclient"


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post(LOGIN, data={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_id_of(client: TestClient, headers: dict[str, str]) -> int:
    me = client.get(ME, headers=headers)
    assert me.status_code == 200, me.text
    return me.json()["id"]


def count_rows(engine: Engine, query: Any) -> int:
    with create_session_factory(engine)() as s:
        return s.scalar(query) or 0


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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

    # Re-activated, the same token is good again: the check is on every request, not baked into the token.
    client.patch(f"/api/v1/users/{user_id}", json={"is_active": True}, headers=admin_headers)
    assert client.get(ME, headers=bearer(token)).status_code == 200


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


# ------------------------------------------------------------------------------------------ throttling


def test_fourth_attempt_after_three_failures_is_429_even_with_right_password(
    client: TestClient, settings: Settings
) -> None:
    assert settings.auth.login_max_failures == 3
    for _ in range(3):
        assert_error(login(client, "admin", "wrong-password"), 401, "unauthorized")

    response = login(client, "admin", ADMIN_PASSWORD)

    error = assert_error(response, 429, "too_many_requests")
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= settings.auth.login_failure_window_seconds
    assert error["details"][0]["retry_after_seconds"] == retry_after
    assert "access_token" not in response.text
    # The lock-out holds: a right password during it neither gets in nor resets the counter.
    assert_error(login(client, "admin", ADMIN_PASSWORD), 429, "too_many_requests")


def test_unknown_user_failures_count_too(client: TestClient) -> None:
    for name in ("ghost-1", "ghost-2", "ghost-3"):
        assert_error(login(client, name, "whatever-pass"), 401, "unauthorized")

    assert_error(login(client, "admin", ADMIN_PASSWORD), 429, "too_many_requests")


def test_success_before_the_limit_resets_the_counter(client: TestClient) -> None:
    for _ in range(2):
        assert_error(login(client, "admin", "wrong-password"), 401)
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200

    # Without the reset these two would make four failures and the next try would be refused.
    for _ in range(2):
        assert_error(login(client, "admin", "wrong-password"), 401)
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200

    # The counter still works after a reset.
    for _ in range(3):
        assert_error(login(client, "admin", "wrong-password"), 401)
    assert_error(login(client, "admin", ADMIN_PASSWORD), 429, "too_many_requests")


def test_failures_are_stored_in_the_database(client: TestClient, clean_db: Engine) -> None:
    assert count_rows(clean_db, select(func.count()).select_from(LoginFailure)) == 0
    assert_error(login(client, "admin", "wrong-1"), 401)
    assert_error(login(client, "Nobody", "wrong-2"), 401)

    with create_session_factory(clean_db)() as s:
        rows = s.scalars(select(LoginFailure).order_by(LoginFailure.id)).all()
    assert [r.client_key for r in rows] == [TEST_CLIENT_HOST, TEST_CLIENT_HOST]
    assert [r.username for r in rows] == ["admin", "Nobody"]
    assert all(r.occurred_at.tzinfo is not None for r in rows)

    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200
    assert count_rows(clean_db, select(func.count()).select_from(LoginFailure)) == 0


def test_throttle_holds_across_app_instances_sharing_the_database(
    client: TestClient, settings: Settings, clean_db: Engine
) -> None:
    """Two API processes share one database: failures on one count on the other."""
    other_app = create_app(settings, engine=clean_db)
    with TestClient(other_app) as other:
        assert_error(login(client, "admin", "wrong-1"), 401)
        assert_error(login(other, "admin", "wrong-2"), 401)
        assert_error(login(client, "admin", "wrong-3"), 401)

        for c in (other, client):
            assert_error(login(c, "admin", ADMIN_PASSWORD), 429, "too_many_requests")

    # And a freshly started instance (a restart) still remembers them.
    with TestClient(create_app(settings, engine=clean_db)) as restarted:
        assert_error(login(restarted, "admin", ADMIN_PASSWORD), 429, "too_many_requests")


def test_reset_on_one_instance_applies_to_the_other(client: TestClient, settings: Settings, clean_db: Engine) -> None:
    with TestClient(create_app(settings, engine=clean_db)) as other:
        for _ in range(2):
            assert_error(login(client, "admin", "wrong"), 401)
        assert login(other, "admin", ADMIN_PASSWORD).status_code == 200
        for _ in range(2):
            assert_error(login(client, "admin", "wrong"), 401)
        assert login(client, "admin", ADMIN_PASSWORD).status_code == 200


def test_throttle_is_per_client_address_behind_a_trusted_proxy(db_url: str, clean_db: Engine, tmp_path: Path) -> None:
    settings = load_settings(
        database={"url": db_url},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD, "login_max_failures": 3},
        server={"trust_forwarded_for": True},
        identity={"snapshot_dir": str(tmp_path / "snapshots")},
    )
    with TestClient(create_app(settings, engine=clean_db)) as c:
        attacker = {"X-Forwarded-For": "203.0.113.7, 10.0.0.1"}
        for _ in range(3):
            assert_error(c.post(LOGIN, data={"username": "admin", "password": "x"}, headers=attacker), 401)
        blocked = c.post(LOGIN, data={"username": "admin", "password": ADMIN_PASSWORD}, headers=attacker)
        assert_error(blocked, 429, "too_many_requests")

        other = c.post(
            LOGIN, data={"username": "admin", "password": ADMIN_PASSWORD}, headers={"X-Forwarded-For": "198.51.100.2"}
        )
        assert other.status_code == 200, other.text

    with create_session_factory(clean_db)() as s:
        keys = set(s.scalars(select(LoginFailure.client_key)).all())
    assert keys == {"203.0.113.7"}


# ------------------------------------------------------------------------------------------------ roles

SHIFT = {"shift_name": "General", "start_time": "08:00", "end_time": "17:00", "grace_period_minutes": 5}


def _camera(camera_id: str) -> dict[str, Any]:
    return {"id": camera_id, "name": "Gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance"}


def _user(username: str) -> dict[str, Any]:
    return {"username": username, "password": "long-enough-pw", "role": "viewer"}


def test_viewer_can_read_departments_but_not_create(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    viewer = make_user("viewer")
    assert client.get("/api/v1/departments", headers=viewer).status_code == 200

    response = client.post("/api/v1/departments", json={"name": "Paint"}, headers=viewer)

    error = assert_error(response, 403, "forbidden")
    assert "admin" in error["message"]
    assert "hr" in error["message"]
    assert [d["role"] for d in error["details"]] == ["viewer"]
    assert client.get("/api/v1/departments", headers=viewer).json()["total"] == 0


def test_viewer_cannot_manage_users_and_is_told_admin_is_needed(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    viewer = make_user("viewer")
    error = assert_error(client.get("/api/v1/users", headers=viewer), 403, "forbidden")
    assert "admin" in error["message"]
    assert "hr" not in error["message"]


def test_hr_creates_departments_employees_shifts_but_not_cameras_or_users(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    hr = make_user("hr")

    dept = client.post("/api/v1/departments", json={"name": "Assembly"}, headers=hr)
    assert dept.status_code == 201, dept.text
    shift = client.post("/api/v1/shifts", json=SHIFT, headers=hr)
    assert shift.status_code == 201, shift.text
    employee = client.post(
        "/api/v1/employees",
        json={
            "name": "Asha Rao",
            "email": "asha@example.com",
            "department_id": dept.json()["id"],
            "shift_id": shift.json()["id"],
        },
        headers=hr,
    )
    assert employee.status_code == 201, employee.text

    camera = client.post("/api/v1/cameras", json=_camera("CAM-HR"), headers=hr)
    error = assert_error(camera, 403, "forbidden")
    assert "admin" in error["message"]
    assert_error(client.post("/api/v1/users", json=_user("made-by-hr"), headers=hr), 403, "forbidden")
    assert_error(client.post("/api/v1/api-keys", json={"name": "k"}, headers=hr), 403, "forbidden")

    # Nothing was created by the refused requests.
    assert client.get("/api/v1/cameras", headers=admin_headers).json()["total"] == 0
    names = [u["username"] for u in client.get("/api/v1/users", headers=admin_headers).json()["items"]]
    assert "made-by-hr" not in names


def test_security_reads_but_does_not_create_employees(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/employees", json={"name": "Ravi", "email": "ravi@example.com"}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    security = make_user("security")

    listed = client.get("/api/v1/employees", headers=security)
    assert listed.status_code == 200, listed.text
    assert [e["name"] for e in listed.json()["items"]] == ["Ravi"]
    assert client.get(f"/api/v1/employees/{created.json()['id']}", headers=security).status_code == 200

    response = client.post("/api/v1/employees", json={"name": "Mallory", "email": "m@example.com"}, headers=security)
    error = assert_error(response, 403, "forbidden")
    assert "hr" in error["message"]
    assert [d["role"] for d in error["details"]] == ["security"]
    assert_error(client.patch(f"/api/v1/employees/{created.json()['id']}", json={"name": "X"}, headers=security), 403)
    assert client.get("/api/v1/employees", headers=security).json()["total"] == 1


def test_admin_can_do_all(client: TestClient, admin_headers: dict[str, str]) -> None:
    dept = client.post("/api/v1/departments", json={"name": "Stores"}, headers=admin_headers)
    assert dept.status_code == 201, dept.text
    shift = client.post("/api/v1/shifts", json=SHIFT, headers=admin_headers)
    assert shift.status_code == 201, shift.text
    employee = client.post(
        "/api/v1/employees",
        json={"name": "Kiran", "email": "kiran@example.com", "department_id": dept.json()["id"]},
        headers=admin_headers,
    )
    assert employee.status_code == 201, employee.text
    camera = client.post("/api/v1/cameras", json=_camera("CAM-ADMIN"), headers=admin_headers)
    assert camera.status_code == 201, camera.text
    user = client.post("/api/v1/users", json=_user("made-by-admin"), headers=admin_headers)
    assert user.status_code == 201, user.text
    key = client.post("/api/v1/api-keys", json={"name": "gate worker"}, headers=admin_headers)
    assert key.status_code == 201, key.text
    for path in ("/api/v1/users", "/api/v1/api-keys", "/api/v1/cameras", "/api/v1/employees", "/metrics"):
        assert client.get(path, headers=admin_headers).status_code == 200, path


# ------------------------------------------------------------------------------------- bootstrap admin


def _admin_count(engine: Engine) -> int:
    return count_rows(engine, select(func.count()).select_from(User).where(func.lower(User.username) == "admin"))


def _base_overrides(db_url: str, tmp_path: Path) -> dict[str, Any]:
    return {"database": {"url": db_url}, "identity": {"snapshot_dir": str(tmp_path / "snapshots")}}


@pytest.fixture
def no_bootstrap_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD",
        "FACTORYAI_AUTH__SECRET_KEY",
        "FACTORYAI_SERVER__ENVIRONMENT",
    ):
        monkeypatch.delenv(name, raising=False)


def test_startup_created_the_bootstrap_admin(client: TestClient, clean_db: Engine) -> None:
    assert _admin_count(clean_db) == 1
    response = login(client, "admin", ADMIN_PASSWORD)
    assert response.status_code == 200, response.text
    me = client.get(ME, headers=bearer(response.json()["access_token"])).json()
    assert me["role"] == "admin"
    assert me["full_name"] == "Administrator"


def test_restart_creates_no_second_admin_and_keeps_the_password(
    client: TestClient, clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None
) -> None:
    assert _admin_count(clean_db) == 1
    changed = load_settings(
        **_base_overrides(db_url, tmp_path), auth={"bootstrap_admin_password": "a-different-password-2"}
    )
    for _ in range(2):
        with TestClient(create_app(changed, engine=clean_db)) as restarted:
            assert login(restarted, "admin", ADMIN_PASSWORD).status_code == 200
            assert_error(login(restarted, "admin", "a-different-password-2"), 401)

    assert _admin_count(clean_db) == 1
    assert count_rows(clean_db, select(func.count()).select_from(User)) == 1


def test_production_without_admin_or_bootstrap_password_refuses_to_start(
    clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None
) -> None:
    production = load_settings(
        **_base_overrides(db_url, tmp_path),
        server={"environment": "production"},
        auth={"secret_key": "p" * 40},
    )
    assert production.auth.bootstrap_admin_password is None
    app = create_app(production, engine=clean_db)

    with pytest.raises(StartupRefusedError, match="BOOTSTRAP_ADMIN_PASSWORD"), TestClient(app):
        pass

    assert count_rows(clean_db, select(func.count()).select_from(User)) == 0


def test_production_with_bootstrap_password_starts_and_creates_admin(
    clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None
) -> None:
    production = load_settings(
        **_base_overrides(db_url, tmp_path),
        server={"environment": "production"},
        auth={"secret_key": "p" * 40, "bootstrap_admin_password": "prod-admin-password"},
    )
    with TestClient(create_app(production, engine=clean_db)) as c:
        assert login(c, "admin", "prod-admin-password").status_code == 200
    assert _admin_count(clean_db) == 1


def test_production_with_existing_admin_needs_no_bootstrap_password(
    client: TestClient, clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None
) -> None:
    production = load_settings(
        **_base_overrides(db_url, tmp_path),
        server={"environment": "production"},
        auth={"secret_key": "p" * 40},
    )
    with TestClient(create_app(production, engine=clean_db)) as c:
        assert c.get("/api/health").status_code == 200
    assert _admin_count(clean_db) == 1


def test_too_short_bootstrap_password_refuses_to_start(
    clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None
) -> None:
    short = load_settings(**_base_overrides(db_url, tmp_path), auth={"bootstrap_admin_password": "short"})
    with pytest.raises(StartupRefusedError, match="shorter"), TestClient(create_app(short, engine=clean_db)):
        pass
    assert count_rows(clean_db, select(func.count()).select_from(User)) == 0


def test_development_without_password_generates_and_logs_one(
    clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    development = load_settings(**_base_overrides(db_url, tmp_path))
    assert development.server.environment == "development"
    assert development.auth.bootstrap_admin_password is None

    with caplog.at_level(logging.WARNING), TestClient(create_app(development, engine=clean_db)) as c:
        records = [r for r in caplog.records if r.name == "factoryai.api.app" and "admin" in r.getMessage()]
        assert len(records) == 1, [r.getMessage() for r in caplog.records]
        assert records[0].levelno >= logging.WARNING
        match = re.search(r"password '([^']+)'", records[0].getMessage())
        assert match, records[0].getMessage()
        generated = match.group(1)
        assert len(generated) >= 8

        assert _admin_count(clean_db) == 1
        response = login(c, "admin", generated)
        assert response.status_code == 200, response.text

    # A second start generates nothing and logs no password.
    caplog.clear()
    with caplog.at_level(logging.WARNING), TestClient(create_app(development, engine=clean_db)):
        pass
    assert not [r for r in caplog.records if generated in r.getMessage()]
    assert _admin_count(clean_db) == 1


def test_two_development_databases_get_different_generated_passwords(
    clean_db: Engine, db_url: str, tmp_path: Path, no_bootstrap_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    development = load_settings(**_base_overrides(db_url, tmp_path))
    passwords = []
    for _ in range(2):
        with clean_db.begin() as conn:
            conn.execute(User.__table__.delete())
        caplog.clear()
        with caplog.at_level(logging.WARNING), TestClient(create_app(development, engine=clean_db)):
            pass
        messages = [r.getMessage() for r in caplog.records if r.name == "factoryai.api.app"]
        found = [m.group(1) for m in (re.search(r"password '([^']+)'", msg) for msg in messages) if m]
        assert len(found) == 1, messages
        passwords.append(found[0])
    assert passwords[0] != passwords[1]
