"""`factoryai enroll --dir PHOTOS/`: enrol PHOTOS/<employee id or e-mail>/*.jpg|png in bulk.

Unlike the API (all or nothing per request, a person is waiting for the answer), a bulk import enrols every
good photo and reports each bad one with its reason, so one blurred picture does not hold up a whole folder.
Each employee's photos commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from factoryai.core.db import unit_of_work
from factoryai.core.errors import AppError
from factoryai.identity import service
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization import service as organization

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})


@dataclass
class BulkReport:
    enrolled: int = 0
    employees: int = 0
    skipped: int = 0  # already enrolled under the same file name
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def photo_folders(root: Path) -> Iterator[tuple[str, list[Path]]]:
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        photos = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
        yield folder.name, photos


def enroll_folder(
    factory: sessionmaker[Session],
    faces: FaceRuntime,
    root: Path,
    progress: Callable[[int], None] = lambda _n: None,
) -> BulkReport:
    report = BulkReport()
    for key, photos in photo_folders(root):
        if not photos:
            report.failures.append((key, "no .jpg/.jpeg/.png photos in the folder"))
            continue
        with unit_of_work(factory) as session:
            employee = organization.find_employee(session, key)
            if employee is None:
                report.failures.append((key, f"no employee with id or e-mail {key!r}"))
                progress(len(photos))
                continue
            done = 0
            # Re-running an import must not enrol the same photo twice (it would weigh double in the mean).
            already = {f.source_name for f in service.list_faces(session, employee.id) if f.engine == faces.engine.name}
            for photo in photos:
                if photo.name in already:
                    report.skipped += 1
                    progress(1)
                    continue
                try:
                    upload = service.UploadedImage(name=photo.name, data=photo.read_bytes())
                    service.enroll_faces(session, faces, employee.id, [upload], None, wait=True)
                    done += 1
                except (AppError, OSError) as exc:
                    report.failures.append((str(photo.relative_to(root)), _reason(exc)))
                progress(1)
        report.enrolled += done
        report.employees += 1 if done else 0
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, AppError):
        reasons = [d["reason"] for d in exc.details if "reason" in d]  # one photo's problem, said without its name
        return reasons[0] if reasons else exc.message
    return str(exc)
