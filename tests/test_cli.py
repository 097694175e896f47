"""The `factoryai` command, run in-process against a temporary SQLite file."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from factoryai import __version__
from factoryai.accounts import service as accounts
from factoryai.accounts.models import ApiKey, User
from factoryai.cameras.models import Camera
from factoryai.cli import app
from factoryai.core import auth, migrate
from factoryai.core.config import DatabaseSettings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.organization.models import Department, Employee, Shift

runner = CliRunner()
KEY_LINE = re.compile(r"API key (\d+) \(([a-z, ]+)\): (\S+)")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("FACTORYAI_"):
            monkeypatch.delenv(name)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cli.db"


@pytest.fixture
def env(db_file: Path) -> dict[str, str]:
    return {"FACTORYAI_DATABASE__URL": f"sqlite:///{db_file}"}


@pytest.fixture
def engine(env: dict[str, str]) -> Iterator[Engine]:
    engine = create_db_engine(DatabaseSettings(url=env["FACTORYAI_DATABASE__URL"]))
    yield engine
    engine.dispose()


@pytest.fixture
def migrated(env: dict[str, str]) -> dict[str, str]:
    result = invoke(["db", "upgrade"], env)
    assert result.exit_code == 0, result.output
    return env


def invoke(args: list[str], env: dict[str, str] | None = None):
    return runner.invoke(app, args, env=env or {})


def count(engine: Engine, model: type) -> int:
    with create_session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model))


# --- basics -------------------------------------------------------------------------------------------


def test_version() -> None:
    result = invoke(["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_no_arguments_shows_help() -> None:
    result = invoke([])
    assert "db" in result.output
    assert "seed-demo" in result.output


# --- db upgrade ---------------------------------------------------------------------------------------


def test_db_upgrade_creates_the_file_and_the_schema(env: dict[str, str], db_file: Path) -> None:
    assert not db_file.parent.exists()
    result = invoke(["db", "upgrade"], env)
    assert result.exit_code == 0, result.output
    assert "database is at revision head" in result.stdout
    assert db_file.is_file()
    engine = create_db_engine(DatabaseSettings(url=env["FACTORYAI_DATABASE__URL"]))
    try:
        assert migrate.pending_revisions(engine) is False
    finally:
        engine.dispose()


def test_db_upgrade_twice_is_harmless(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["db", "upgrade"], migrated)
    assert result.exit_code == 0, result.output
    assert migrate.pending_revisions(engine) is False


def test_db_upgrade_to_an_unknown_revision_fails_cleanly(env: dict[str, str]) -> None:
    result = invoke(["db", "upgrade", "no-such-revision"], env)
    assert result.exit_code == 2
    assert "migration failed" in result.output
    assert "Traceback" not in result.output


# --- seed-demo ----------------------------------------------------------------------------------------


def test_seed_demo_adds_data_once(migrated: dict[str, str], engine: Engine) -> None:
    first = invoke(["seed-demo"], migrated)
    assert first.exit_code == 0, first.output
    assert "7 departments added" in first.stdout
    assert "4 shifts added" in first.stdout
    assert "26 employees added" in first.stdout  # 24 and the two people the demo entrance camera shows
    assert "4 cameras added" in first.stdout
    assert "2 faces added" in first.stdout  # theirs, enrolled
    assert (count(engine, Department), count(engine, Shift), count(engine, Employee), count(engine, Camera)) == (
        7,
        4,
        26,
        4,
    )

    second = invoke(["seed-demo"], migrated)
    assert second.exit_code == 0, second.output
    for what in ("departments", "shifts", "employees", "cameras", "faces"):
        assert f"0 {what} added" in second.stdout
    assert count(engine, Employee) == 26
    assert count(engine, Camera) == 4


def test_seed_demo_employee_count_and_top_up(migrated: dict[str, str], engine: Engine) -> None:
    small = invoke(["seed-demo", "--employees", "5"], migrated)
    assert small.exit_code == 0, small.output
    assert "7 employees added" in small.stdout  # and the two demo people
    assert count(engine, Employee) == 7

    more = invoke(["seed-demo", "--employees", "8"], migrated)
    assert more.exit_code == 0, more.output
    assert "3 employees added" in more.stdout
    assert "0 departments added" in more.stdout
    assert count(engine, Employee) == 10


def test_seed_demo_employees_have_shift_and_department(migrated: dict[str, str], engine: Engine) -> None:
    assert invoke(["seed-demo", "--employees", "4"], migrated).exit_code == 0
    with create_session_factory(engine)() as s:
        employees = s.scalars(select(Employee)).all()
    assert len(employees) == 6
    assert all(e.shift_id is not None and e.department_id is not None for e in employees)
    assert len({e.email for e in employees}) == 6


def test_seed_demo_refuses_a_negative_count(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["seed-demo", "--employees", "-1"], migrated)
    assert result.exit_code == 2
    assert count(engine, Department) == 0


def test_seed_demo_on_an_unmigrated_database_fails(env: dict[str, str]) -> None:
    result = invoke(["seed-demo"], env)
    assert result.exit_code != 0


# --- user create --------------------------------------------------------------------------------------


def test_user_create(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(
        ["user", "create", "--username", "x-user", "--password", "longenough1", "--role", "hr", "--full-name", "X"],
        migrated,
    )
    assert result.exit_code == 0, result.output
    assert "created user 'x-user'" in result.stdout
    assert "longenough1" not in result.output
    with create_session_factory(engine)() as s:
        user = s.scalars(select(User).where(User.username == "x-user")).one()
    assert user.role == "hr"
    assert user.full_name == "X"
    assert user.is_active
    assert user.password_hash != "longenough1"
    assert auth.verify_password("longenough1", user.password_hash)
    assert not auth.verify_password("wrong-password", user.password_hash)


def test_user_create_duplicate(migrated: dict[str, str], engine: Engine) -> None:
    args = ["user", "create", "--username", "dup", "--password", "longenough1", "--role", "viewer"]
    assert invoke(args, migrated).exit_code == 0
    again = invoke([*args[:-1], "admin"], migrated)
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "Traceback" not in again.output
    with create_session_factory(engine)() as s:
        users = s.scalars(select(User).where(User.username == "dup")).all()
    assert [u.role for u in users] == ["viewer"]


def test_user_create_short_password(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["user", "create", "--username", "shorty", "--password", "short", "--role", "hr"], migrated)
    assert result.exit_code != 0
    assert "password" in result.output
    assert "8" in result.output
    assert count(engine, User) == 0


def test_user_create_invalid_username(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(
        ["user", "create", "--username", "bad name!", "--password", "longenough1", "--role", "hr"], migrated
    )
    assert result.exit_code == 2
    assert "username" in result.output
    assert count(engine, User) == 0


def test_user_create_unknown_role(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["user", "create", "--username", "someone", "--password", "longenough1", "--role", "god"], migrated)
    assert result.exit_code == 2
    assert count(engine, User) == 0


def test_user_create_prompts_for_the_password(migrated: dict[str, str], engine: Engine) -> None:
    result = runner.invoke(
        app,
        ["user", "create", "--username", "prompted", "--role", "security"],
        env=migrated,
        input="longenough1\nlongenough1\n",
    )
    assert result.exit_code == 0, result.output
    with create_session_factory(engine)() as s:
        user = s.scalars(select(User).where(User.username == "prompted")).one()
    assert auth.verify_password("longenough1", user.password_hash)


# --- api-key create -----------------------------------------------------------------------------------


def test_api_key_create(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["api-key", "create", "--name", "edge", "--scope", "ingest"], migrated)
    assert result.exit_code == 0, result.output
    match = KEY_LINE.search(result.stdout)
    assert match, result.stdout
    key_id, scopes, plaintext = int(match[1]), match[2], match[3]
    assert plaintext.startswith("fai_")
    assert len(plaintext) > 20
    assert scopes == "ingest"
    with create_session_factory(engine)() as s:
        stored = s.get(ApiKey, key_id)
        assert stored is not None
        assert stored.name == "edge"
        assert stored.scopes == ["ingest"]
        assert plaintext not in (stored.key_hash, stored.key_prefix)  # only the hash is kept
        assert accounts.resolve_api_key(s, plaintext).id == key_id


def test_api_key_create_with_two_scopes(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["api-key", "create", "--name", "prom", "--scope", "metrics", "--scope", "ingest"], migrated)
    assert result.exit_code == 0, result.output
    match = KEY_LINE.search(result.stdout)
    assert match, result.stdout
    assert match[2] == "ingest, metrics"
    with create_session_factory(engine)() as s:
        assert s.get(ApiKey, int(match[1])).scopes == ["ingest", "metrics"]


def test_api_keys_are_unique(migrated: dict[str, str]) -> None:
    keys = set()
    for _ in range(2):
        result = invoke(["api-key", "create", "--name", "edge"], migrated)
        assert result.exit_code == 0, result.output
        keys.add(KEY_LINE.search(result.stdout)[3])
    assert len(keys) == 2


def test_api_key_unknown_scope(migrated: dict[str, str], engine: Engine) -> None:
    result = invoke(["api-key", "create", "--name", "edge", "--scope", "root"], migrated)
    assert result.exit_code == 2
    assert count(engine, ApiKey) == 0


# --- config show --------------------------------------------------------------------------------------


def test_config_show_prints_yaml_with_secrets_masked(env: dict[str, str]) -> None:
    secrets = {
        "FACTORYAI_AUTH__SECRET_KEY": "super-secret-signing-key-0123456789",
        "FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD": "bootstrap-pass-42",
        "FACTORYAI_MQTT__PASSWORD": "mqtt-pass-43",
    }
    result = invoke(["config", "show"], {**env, **secrets})
    assert result.exit_code == 0, result.output
    for value in secrets.values():
        assert value not in result.output
    data = yaml.safe_load(result.stdout)
    assert data["auth"]["secret_key"] == "**********"
    assert data["auth"]["bootstrap_admin_password"] == "**********"
    assert data["mqtt"]["password"] == "**********"
    assert data["database"]["url"] == env["FACTORYAI_DATABASE__URL"]
    assert data["site"]["timezone"] == "Asia/Kolkata"


def test_config_show_hides_the_database_password() -> None:
    url = "postgresql+psycopg://factory:db-secret-99@db.internal:5432/factory"
    result = invoke(["config", "show"], {"FACTORYAI_DATABASE__URL": url})
    assert result.exit_code == 0, result.output
    assert "db-secret-99" not in result.output
    data = yaml.safe_load(result.stdout)
    assert "db.internal:5432/factory" in data["database"]["url"]


def test_config_show_does_not_need_a_database(tmp_path: Path) -> None:
    db_file = tmp_path / "never" / "created.db"
    result = invoke(["config", "show"], {"FACTORYAI_DATABASE__URL": f"sqlite:///{db_file}"})
    assert result.exit_code == 0, result.output
    assert not db_file.exists()


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("FACTORYAI_SERVER__PORT", "99999", "server.port"),
        ("FACTORYAI_SITE__TIMEZONE", "Nowhere/City", "site.timezone"),
        ("FACTORYAI_DATABASE__URL", "mysql://root@db/factory", "database.url"),
        ("FACTORYAI_SITE__BOGUS", "1", "site.bogus"),
    ],
)
def test_invalid_env_value(name: str, value: str, field: str) -> None:
    result = invoke(["config", "show"], {name: value})
    assert result.exit_code == 2
    assert field in result.output
    assert name in result.output
    assert "Traceback" not in result.output


def test_invalid_env_value_stops_every_command(tmp_path: Path) -> None:
    db_file = tmp_path / "x.db"
    env = {"FACTORYAI_DATABASE__URL": f"sqlite:///{db_file}", "FACTORYAI_SERVER__PORT": "0"}
    result = invoke(["db", "upgrade"], env)
    assert result.exit_code == 2
    assert "server.port" in result.output
    assert not db_file.exists()


def test_config_option_is_honoured(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("site:\n  name: Chakan Plant\n  timezone: Europe/Berlin\nserver:\n  port: 9200\n")
    result = invoke(["--config", str(config), "config", "show"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["site"]["name"] == "Chakan Plant"
    assert data["site"]["timezone"] == "Europe/Berlin"
    assert data["server"]["port"] == 9200


def test_config_env_var_names_the_file_and_env_beats_it(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("site:\n  name: From file\n  timezone: Europe/Berlin\n")
    result = invoke(["config", "show"], {"FACTORYAI_CONFIG": str(config), "FACTORYAI_SITE__TIMEZONE": "Asia/Tokyo"})
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["site"]["name"] == "From file"
    assert data["site"]["timezone"] == "Asia/Tokyo"


def test_config_option_with_a_missing_file(tmp_path: Path) -> None:
    result = invoke(["--config", str(tmp_path / "missing.yaml"), "config", "show"])
    assert result.exit_code == 2
    assert "not found" in result.output


def test_config_file_with_unknown_key(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("server:\n  prot: 9000\n")
    result = invoke(["--config", str(config), "config", "show"])
    assert result.exit_code == 2
    assert "server.prot" in result.output


def test_config_file_with_a_yaml_syntax_error(tmp_path: Path) -> None:
    """A typo in the YAML must end like any other bad setting: exit 2 and a message, no traceback."""
    config = tmp_path / "site.yaml"
    config.write_text("site:\n  name: [unclosed\n")
    result = invoke(["--config", str(config), "config", "show"])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output


def test_config_file_is_used_by_db_upgrade(tmp_path: Path) -> None:
    db_file = tmp_path / "from-yaml.db"
    config = tmp_path / "site.yaml"
    config.write_text(f"database:\n  url: sqlite:///{db_file}\n")
    result = invoke(["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert db_file.is_file()
