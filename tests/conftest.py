"""Shared fixtures. Every database test runs on SQLite and on the real PostgreSQL.

FACTORYAI_TEST_BACKENDS=sqlite (or =postgresql) narrows a run to one engine while developing;
`make test` runs both. Each run creates its own PostgreSQL database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from factoryai.accounts.models import User
from factoryai.api.app import create_app
from factoryai.core import auth, migrate
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import Base, create_db_engine, create_session_factory

PG_ADMIN_URL = os.environ.get("FACTORYAI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b.strip() for b in os.environ.get("FACTORYAI_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
# Real test images and labels (DESIGN.md): ../shared beside the checkout. They are research-only (LFW faces, plate
# crops, footage) and never shipped, so a fresh clone may lack them: tests that need them skip with one reason, and
# CI, which always has them, sets FACTORYAI_REQUIRE_SHARED_DATA=1 to turn such a skip into a failure.
SHARED_DIR = Path(os.environ.get("FACTORYAI_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
REQUIRE_SHARED_DATA = os.environ.get("FACTORYAI_REQUIRE_SHARED_DATA", "") == "1"
SHARED_DATA_ABSENT = (
    "needs the research-only data in ../shared (faces, plate labels, footage), which is absent here; "
    "put it beside the checkout or set FACTORYAI_SHARED_DIR"
)
ADMIN_PASSWORD = "admin-password-1"
HR_USERNAME = "hr-anna"  # the `hr` fixture's user
# One argon2 hash for every fixture user: hashing per test would dominate the suite's run time.
FIXTURE_PASSWORD = "fixture-password-1"
_FIXTURE_HASH = auth.hash_password(FIXTURE_PASSWORD)


def _pg_admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_server() -> str:
    """Confirms PostgreSQL is reachable; fails (never skips) when it is not: `make test` starts it."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}); run `make test`, which starts it")
    finally:
        engine.dispose()
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def make_database(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Creates an empty database on a backend and returns its URL; PostgreSQL ones are dropped at the end."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'factoryai.db'}"
        request.getfixturevalue("pg_server")
        name = f"factoryai_test_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    if created:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, make_database: Callable[[str], str]) -> str:
    """A migrated database per backend, shared by the tests of that backend."""
    url = make_database(request.param)
    engine = create_db_engine(load_settings(database={"url": url}).database)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(load_settings(database={"url": db_url}).database)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = [t for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def backend(db_engine: Engine) -> str:
    return db_engine.dialect.name


@pytest.fixture
def clean_db(db_engine: Engine) -> Engine:
    _empty_all_tables(db_engine)
    return db_engine


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        database={"url": db_url},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD, "login_max_failures": 3},
        identity={"snapshot_dir": str(tmp_path / "snapshots")},
        scheduler={"enabled": False},  # tests run jobs explicitly; the scheduler's own tests turn it on
        video={"runtime": "workers"},  # no capture threads; the live-video tests open the cameras themselves
    )


@pytest.fixture
def app(settings: Settings, clean_db: Engine):
    return create_app(settings, engine=clean_db)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def session(clean_db: Engine) -> Iterator[Session]:
    """A session for arranging data directly; commit what the API must see.

    End its transaction (commit or rollback) before calling the API: on SQLite every transaction takes the
    write lock (BEGIN IMMEDIATE), so an open one makes the API wait and finally answer 503.
    """
    with create_session_factory(clean_db)() as s:
        yield s


@pytest.fixture
def make_user(clean_db: Engine, settings: Settings) -> Callable[..., dict[str, str]]:
    """Inserts a user with the given role and returns Authorization headers for it."""
    factory = create_session_factory(clean_db)

    def make(role: str, username: str | None = None, *, is_active: bool = True) -> dict[str, str]:
        with factory() as s:
            user = User(
                username=username or f"{role}-{uuid.uuid4().hex[:6]}",
                role=role,
                password_hash=_FIXTURE_HASH,
                is_active=is_active,
            )
            s.add(user)
            s.commit()
            token = auth.create_access_token(user.id, settings.auth.secret_key.get_secret_value(), 60)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def admin_headers(make_user: Callable[..., dict[str, str]]) -> dict[str, str]:
    return make_user("admin")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Every skip for missing ../shared data is reported from one place, so the summary shows one line for all."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and isinstance(report.longrepr, tuple) and SHARED_DATA_ABSENT in report.longrepr[2]:
        report.longrepr = (__file__, 0, report.longrepr[2])


@pytest.fixture
def hr(make_user: Callable[..., dict[str, str]]) -> dict[str, str]:
    """Authorization headers of an HR user named HR_USERNAME."""
    return make_user("hr", HR_USERNAME)


def shared_file(relative: str) -> Path:
    """A file under ../shared. Missing: the test is skipped (one reason for all, so the summary is one line), or
    fails where FACTORYAI_REQUIRE_SHARED_DATA=1 (CI)."""
    path = SHARED_DIR / relative
    if not path.exists():
        if REQUIRE_SHARED_DATA:
            pytest.fail(f"{path} is missing and FACTORYAI_REQUIRE_SHARED_DATA=1: {SHARED_DATA_ABSENT}")
        pytest.skip(SHARED_DATA_ABSENT)
    return path


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "details"}}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]
