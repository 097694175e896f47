"""SnapshotStore and the retention cleanup on a real folder: the layout, atomic writes, paths confined to the root,
symlinks never followed, the mtime boundary, dry runs, emptied folders and folders that cannot be read."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from factoryai.core.snapshots import SnapshotPathError, SnapshotStore, cleanup

# Whole seconds: a file's st_mtime and the cutoff's timestamp() are then the same float, so the boundary is exact.
CUTOFF = datetime(2026, 1, 1, tzinfo=UTC)
OLD = CUTOFF - timedelta(days=1)
NEW = CUTOFF + timedelta(days=1)
MIB = 1024 * 1024


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the root holding old images that the cleanup must never touch."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def set_mtime(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def put(base: Path, relative: str, when: datetime = OLD, data: bytes = b"\xff\xd8\xff-face") -> Path:
    path = base / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    set_mtime(path, when)
    return path


def files_under(base: Path) -> list[str]:
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file() or p.is_symlink())


# --- save ----------------------------------------------------------------------------------------------------------


def test_save_writes_under_kind_and_day_and_returns_the_relative_path(root: Path) -> None:
    store = SnapshotStore(root)

    relative = store.save("unknown", b"jpeg bytes", datetime(2026, 11, 26, 23, 59, tzinfo=UTC))

    assert re.fullmatch(r"unknown/2026/11/26/[0-9a-f]{32}\.jpg", relative), relative
    assert (root / relative).read_bytes() == b"jpeg bytes"
    assert files_under(root) == [relative]  # no .part left behind


def test_save_gives_every_snapshot_its_own_name_and_keeps_the_suffix(root: Path) -> None:
    store = SnapshotStore(root)
    at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)

    first = store.save("access", b"one", at)
    second = store.save("access", b"two", at)
    png = store.save("pending", b"\x89PNG three", at, ".png")

    assert first != second
    assert first.startswith("access/2026/03/04/")
    assert second.startswith("access/2026/03/04/")
    assert re.fullmatch(r"pending/2026/03/04/[0-9a-f]{32}\.png", png), png
    assert [store.read(p) for p in (first, second, png)] == [b"one", b"two", b"\x89PNG three"]
    assert sorted(files_under(root)) == sorted([first, second, png])


def test_save_only_renames_a_complete_file_into_place(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers never see half a file: the bytes go to a .part file first and appear under the final name at once."""
    seen: list[tuple[str, bytes, bool]] = []
    real_replace = Path.replace

    def spy(self: Path, target: Path) -> Path:
        seen.append((self.suffix, self.read_bytes(), Path(target).exists()))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    relative = SnapshotStore(root).save("unknown", b"complete", datetime(2026, 1, 2, tzinfo=UTC))

    assert seen == [(".part", b"complete", False)]
    assert files_under(root) == [relative]


@pytest.mark.parametrize(("kind", "suffix"), [("faces", ".jpg"), ("", ".jpg"), ("unknown", ".txt"), ("unknown", "")])
def test_save_refuses_unknown_kinds_and_suffixes(root: Path, kind: str, suffix: str) -> None:
    with pytest.raises(ValueError, match="unknown snapshot kind or suffix"):
        SnapshotStore(root).save(kind, b"x", datetime(2026, 1, 2, tzinfo=UTC), suffix)
    assert files_under(root) == []


# --- resolve / read / delete ---------------------------------------------------------------------------------------


def test_resolve_read_and_delete_a_stored_path(root: Path) -> None:
    store = SnapshotStore(root)
    relative = store.save("vehicles", b"12345", datetime(2026, 1, 2, tzinfo=UTC))

    assert store.resolve(relative) == root / relative
    assert store.read(relative) == b"12345"
    assert store.delete(relative) == 5
    assert not (root / relative).exists()
    assert store.read(relative) is None
    assert store.delete(relative) == 0  # already gone


@pytest.mark.parametrize(
    "relative",
    [
        "/etc/passwd",
        "/unknown/2026/01/01/a.jpg",
        "../outside/a.jpg",
        "unknown/../../outside/a.jpg",
        "unknown/2026/../../../outside/a.jpg",
        "unknown/..",
        "faces/2026/01/01/a.jpg",
        "outside/a.jpg",
        "",
        ".",
    ],
)
def test_resolve_refuses_paths_that_leave_the_root_or_are_not_snapshots(
    root: Path, outside: Path, relative: str
) -> None:
    secret = put(outside, "a.jpg")
    store = SnapshotStore(root)

    with pytest.raises(SnapshotPathError):
        store.resolve(relative)
    assert store.read(relative) is None
    with pytest.raises(SnapshotPathError):
        store.delete(relative)
    assert secret.exists()


def test_resolve_refuses_an_absolute_path_inside_the_root(root: Path) -> None:
    store = SnapshotStore(root)
    relative = store.save("unknown", b"x", datetime(2026, 1, 2, tzinfo=UTC))

    with pytest.raises(SnapshotPathError):
        store.resolve(str(root / relative))


@pytest.mark.parametrize(
    ("link", "target", "relative"),
    [
        ("unknown", "", "unknown/2026/01/01/a.jpg"),  # the kind folder itself
        ("unknown/2026/01", "2026/01", "unknown/2026/01/01/a.jpg"),  # a folder on the way
        ("unknown/2026/01/01/a.jpg", "2026/01/01/a.jpg", "unknown/2026/01/01/a.jpg"),  # the file
    ],
)
def test_resolve_refuses_a_path_through_a_symlink(
    root: Path, outside: Path, link: str, target: str, relative: str
) -> None:
    secret = put(outside, "2026/01/01/a.jpg", data=b"not yours")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(outside / target)
    store = SnapshotStore(root)

    with pytest.raises(SnapshotPathError, match="symlink"):
        store.resolve(relative)
    assert store.read(relative) is None
    with pytest.raises(SnapshotPathError):
        store.delete(relative)
    assert secret.read_bytes() == b"not yours"


# --- cleanup -------------------------------------------------------------------------------------------------------


def test_cleanup_deletes_old_images_and_keeps_new_ones(root: Path) -> None:
    put(root, "unknown/2025/12/31/old.jpg", OLD, b"0123456789")
    put(root, "access/2025/12/30/older.png", OLD - timedelta(days=300), b"01234")
    put(root, "unknown/2026/01/02/new.jpg", NEW)

    report = cleanup(root, CUTOFF)

    assert files_under(root) == ["unknown/2026/01/02/new.jpg"]
    assert report.files_deleted == 2
    assert report.bytes_freed == 15
    assert sorted(report.deleted) == ["access/2025/12/30/older.png", "unknown/2025/12/31/old.jpg"]
    assert report.errors == []


@pytest.mark.parametrize(
    ("offset", "deleted"),
    [
        (timedelta(seconds=-1), True),
        (timedelta(microseconds=-1), True),
        (timedelta(0), False),  # exactly at the cutoff: not older than it
        (timedelta(microseconds=1), False),
        (timedelta(seconds=1), False),
    ],
)
def test_cleanup_boundary_is_strictly_older_than_the_cutoff(root: Path, offset: timedelta, deleted: bool) -> None:
    path = put(root, "unknown/2025/12/31/edge.jpg")
    stamp_ns = int((CUTOFF + offset - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)) * 1000
    os.utime(path, ns=(stamp_ns, stamp_ns))

    report = cleanup(root, CUTOFF)

    assert path.exists() is not deleted
    assert report.files_deleted == (1 if deleted else 0)


def test_cleanup_deletes_only_image_files(root: Path) -> None:
    images = ["a.jpg", "b.jpeg", "c.png", "D.JPG", "e.Png"]
    others = ["notes.txt", "half.part", "meta.json", "noext", "photo.jpg.bak"]
    for name in images + others:
        put(root, f"unknown/2025/12/31/{name}")

    report = cleanup(root, CUTOFF)

    assert files_under(root) == sorted(f"unknown/2025/12/31/{name}" for name in others)
    assert sorted(report.deleted) == sorted(f"unknown/2025/12/31/{name}" for name in images)
    assert report.files_deleted == len(images)


def test_cleanup_never_follows_a_symlinked_folder_out_of_the_root(root: Path, outside: Path) -> None:
    secret = put(outside, "01/old.jpg")
    set_mtime(outside / "01", OLD)
    (root / "unknown/2025/12").mkdir(parents=True)
    (root / "unknown/2025/12/31").symlink_to(outside / "01", target_is_directory=True)
    put(root, "unknown/2025/11/30/old.jpg")

    report = cleanup(root, CUTOFF)

    assert secret.exists()
    assert (outside / "01").is_dir()
    assert (root / "unknown/2025/12/31").is_symlink()  # the link itself is left alone too
    assert report.deleted == ["unknown/2025/11/30/old.jpg"]
    assert report.errors == []


def test_cleanup_never_deletes_a_symlinked_files_target_nor_the_link(root: Path, outside: Path) -> None:
    target = put(outside, "old.jpg", data=b"keep me")
    link = root / "unknown/2025/12/31/link.jpg"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    set_mtime(link, OLD)  # old by its own time as well as by its target's

    report = cleanup(root, CUTOFF)

    assert target.read_bytes() == b"keep me"
    assert link.is_symlink()
    assert report.files_deleted == 0
    assert report.deleted == []
    assert report.errors == []


def test_dry_run_deletes_nothing_and_reports_the_same_figures(root: Path) -> None:
    put(root, "unknown/2025/12/31/a.jpg", OLD, b"x" * 700)
    put(root, "pending/2025/10/01/b.png", OLD, b"y" * 300)
    put(root, "unknown/2026/01/02/new.jpg", NEW)
    before = files_under(root)

    dry = cleanup(root, CUTOFF, dry_run=True)

    assert files_under(root) == before
    assert (root / "pending/2025/10/01").is_dir()
    assert dry.dirs_removed == 0
    real = cleanup(root, CUTOFF)
    assert (dry.files_deleted, dry.bytes_freed, sorted(dry.deleted), dry.errors) == (
        real.files_deleted,
        real.bytes_freed,
        sorted(real.deleted),
        real.errors,
    )
    assert (real.files_deleted, real.bytes_freed) == (2, 1000)
    assert files_under(root) == ["unknown/2026/01/02/new.jpg"]


def test_cleanup_counts_bytes_and_megabytes(root: Path) -> None:
    sizes = [MIB, 512 * 1024, 10 * 1024]
    for i, size in enumerate(sizes):
        put(root, f"access/2025/12/31/{i}.jpg", OLD, b"\0" * size)
    put(root, "access/2026/01/02/new.jpg", NEW, b"\0" * MIB)

    report = cleanup(root, CUTOFF)

    assert report.bytes_freed == sum(sizes)
    assert report.disk_space_freed_mb == 1.51  # 1.509765625 MiB, rounded to two places


def test_cleanup_removes_emptied_folders_but_keeps_the_root_and_folders_still_in_use(root: Path) -> None:
    put(root, "unknown/2025/12/31/old.jpg")
    put(root, "unknown/2026/01/02/new.jpg", NEW)
    put(root, "access/2025/11/30/old.jpg")
    put(root, "vehicles/2025/11/29/old.jpg")
    put(root, "vehicles/2025/11/29/keep.txt")  # not an image: its folder is still in use

    report = cleanup(root, CUTOFF)

    assert root.is_dir()
    assert files_under(root) == ["unknown/2026/01/02/new.jpg", "vehicles/2025/11/29/keep.txt"]
    assert not (root / "unknown/2025").exists()  # 31, 12 and 2025 emptied
    assert not (root / "access").exists()  # 30, 11, 2025 and the kind folder emptied
    assert (root / "unknown/2026/01/02").is_dir()
    assert report.dirs_removed == 7


def test_cleanup_of_an_empty_or_missing_root_does_nothing(root: Path, tmp_path: Path) -> None:
    empty = cleanup(root, CUTOFF)
    assert root.is_dir()
    assert (empty.files_deleted, empty.bytes_freed, empty.errors, empty.dirs_removed) == (0, 0, [], 0)

    missing = cleanup(tmp_path / "never-created", CUTOFF)
    assert not (tmp_path / "never-created").exists()
    assert (missing.files_deleted, missing.errors) == (0, [])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway")
def test_an_unreadable_folder_is_reported_not_fatal(root: Path) -> None:
    locked = put(root, "unknown/2025/12/31/old.jpg").parent
    put(root, "unknown/2025/12/30/old.jpg")
    locked.chmod(0)
    try:
        report = cleanup(root, CUTOFF)
    finally:
        locked.chmod(0o755)

    assert report.deleted == ["unknown/2025/12/30/old.jpg"]
    assert len(report.errors) == 1
    assert "unknown/2025/12/31" in report.errors[0]
    assert "Permission denied" in report.errors[0]
    assert (locked / "old.jpg").exists()
    assert (root / "unknown/2025").is_dir()  # not empty: the unreadable folder is still in it


def test_a_folder_that_cannot_be_listed_is_reported_not_fatal(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same failure without needing a non-root user: os.walk's listing of one folder fails."""
    locked = put(root, "unknown/2025/12/31/old.jpg").parent
    put(root, "unknown/2025/12/30/old.jpg")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = cleanup(root, CUTOFF)
    monkeypatch.undo()

    assert report.deleted == ["unknown/2025/12/30/old.jpg"]
    assert len(report.errors) == 1
    assert "unknown/2025/12/31" in report.errors[0]  # names the folder (absolute or relative to the root)
    assert "Permission denied" in report.errors[0]
    assert (locked / "old.jpg").exists()
    assert not (root / "unknown/2025/12/30").exists()
