"""The import contracts (pyproject.toml, [tool.importlinter]) hold, and they would catch a new cycle between domains."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to break on purpose."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_cycle_between_domains_breaks_the_layers(scratch: Path) -> None:
    # The cycle this project once had: organization asking attendance whether a shift exists.
    service = scratch / "src/factoryai/organization/service.py"
    service.write_text(service.read_text() + "\nfrom factoryai.attendance import service as attendance  # noqa\n")
    result = lint_imports(scratch)
    assert result.returncode == 1, result.stdout
    assert "factoryai.organization is not allowed to import factoryai.attendance" in result.stdout


def test_a_repository_reached_from_another_domain_is_refused(scratch: Path) -> None:
    punch = scratch / "src/factoryai/attendance/face_punch.py"
    punch.write_text("from factoryai.identity import repository as _r  # noqa\n" + punch.read_text())
    result = lint_imports(scratch)
    assert result.returncode == 1, result.stdout
    assert "factoryai.attendance.face_punch -> factoryai.identity.repository" in result.stdout


def test_a_pure_core_that_touches_the_database_is_refused(scratch: Path) -> None:
    shifts = scratch / "src/factoryai/attendance/shifts.py"
    shifts.write_text(shifts.read_text() + "\nfrom sqlalchemy import select  # noqa\n")
    result = lint_imports(scratch)
    assert result.returncode == 1, result.stdout
    assert "factoryai.attendance.shifts is not allowed to import sqlalchemy" in result.stdout
