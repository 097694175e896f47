"""Failed-login throttling: the limit, its reset, its store, app instances and proxies."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from factoryai.accounts.models import LoginFailure
from factoryai.api.app import create_app
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import create_session_factory
from tests.accounts.helpers import LOGIN, count_rows, login
from tests.conftest import ADMIN_PASSWORD, assert_error

# TestClient connects as this host; the throttle keys failures on it.
TEST_CLIENT_HOST = "testclient"


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
    for _ in range(3):
        assert_error(login(client, "ghost-1", "whatever-pass"), 401, "unauthorized")

    assert_error(login(client, "ghost-1", "whatever-pass"), 429, "too_many_requests")
    # Counted per (address, username): guessing at a made-up name locks out no one else behind the address.
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200


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
    # A success clears its own username's failures only; the address's failures for other names still count.
    with create_session_factory(clean_db)() as s:
        assert s.scalars(select(LoginFailure.username)).all() == ["Nobody"]


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
        server={"trusted_proxies": ["10.0.0.0/8"]},
        identity={"snapshot_dir": str(tmp_path / "snapshots")},
    )
    with TestClient(create_app(settings, engine=clean_db), client=("10.0.0.2", 50000)) as c:
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
