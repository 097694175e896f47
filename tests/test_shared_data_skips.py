"""Without ../shared (a fresh clone) the tests that need its research-only data skip with one clear line; with
FACTORYAI_REQUIRE_SHARED_DATA=1 (CI) they fail instead, so nothing is skipped where the data exists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEEDS_DATA = "tests/vision/test_detector.py"  # the group photo is LFW-era research data


def run_pytest(tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FACTORYAI_REQUIRE_SHARED_DATA", "PYTEST_XDIST_WORKER")}
    env.update(FACTORYAI_SHARED_DIR=str(tmp_path / "empty"), **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", NEEDS_DATA],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_tests_needing_shared_data_skip_with_one_line_when_it_is_absent(tmp_path: Path) -> None:
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(summary) == 1, result.stdout
    assert "research-only data in ../shared" in summary[0]
    assert " passed" in result.stdout  # what needs no research data (the bundled model, generated frames) still runs


def test_the_ci_variable_turns_those_skips_into_failures(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, FACTORYAI_REQUIRE_SHARED_DATA="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FACTORYAI_REQUIRE_SHARED_DATA=1" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]
