"""The bootstrap admin: created once, production refuses to start without it, dev passwords."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from factoryai.accounts.models import User
from factoryai.accounts.service import StartupRefusedError
from factoryai.api.app import create_app
from factoryai.core.config import load_settings
from tests.accounts.helpers import ME, bearer, count_rows, login
from tests.conftest import ADMIN_PASSWORD, assert_error

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
