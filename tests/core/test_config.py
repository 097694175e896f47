"""Settings: defaults, sources and their priority, readable errors, self-documentation and masking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from factoryai.core.config import (
    DEV_SECRET_KEY,
    ConfigError,
    DatabaseSettings,
    Settings,
    load_settings,
    masked_dump,
)

STRONG_SECRET = "s3cr3t-" + "x" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an environment without any FACTORYAI_ variable."""
    for name in list(os.environ):
        if name.startswith("FACTORYAI_"):
            monkeypatch.delenv(name)


def write_yaml(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def config_error(**kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(**kwargs)
    return str(info.value)


# --- defaults ---------------------------------------------------------------------------------------


def test_defaults() -> None:
    settings = load_settings()
    assert settings.site.timezone == "Asia/Kolkata"
    assert str(settings.site.tz) == "Asia/Kolkata"
    data_dir = Path("~/.local/share/factoryai").expanduser()
    assert settings.site.data_dir == data_dir  # a fixed folder: the same data whatever folder a command runs from
    assert settings.database.url == f"sqlite:///{data_dir}/factoryai.db"
    assert settings.identity.snapshot_dir == data_dir / "snapshots"
    assert settings.database.is_sqlite
    assert settings.server.environment == "development"
    assert settings.server.port == 8000
    assert settings.server.cors_origins == []
    assert settings.auth.secret_key.get_secret_value() == DEV_SECRET_KEY
    assert settings.auth.bootstrap_admin_password is None
    assert settings.mqtt.password is None


def test_defaults_do_not_leak_between_instances() -> None:
    first = load_settings()
    first.server.cors_origins.append("https://mutated.example")
    assert load_settings().server.cors_origins == []


def test_the_data_dir_moves_the_embedded_database_and_snapshots_unless_they_are_set(tmp_path: Path) -> None:
    moved = load_settings(site={"data_dir": str(tmp_path)})
    assert (moved.database.url, moved.identity.snapshot_dir) == (
        f"sqlite:///{tmp_path}/factoryai.db",
        tmp_path / "snapshots",
    )
    own = load_settings(site={"data_dir": str(tmp_path)}, database={"url": "sqlite:////srv/f.db"})
    assert own.database.url == "sqlite:////srv/f.db"


def test_postgresql_url_is_accepted_and_not_sqlite() -> None:
    settings = load_settings(database={"url": "postgresql+psycopg://u:p@db:5432/factory"})
    assert not settings.database.is_sqlite


# --- environment --------------------------------------------------------------------------------------


def test_env_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("FACTORYAI_DATABASE__URL", url)
    assert load_settings().database.url == url


def test_env_site_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE__TIMEZONE", "Europe/Berlin")
    settings = load_settings()
    assert settings.site.timezone == "Europe/Berlin"
    assert str(settings.site.tz) == "Europe/Berlin"


def test_env_values_are_coerced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__PORT", "9100")
    monkeypatch.setenv("FACTORYAI_DATABASE__ECHO", "true")
    monkeypatch.setenv("FACTORYAI_SERVER__CORS_ORIGINS", '["https://dash.example"]')
    settings = load_settings()
    assert settings.server.port == 9100
    assert settings.database.echo is True
    assert settings.server.cors_origins == ["https://dash.example"]


def test_env_sets_one_field_and_keeps_the_section_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE__NAME", "Plant 7")
    settings = load_settings()
    assert settings.site.name == "Plant 7"
    assert settings.site.timezone == "Asia/Kolkata"


def test_keyword_overrides_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE__NAME", "From env")
    assert load_settings(site={"name": "From kwargs"}).site.name == "From kwargs"


# --- YAML file ----------------------------------------------------------------------------------------


def test_yaml_values(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path,
        "site:\n  name: Pune Plant\n  timezone: Europe/London\nserver:\n  port: 8443\n"
        "database:\n  url: postgresql+psycopg://app:pw@db:5432/factory\n",
    )
    settings = load_settings(path)
    assert settings.site.name == "Pune Plant"
    assert settings.site.timezone == "Europe/London"
    assert settings.server.port == 8443
    assert settings.database.url == "postgresql+psycopg://app:pw@db:5432/factory"
    # What the file leaves out keeps its default.
    assert settings.auth.access_token_expire_minutes == 480


def test_yaml_path_as_string(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "site:\n  name: As string\n")
    assert load_settings(str(path)).site.name == "As string"


def test_env_beats_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(tmp_path, "site:\n  name: From yaml\n  timezone: Europe/London\n")
    monkeypatch.setenv("FACTORYAI_SITE__TIMEZONE", "America/New_York")
    settings = load_settings(path)
    assert settings.site.timezone == "America/New_York"
    assert settings.site.name == "From yaml"  # the file still supplies what env leaves alone


def test_yaml_file_applies_only_to_its_own_load(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "site:\n  name: Only once\n")
    assert load_settings(path).site.name == "Only once"
    assert load_settings().site.name == "Factory"


def test_empty_yaml_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(write_yaml(tmp_path, "")).site.timezone == "Asia/Kolkata"


def test_missing_yaml_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    message = config_error(config_file=missing)
    assert "not found" in message
    assert str(missing) in message


def test_yaml_directory_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(tmp_path)


def test_malformed_yaml_is_a_config_error(tmp_path: Path) -> None:
    """A YAML syntax error must be reported like any other bad configuration, not as a raw parser traceback."""
    path = write_yaml(tmp_path, "site: [1, 2\n")
    with pytest.raises(ConfigError):
        load_settings(path)


def test_yaml_that_is_not_a_mapping_is_a_config_error(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, "- site\n- server\n")
    with pytest.raises(ConfigError):
        load_settings(path)


# --- unknown keys -------------------------------------------------------------------------------------


def test_unknown_key_in_yaml(tmp_path: Path) -> None:
    message = config_error(config_file=write_yaml(tmp_path, "site:\n  bogus: 1\n"))
    assert "site.bogus" in message
    assert "unknown setting" in message


def test_unknown_section_in_yaml(tmp_path: Path) -> None:
    message = config_error(config_file=write_yaml(tmp_path, "sitee:\n  name: typo\n"))
    assert "sitee" in message
    assert "unknown setting" in message


def test_unknown_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE__BOGUS", "1")
    message = config_error()
    assert "site.bogus" in message
    assert "FACTORYAI_SITE__BOGUS" in message
    assert "unknown setting" in message


def test_unknown_key_in_overrides() -> None:
    assert "server.bogus" in config_error(server={"bogus": True})


def test_section_env_var_that_is_not_json_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE", "not json")
    message = config_error()
    assert "site" in message


# --- bad values ---------------------------------------------------------------------------------------


def test_bad_timezone_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SITE__TIMEZONE", "Mars/Olympus_Mons")
    message = config_error()
    assert "site.timezone" in message
    assert "FACTORYAI_SITE__TIMEZONE" in message
    assert "Mars/Olympus_Mons" in message


@pytest.mark.parametrize("zone", ["", "Not/A_Zone", "../../etc/passwd"])
def test_bad_timezone_values(zone: str) -> None:
    assert "site.timezone" in config_error(site={"timezone": zone})


@pytest.mark.parametrize("port", ["0", "65536", "70000", "http"])
def test_bad_port_from_env(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__PORT", port)
    message = config_error()
    assert "server.port" in message
    assert "FACTORYAI_SERVER__PORT" in message


def test_port_bounds_are_inclusive() -> None:
    assert load_settings(server={"port": 1}).server.port == 1
    assert load_settings(server={"port": 65535}).server.port == 65535


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/factory",
        "postgresql://u:p@db/factory",  # psycopg2 driver, not installed
        "sqlite://relative-without-third-slash",
        "factory.db",
    ],
)
def test_unsupported_database_driver(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FACTORYAI_DATABASE__URL", url)
    message = config_error()
    assert "database.url" in message
    assert "FACTORYAI_DATABASE__URL" in message


def test_bad_value_in_yaml_names_field_and_env_var(tmp_path: Path) -> None:
    message = config_error(config_file=write_yaml(tmp_path, "server:\n  max_body_bytes: 10\n"))
    assert "server.max_body_bytes" in message
    assert "FACTORYAI_SERVER__MAX_BODY_BYTES" in message


def test_every_bad_field_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__PORT", "0")
    monkeypatch.setenv("FACTORYAI_SITE__TIMEZONE", "Nowhere/Land")
    message = config_error()
    assert "server.port" in message
    assert "site.timezone" in message


def test_bad_literal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_LOGGING__LEVEL", "LOUD")
    message = config_error()
    assert "logging.level" in message
    assert "FACTORYAI_LOGGING__LEVEL" in message


# --- production safety --------------------------------------------------------------------------------


def test_production_refuses_default_secret() -> None:
    message = config_error(server={"environment": "production"})
    assert "auth.secret_key" in message
    assert "FACTORYAI_AUTH__SECRET_KEY" in message


def test_production_refuses_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__ENVIRONMENT", "production")
    monkeypatch.setenv("FACTORYAI_AUTH__SECRET_KEY", "x" * 31)
    assert "auth.secret_key" in config_error()


def test_production_accepts_long_random_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__ENVIRONMENT", "production")
    monkeypatch.setenv("FACTORYAI_AUTH__SECRET_KEY", "y" * 32)
    settings = load_settings()
    assert settings.server.environment == "production"
    assert settings.auth.secret_key.get_secret_value() == "y" * 32


def test_development_accepts_the_default_secret() -> None:
    assert load_settings(auth={"secret_key": "short"}).auth.secret_key.get_secret_value() == "short"


def test_production_error_does_not_print_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTORYAI_SERVER__ENVIRONMENT", "production")
    monkeypatch.setenv("FACTORYAI_AUTH__SECRET_KEY", "tiny-leaky-secret")
    assert "tiny-leaky-secret" not in config_error()


# --- self-documentation -------------------------------------------------------------------------------


def test_every_section_and_field_has_a_description() -> None:
    missing = []
    checked = 0
    for section_name, section_field in Settings.model_fields.items():
        if not (section_field.description or "").strip():
            missing.append(section_name)
        section_cls = section_field.annotation
        assert isinstance(section_cls, type)
        assert issubclass(section_cls, BaseModel), section_name
        for field_name, field in section_cls.model_fields.items():
            checked += 1
            if not (field.description or "").strip():
                missing.append(f"{section_name}.{field_name}")
    assert missing == []
    assert checked >= 30  # the walk really visited the sections' fields


def test_sections_reject_unknown_keys() -> None:
    for section_name, section_field in Settings.model_fields.items():
        assert section_field.annotation.model_config.get("extra") == "forbid", section_name


# --- masking ------------------------------------------------------------------------------------------


def test_masked_dump_hides_secrets_and_database_password() -> None:
    settings = load_settings(
        database={"url": "postgresql+psycopg://factory:db-pass-123@db.local:5432/factory"},
        auth={"secret_key": STRONG_SECRET, "bootstrap_admin_password": "admin-pass-456"},
        mqtt={"username": "mq", "password": "mqtt-pass-789"},
    )
    data = masked_dump(settings)
    assert data["auth"]["secret_key"] == "**********"
    assert data["auth"]["bootstrap_admin_password"] == "**********"
    assert data["mqtt"]["password"] == "**********"
    assert data["mqtt"]["username"] == "mq"
    assert "db-pass-123" not in data["database"]["url"]
    assert data["database"]["url"].startswith("postgresql+psycopg://factory:")
    assert data["database"]["url"].endswith("@db.local:5432/factory")
    flat = repr(data)
    for secret in (STRONG_SECRET, "admin-pass-456", "mqtt-pass-789", "db-pass-123"):
        assert secret not in flat
    # Masking is a view: the settings themselves still hold the real values.
    assert settings.auth.secret_key.get_secret_value() == STRONG_SECRET
    assert "db-pass-123" in settings.database.url


def test_masked_dump_is_plain_data_with_every_section() -> None:
    data = masked_dump(load_settings())
    assert set(data) == set(Settings.model_fields)
    assert data["site"]["timezone"] == "Asia/Kolkata"
    assert data["database"]["url"].endswith("/.local/share/factoryai/factoryai.db")
    assert data["auth"]["secret_key"] == "**********"
    assert data["auth"]["bootstrap_admin_password"] is None  # unset is shown as unset, not as a mask
    assert isinstance(data["identity"]["snapshot_dir"], str)
    for section in data.values():
        for value in section.values():
            assert not isinstance(value, SecretStr)


def test_database_settings_standalone() -> None:
    db = DatabaseSettings(url="postgresql+psycopg://u@h/d", connect_timeout_seconds=1)
    assert db.connect_timeout_seconds == 1
    assert not db.is_sqlite
