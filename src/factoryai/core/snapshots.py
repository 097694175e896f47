"""Face snapshots on disk, and the retention cleanup (spec Module 1: daily, 90 days).

Paths stored in the database are relative to the snapshot root (`unknown/2026/11/26/<uuid>.jpg`), so the root
can move. Everything here refuses to leave the root: relative paths are checked, symlinks are never followed,
and the cleanup deletes only regular image files it found by walking the real root.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
KINDS = frozenset({"unknown", "access", "pending", "vehicles"})


class SnapshotPathError(ValueError):
    """A stored path that would leave the snapshot root (or is not one of ours)."""


class SnapshotStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, kind: str, data: bytes, at: datetime, suffix: str = ".jpg") -> str:
        """Write bytes under <kind>/YYYY/MM/DD/ and return the path relative to the root."""
        if kind not in KINDS or suffix not in IMAGE_SUFFIXES:
            raise ValueError(f"unknown snapshot kind or suffix: {kind} {suffix}")
        relative = f"{kind}/{at:%Y/%m/%d}/{uuid.uuid4().hex}{suffix}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)  # readers never see half a file
        except OSError:
            tmp.unlink(missing_ok=True)  # disk full: leave no half file behind
            raise
        return relative

    def resolve(self, relative: str) -> Path:
        """The file a stored path names, refusing anything that leaves the root or goes through a symlink."""
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts or parts[0] not in KINDS:
            raise SnapshotPathError(f"not a snapshot path: {relative!r}")
        path = self.root
        for part in parts:
            path = path / part
            if path.is_symlink():
                raise SnapshotPathError(f"snapshot path goes through a symlink: {relative!r}")
        return path

    def read(self, relative: str) -> bytes | None:
        try:
            return self.resolve(relative).read_bytes()
        except (SnapshotPathError, OSError):  # gone, unreadable, or not a file: the caller answers 404
            return None

    def delete(self, relative: str) -> int:
        """Delete one snapshot; returns the bytes freed (0 when it was already gone)."""
        path = self.resolve(relative)
        try:
            info = path.lstat()
        except FileNotFoundError:
            return 0
        if not stat.S_ISREG(info.st_mode):
            return 0
        path.unlink(missing_ok=True)
        return info.st_size


@dataclass
class CleanupReport:
    files_deleted: int = 0
    bytes_freed: int = 0
    deleted: list[str] = field(default_factory=list)  # relative paths, for clearing database references
    errors: list[str] = field(default_factory=list)
    dirs_removed: int = 0

    @property
    def disk_space_freed_mb(self) -> float:
        return round(self.bytes_freed / (1024 * 1024), 2)


def cleanup(
    root: Path, older_than: datetime, *, dry_run: bool = False, keep: frozenset[str] = frozenset()
) -> CleanupReport:
    """Delete image files under root whose modification time is before `older_than`, then empty day folders.

    os.walk(followlinks=False) never descends into a symlinked folder, and lstat() keeps a symlinked file from
    being judged (or deleted) by its target: links are left alone entirely. `keep` (relative paths) are still
    needed whatever their age.
    """
    report = CleanupReport()
    root = Path(root)
    if not root.is_dir():  # nothing saved yet
        return report
    cutoff = older_than.timestamp()
    for directory, _dirs, files in os.walk(root, topdown=False, followlinks=False, onerror=_collect(report, root)):
        for name in files:
            path = Path(directory) / name
            try:
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode) or path.suffix.lower() not in IMAGE_SUFFIXES:
                    continue
                if info.st_mtime >= cutoff or path.relative_to(root).as_posix() in keep:
                    continue
                if not dry_run:
                    path.unlink()
                report.files_deleted += 1
                report.bytes_freed += info.st_size
                report.deleted.append(path.relative_to(root).as_posix())
            except FileNotFoundError:  # deleted meanwhile (erasure, a concurrent cleanup): nothing to do
                continue
            except OSError as exc:
                report.errors.append(f"{path.relative_to(root).as_posix()}: {exc.strerror or exc}")
        if not dry_run and Path(directory) != root:
            report.dirs_removed += _remove_if_empty(Path(directory))
    return report


def _remove_if_empty(directory: Path) -> int:
    try:
        if directory.is_symlink() or any(directory.iterdir()):
            return 0
        directory.rmdir()
        return 1
    except OSError:  # raced with a new snapshot, or not ours to remove: leave it
        return 0


def _collect(report: CleanupReport, root: Path) -> Callable[[OSError], None]:
    def onerror(error: OSError) -> None:
        where = Path(error.filename or root)
        shown = where.relative_to(root).as_posix() if where.is_relative_to(root) else where.name
        report.errors.append(f"{shown}: {error.strerror or error}")  # no absolute server paths in API answers

    return onerror
