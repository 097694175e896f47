"""The CLI run from any folder uses the one data folder, and a command before `db upgrade` says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FACTORYAI = str(Path(sys.executable).with_name("factoryai"))


def run(args: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTORYAI_")}
    env["HOME"] = str(home)  # the default data folder is ~/.local/share/factoryai
    return subprocess.run([FACTORYAI, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_a_command_before_db_upgrade_says_what_to_do_and_creates_nothing(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "somewhere"
    elsewhere.mkdir(parents=True)
    result = run(["attendance", "mark-absent", "--date", "2026-11-02"], home, elsewhere)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "run 'factoryai db upgrade'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # one line, no traceback
    assert not (home / ".local/share/factoryai/factoryai.db").exists()
    assert list(elsewhere.iterdir()) == []


def test_every_folder_sees_the_same_database(tmp_path: Path) -> None:
    home, first, second = tmp_path / "home", tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert run(["db", "upgrade"], home, first).returncode == 0
    assert (home / ".local/share/factoryai/factoryai.db").is_file()
    created = run(["api-key", "create", "--name", "gate box"], home, second)
    assert created.returncode == 0, created.stderr
    assert "API key 1" in created.stdout
    shown = run(["config", "show"], home, first)
    assert str(home / ".local/share/factoryai/factoryai.db") in shown.stdout


def test_an_outdated_schema_is_one_line_too(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / ".local/share/factoryai/factoryai.db"
    database.parent.mkdir(parents=True)
    database.touch()  # an empty file, as an older release or a crashed start could leave
    result = run(
        ["user", "create", "--username", "priya", "--role", "viewer", "--password", "pw-123456"], home, tmp_path
    )
    assert result.returncode == 2
    assert "is not up to date: run 'factoryai db upgrade' first" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
