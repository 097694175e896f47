"""POST /api/v1/identity/cleanup-snapshots and the 02:00 job: old snapshot files go, with every database reference
to them (unknown_attendance, access_log, pending_recognition); new ones stay; each run leaves a system_log line."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity import service
from factoryai.identity.engines.base import Box
from factoryai.identity.models import AccessLog, PendingRecognition, UnknownAttendance
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization.models import Employee
from factoryai.scheduler import runner, slots
from factoryai.scheduler.models import JobRun
from factoryai.scheduler.registry import build_jobs, job_named
from factoryai.system.models import SystemLog
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

CLEANUP = "/api/v1/identity/cleanup-snapshots"
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # 09:30 site time
MIB = 1024 * 1024
SOURCE = "retention.snapshot_cleanup"


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr("factoryai.identity.service.utcnow", lambda: NOW)
    monkeypatch.setattr("factoryai.retention.service.utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def store(settings: Settings) -> SnapshotStore:
    return SnapshotStore(settings.identity.snapshot_dir)


def camera_frame() -> bytes:
    """A real JPEG for record_unknown to crop (the crop is what HR sees)."""
    rng = np.random.default_rng(7)
    ok, encoded = cv2.imencode(".jpg", rng.integers(0, 255, (240, 320, 3), dtype=np.uint8))
    assert ok
    return encoded.tobytes()


def age(store: SnapshotStore, relative: str, days: float) -> Path:
    """Give a saved snapshot the modification time of `days` before NOW."""
    path = store.root / relative
    stamp = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def saved(store: SnapshotStore, kind: str, days: float, size: int = 1000) -> str:
    relative = store.save(kind, b"\xff\xd8\xff" + b"\0" * (size - 3), NOW - timedelta(days=days))
    age(store, relative, days)
    return relative


@dataclass
class Arranged:
    old_unknown: int
    new_unknown: int
    old_access: int
    new_access: int
    old_pending: int
    old_paths: list[str]
    new_paths: list[str]

    def old_bytes(self, store: SnapshotStore) -> int:
        return sum((store.root / p).stat().st_size for p in self.old_paths)


@pytest.fixture
def arranged(session: Session, store: SnapshotStore, frozen_now: datetime) -> Arranged:
    """Old (100 days) and new (89 days) snapshots of every kind that the database refers to, and a stray old one."""
    employee = Employee(name="Asha", email="asha@example.com")
    session.add(employee)
    session.flush()
    frame, box = camera_frame(), Box(left=100, top=60, width=80, height=80)
    old_unknown = service.record_unknown(session, store, frame, box, None, NOW - timedelta(days=100))
    new_unknown = service.record_unknown(session, store, frame, box, None, NOW - timedelta(days=89))
    age(store, old_unknown.snapshot_path, 100)
    age(store, new_unknown.snapshot_path, 89)
    old_pending = service.save_pending(session, store, frame, None, NOW - timedelta(days=120), "engine down")
    old_pending.status = "failed"  # given up on: its frame ages out like any snapshot
    age(store, old_pending.image_path, 120)
    # Still waiting for the engine: kept whatever its age, it is a punch not yet made.
    waiting = service.save_pending(session, store, frame, None, NOW - timedelta(days=120), "engine down")
    age(store, waiting.image_path, 120)
    access = []
    for days in (95, 1):
        entry = service.record_access(
            session, employee.id, None, NOW - timedelta(days=days), 99.0, None, saved(store, "access", days)
        )
        access.append(entry)
    stray = saved(store, "vehicles", 365, size=MIB + MIB // 4)  # referenced by nothing: deleted all the same
    session.commit()
    return Arranged(
        old_unknown=old_unknown.id,
        new_unknown=new_unknown.id,
        old_access=access[0].id,
        new_access=access[1].id,
        old_pending=old_pending.id,
        old_paths=[old_unknown.snapshot_path, access[0].snapshot_path, old_pending.image_path, stray],
        new_paths=[new_unknown.snapshot_path, access[1].snapshot_path, waiting.image_path],
    )


def cleanup_logs(session: Session) -> list[dict[str, Any]]:
    session.rollback()
    try:
        rows = session.scalars(select(SystemLog).where(SystemLog.source == SOURCE).order_by(SystemLog.id)).all()
        return [{"level": r.level, "message": r.message, "details": r.details} for r in rows]
    finally:
        session.rollback()


def references(session: Session, a: Arranged) -> dict[str, str | None]:
    return {
        "old_unknown": stored(session, UnknownAttendance, a.old_unknown)["snapshot_path"],
        "new_unknown": stored(session, UnknownAttendance, a.new_unknown)["snapshot_path"],
        "old_access": stored(session, AccessLog, a.old_access)["snapshot_path"],
        "new_access": stored(session, AccessLog, a.new_access)["snapshot_path"],
        "old_pending": stored(session, PendingRecognition, a.old_pending)["image_path"],
    }


def assert_untouched(session: Session, store: SnapshotStore, a: Arranged) -> None:
    assert all((store.root / p).is_file() for p in a.old_paths + a.new_paths)
    assert references(session, a) == {
        "old_unknown": a.old_paths[0],
        "new_unknown": a.new_paths[0],
        "old_access": a.old_paths[1],
        "new_access": a.new_paths[1],
        "old_pending": a.old_paths[2],
    }


def assert_cleaned(session: Session, store: SnapshotStore, a: Arranged) -> None:
    assert not any((store.root / p).exists() for p in a.old_paths)
    assert all((store.root / p).is_file() for p in a.new_paths)
    assert references(session, a) == {
        "old_unknown": None,
        "new_unknown": a.new_paths[0],
        "old_access": None,
        "new_access": a.new_paths[1],
        "old_pending": None,
    }
    # The rows themselves are history and stay.
    assert count_rows(session, UnknownAttendance) == 2
    assert count_rows(session, AccessLog) == 2
    assert count_rows(session, PendingRecognition) == 2


@pytest.mark.parametrize("body", [None, {}, {"dry_run": False}])
def test_old_snapshots_and_their_references_go_new_ones_stay(
    client, admin_headers, session: Session, store: SnapshotStore, arranged: Arranged, body: dict | None
) -> None:
    freed_mb = round(arranged.old_bytes(store) / MIB, 2)
    assert freed_mb >= 1.25

    response = client.post(CLEANUP, json=body, headers=admin_headers)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result == {
        "files_deleted": 4,
        "disk_space_freed_mb": freed_mb,
        "success": True,
        "dry_run": False,
        "retention_days": 90,
        "errors": [],
    }
    assert_cleaned(session, store, arranged)
    assert cleanup_logs(session) == [
        {
            "level": "INFO",
            "message": f"deleted 4 snapshots older than 90 days ({freed_mb} MB)",
            "details": result,
        }
    ]
    # A second run finds nothing more to do.
    again = client.post(CLEANUP, json=body, headers=admin_headers).json()
    assert (again["files_deleted"], again["disk_space_freed_mb"], again["success"]) == (0, 0.0, True)
    assert len(cleanup_logs(session)) == 2


def test_a_cleaned_snapshot_is_a_404_for_hr_afterwards(
    client, admin_headers, make_user, arranged: Arranged, session: Session
) -> None:
    hr = make_user("hr")
    url = "/api/v1/identity/unknown-faces/{}/snapshot"
    assert client.get(url.format(arranged.old_unknown), headers=hr).status_code == 200

    assert client.post(CLEANUP, headers=admin_headers).status_code == 200

    assert_error(client.get(url.format(arranged.old_unknown), headers=hr), 404, "not_found")
    assert client.get(url.format(arranged.new_unknown), headers=hr).content.startswith(b"\xff\xd8\xff")


def test_dry_run_deletes_nothing_and_reports_what_it_would_do(
    client, admin_headers, session: Session, store: SnapshotStore, arranged: Arranged
) -> None:
    freed_mb = round(arranged.old_bytes(store) / MIB, 2)

    response = client.post(CLEANUP, json={"dry_run": True}, headers=admin_headers)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result == {
        "files_deleted": 4,
        "disk_space_freed_mb": freed_mb,
        "success": True,
        "dry_run": True,
        "retention_days": 90,
        "errors": [],
    }
    assert_untouched(session, store, arranged)
    logs = cleanup_logs(session)
    assert [(log["level"], log["message"]) for log in logs] == [
        ("INFO", f"would delete 4 snapshots older than 90 days ({freed_mb} MB)")
    ]
    assert logs[0]["details"] == result
    # The real run afterwards deletes exactly what the dry run announced.
    real = client.post(CLEANUP, headers=admin_headers).json()
    assert (real["files_deleted"], real["disk_space_freed_mb"]) == (4, freed_mb)
    assert_cleaned(session, store, arranged)


def test_retention_days_overrides_the_setting_for_one_run(
    client, admin_headers, session: Session, store: SnapshotStore, frozen_now: datetime
) -> None:
    row_ids = {}
    for days in (10, 40):
        path = saved(store, "unknown", days)
        row = UnknownAttendance(detected_at=NOW - timedelta(days=days), snapshot_path=path, status="pending")
        session.add(row)
        session.flush()
        row_ids[days] = (row.id, path)
    session.commit()

    default = client.post(CLEANUP, headers=admin_headers).json()
    assert (default["files_deleted"], default["retention_days"]) == (0, 90)

    override = client.post(CLEANUP, json={"retention_days": 30}, headers=admin_headers).json()

    assert (override["files_deleted"], override["retention_days"], override["success"]) == (1, 30, True)
    assert stored(session, UnknownAttendance, row_ids[40][0])["snapshot_path"] is None
    assert not (store.root / row_ids[40][1]).exists()
    assert stored(session, UnknownAttendance, row_ids[10][0])["snapshot_path"] == row_ids[10][1]
    assert (store.root / row_ids[10][1]).is_file()
    assert cleanup_logs(session)[-1]["message"].startswith("deleted 1 snapshots older than 30 days")


def test_references_are_cleared_past_one_chunk_of_paths(
    client, admin_headers, session: Session, store: SnapshotStore, frozen_now: datetime
) -> None:
    """clear_snapshot_paths works in chunks of 500 paths: the 501st reference must be cleared too."""
    paths = [saved(store, "unknown", 100, size=10) for _ in range(501)]
    session.add_all(
        UnknownAttendance(detected_at=NOW - timedelta(days=100), snapshot_path=p, status="pending") for p in paths
    )
    session.commit()

    result = client.post(CLEANUP, headers=admin_headers).json()

    assert result["files_deleted"] == 501
    assert count_rows(session, UnknownAttendance, snapshot_path=None) == 501
    assert not (store.root / "unknown").exists()  # every day folder emptied and removed


def test_a_folder_that_cannot_be_read_makes_the_run_unsuccessful_not_failed(
    client,
    admin_headers,
    session: Session,
    store: SnapshotStore,
    arranged: Arranged,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    locked = (store.root / arranged.old_paths[0]).parent
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    response = client.post(CLEANUP, headers=admin_headers)
    monkeypatch.undo()

    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["success"], result["files_deleted"]) == (False, 3)
    assert len(result["errors"]) == 1
    assert locked.relative_to(store.root).as_posix() in result["errors"][0]
    assert "Permission denied" in result["errors"][0]
    assert (store.root / arranged.old_paths[0]).is_file()  # in the folder it could not read
    assert references(session, arranged)["old_unknown"] == arranged.old_paths[0]
    assert references(session, arranged)["old_access"] is None
    assert [log["level"] for log in cleanup_logs(session)] == ["WARNING"]


@pytest.mark.parametrize(("role", "status"), [("hr", 403), ("security", 403), ("viewer", 403), (None, 401)])
def test_only_an_admin_may_clean_up(
    client, make_user, session: Session, store: SnapshotStore, arranged: Arranged, role: str | None, status: int
) -> None:
    headers = make_user(role) if role else {}

    assert_error(client.post(CLEANUP, json={"dry_run": False}, headers=headers), status)

    assert_untouched(session, store, arranged)
    assert cleanup_logs(session) == []


@pytest.mark.parametrize(
    "body",
    [
        {"retention_days": 0},
        {"retention_days": -5},
        {"retention_days": 3651},
        {"retention_days": "ninety"},
        {"dry_run": "perhaps"},
        {"dry_run": True, "older_than": "2026-01-01"},
        {"keep": True},
        [],
    ],
)
def test_bad_bodies_are_422_and_delete_nothing(
    client, admin_headers, session: Session, store: SnapshotStore, arranged: Arranged, body: Any
) -> None:
    error = assert_error(client.post(CLEANUP, json=body, headers=admin_headers), 422, "validation_error")

    assert isinstance(error["details"], list)
    assert error["details"]
    assert_untouched(session, store, arranged)
    assert cleanup_logs(session) == []


def test_a_body_that_is_not_json_is_422(
    client, admin_headers, session: Session, store: SnapshotStore, arranged: Arranged
) -> None:
    response = client.post(
        CLEANUP, content=b'{"dry_run": tru', headers={**admin_headers, "Content-Type": "application/json"}
    )

    assert_error(response, 422, "invalid_json")
    assert_untouched(session, store, arranged)


# --- the scheduled job --------------------------------------------------------------------------------------------


def test_the_0200_job_runs_the_same_cleanup(
    settings: Settings, clean_db: Engine, session: Session, store: SnapshotStore, arranged: Arranged
) -> None:
    job = job_named(build_jobs(settings, FaceRuntime(settings)), "retention.cleanup_snapshots")
    slot = slots.latest_slot(slots.trigger_for(job, settings), NOW)
    assert slot is not None
    assert slot.astimezone(settings.site.tz).time() == time(2, 0)
    assert slot.astimezone(settings.site.tz).date() == NOW.astimezone(settings.site.tz).date()
    freed_mb = round(arranged.old_bytes(store) / MIB, 2)
    factory = create_session_factory(clean_db)

    assert runner.run_slot(factory, settings, job, slot) == "succeeded"

    assert_cleaned(session, store, arranged)
    expected = {
        "files_deleted": 4,
        "disk_space_freed_mb": freed_mb,
        "success": True,
        "dry_run": False,
        "retention_days": 90,
        "errors": [],
    }
    with factory() as s:
        run = s.scalar(select(JobRun).where(JobRun.job_name == job.name))
        assert (run.status, run.slot_start, run.result) == ("succeeded", slot, expected)
    assert cleanup_logs(session) == [
        {"level": "INFO", "message": f"deleted 4 snapshots older than 90 days ({freed_mb} MB)", "details": expected}
    ]
    # The slot is spent: another process reaching it does nothing.
    assert runner.run_slot(factory, settings, job, slot) == "claimed-elsewhere"
    assert len(cleanup_logs(session)) == 1


def test_the_job_follows_the_retention_setting(
    settings: Settings, clean_db: Engine, session: Session, store: SnapshotStore, frozen_now: datetime
) -> None:
    short = settings.model_copy(
        update={"identity": settings.identity.model_copy(update={"snapshot_retention_days": 7})}
    )
    week_old, day_old = saved(store, "access", 8), saved(store, "access", 1)
    job = job_named(build_jobs(short, FaceRuntime(short)), "retention.cleanup_snapshots")

    outcome = runner.run_slot(create_session_factory(clean_db), short, job, NOW - timedelta(hours=2))

    assert outcome == "succeeded"
    assert not (store.root / week_old).exists()
    assert (store.root / day_old).is_file()
    assert cleanup_logs(session)[0]["message"].startswith("deleted 1 snapshots older than 7 days")
