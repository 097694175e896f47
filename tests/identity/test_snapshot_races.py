"""Cleanup against files that vanish under it (an erasure or a second cleanup got there first)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from factoryai.core import snapshots
from factoryai.core.snapshots import SnapshotStore, cleanup


def test_a_file_deleted_meanwhile_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SnapshotStore(tmp_path)
    old = datetime(2025, 1, 1, tzinfo=UTC)
    gone, kept = store.save("unknown", b"a", old), store.save("unknown", b"bb", old)
    for relative in (gone, kept):
        os.utime(tmp_path / relative, (old.timestamp(), old.timestamp()))
    real_lstat = Path.lstat

    def racing_lstat(self: Path) -> os.stat_result:
        if self.name == Path(gone).name:
            self.unlink()  # someone else deletes it between the listing and our look at it
        return real_lstat(self)

    monkeypatch.setattr(snapshots.Path, "lstat", racing_lstat)
    report = cleanup(tmp_path, old + timedelta(days=1))
    assert report.errors == []
    assert report.deleted == [kept]
    assert report.files_deleted == 1


def test_folder_errors_name_paths_inside_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SnapshotStore(tmp_path)
    store.save("unknown", b"a", datetime(2025, 1, 1, tzinfo=UTC))
    real_scandir = os.scandir

    def failing_scandir(path: os.PathLike[str] | str):
        if Path(path).name == "01" and Path(path).parent.name == "01":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", failing_scandir)
    report = cleanup(tmp_path, datetime(2026, 1, 1, tzinfo=UTC))
    assert report.errors == ["unknown/2025/01/01: Permission denied"]
    assert str(tmp_path) not in report.errors[0]
