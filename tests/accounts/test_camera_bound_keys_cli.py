"""`factoryai api-key create --camera ...` (repeatable) binds the key to existing cameras, as the API does."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from factoryai.accounts.models import ApiKey
from factoryai.cameras.models import Camera
from factoryai.cli import app
from factoryai.core.config import DatabaseSettings
from factoryai.core.db import create_db_engine, create_session_factory

KEY_LINE = re.compile(r"API key (\d+) \(([a-z, ]+)\): (\S+)")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("FACTORYAI_"):
            monkeypatch.delenv(name)
    return {"FACTORYAI_DATABASE__URL": f"sqlite:///{tmp_path / 'cli.db'}"}


@pytest.fixture
def engine(env: dict[str, str]) -> Iterator[Engine]:
    assert CliRunner().invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    engine = create_db_engine(DatabaseSettings(url=env["FACTORYAI_DATABASE__URL"]))
    with create_session_factory(engine)() as s:
        s.add_all(
            [
                Camera(id="CAM-GATE", name="Gate", source_url="synthetic://vehicles", role="gate"),
                Camera(id="CAM-EXIT", name="Exit", source_url="synthetic://people", role="exit"),
            ]
        )
        s.commit()
    yield engine
    engine.dispose()


def test_repeated_camera_options_bind_the_key(env: dict[str, str], engine: Engine) -> None:
    args = ["api-key", "create", "--name", "gate box", "--camera", "CAM-GATE", "--camera", "cam-exit"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    match = KEY_LINE.search(result.stdout)
    assert match, result.stdout
    assert "bound to cameras: CAM-EXIT, CAM-GATE" in result.stdout
    with create_session_factory(engine)() as s:
        assert s.get(ApiKey, int(match[1])).camera_ids == ["CAM-EXIT", "CAM-GATE"]


def test_an_unknown_camera_makes_no_key(env: dict[str, str], engine: Engine) -> None:
    result = CliRunner().invoke(app, ["api-key", "create", "--name", "x", "--camera", "CAM-NOPE"], env=env)
    assert result.exit_code == 2
    assert "CAM-NOPE" in result.output
    with create_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_an_unbound_ingest_key_is_made_with_a_warning(env: dict[str, str], engine: Engine) -> None:
    result = CliRunner().invoke(app, ["api-key", "create", "--name", "old style"], env=env)
    assert result.exit_code == 0, result.output
    assert KEY_LINE.search(result.stdout)
    assert "not bound to any camera" in result.output
