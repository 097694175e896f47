"""Identity (spec Module 1): enrolment, identification, who was seen where, unknown faces, snapshot retention.

Engines (engines/) only see images; this service owns what is stored: enrolled templates, access_log,
unknown_attendance, snapshots and pending recognitions, all inside the caller's unit of work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import cv2
import numpy as np
from sqlalchemy.orm import Session

from factoryai.core.clock import utcnow
from factoryai.core.errors import NotFoundError, ServiceUnavailableError, ValidationFailedError, problem
from factoryai.core.metrics import FACES_IDENTIFIED
from factoryai.core.schemas import PageParams
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity import repository
from factoryai.identity.engines.base import (
    Box,
    Enrollment,
    FaceEngine,
    FaceEngineError,
    FaceImageError,
    FaceResult,
    Gallery,
)
from factoryai.identity.models import AccessLog, FaceEnrollment, PendingRecognition, UnknownAttendance
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization import service as organization
from factoryai.organization.models import Employee
from factoryai.system import service as system
from factoryai.vision.images import ImageError, check_dimensions, decode_image

MAX_ENROLL_IMAGES = 5
# With one enrolment photo, other photos of the same person were often not recognised; with three they were
# (docs/benchmarks.md, enrolment photos): the enrolment answer says how far an employee is from this.
RECOMMENDED_PHOTOS = (3, 5)


def check_size(image: bytes, megapixels: float, purpose: str, setting: str) -> None:
    """Refuse, from the header alone, an image above the pixel limit of this use (a FaceImageError: 422)."""
    try:
        check_dimensions(image, round(megapixels * 1_000_000), purpose=f" for {purpose} (identity.{setting})")
    except ImageError as exc:
        raise FaceImageError(str(exc)) from exc


def record_access(
    session: Session,
    employee_id: int,
    camera_id: str | None,
    at: datetime,
    confidence: float | None,
    face_id: str | None,
    snapshot_path: str | None = None,
) -> AccessLog:
    """Every recognised face at any camera leaves an access_log row (spec table AccessLog)."""
    entry = repository.add_access(
        session,
        AccessLog(
            employee_id=employee_id,
            camera_id=camera_id,
            entry_time=at,
            confidence=confidence,
            face_id=face_id,
            snapshot_path=snapshot_path,
        ),
    )
    session.flush()
    return entry


def list_access(
    session: Session,
    page: PageParams,
    *,
    employee_id: int | None = None,
    camera_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[Sequence[AccessLog], int]:
    return repository.list_access(session, page, employee_id=employee_id, camera_id=camera_id, since=since, until=until)


# --- enrolment -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedImage:
    name: str
    data: bytes


@dataclass(frozen=True)
class Enrolled:
    enrollments: list[FaceEnrollment]  # the photos enrolled now
    photos_enrolled: int  # all the employee's photos on this engine, these included
    recommendation: str


def enrolment_advice(photos: int) -> str:
    """What to tell HR about an employee with this many enrolled photos."""
    low, high = RECOMMENDED_PHOTOS
    if photos < low:
        return (
            f"{photos} photo{'s' if photos != 1 else ''} enrolled; enrol {low - photos} to {high - photos} more "
            f"({low}-{high} in all), from different days, light and head angles: with a single photo, other photos "
            "of the same person are often not recognised"
        )
    if photos <= high:
        return f"{photos} photos enrolled, within the recommended {low}-{high}"
    return f"{photos} photos enrolled, more than the recommended {low}-{high}: further photos change little"


def enroll_faces(
    session: Session,
    faces: FaceRuntime,
    employee_id: int,
    images: Sequence[UploadedImage],
    user_id: int | None,
    *,
    wait: bool = False,
) -> Enrolled:
    """Enrol 1-5 photos, all or nothing: one bad photo (too many pixels, no face, two faces, too small) rejects the
    request with its name and reason, and whatever the engine already indexed for the others is removed again.
    Takes one recognition slot (``wait`` for it, or 503 when all are busy)."""
    employee = organization.get_employee(session, employee_id)
    if not 1 <= len(images) <= MAX_ENROLL_IMAGES:
        raise ValidationFailedError(
            f"send 1 to {MAX_ENROLL_IMAGES} images",
            details=[problem("images", f"got {len(images)} images", count=len(images))],
        )
    limit = faces.settings.identity.max_enroll_megapixels
    problems = []
    for image in images:
        try:
            check_size(image.data, limit, "enrolment", "max_enroll_megapixels")
        except FaceImageError as exc:
            problems.append(problem("images", f"{image.name}: {exc}", image=image.name, reason=str(exc)))
    engine = faces.engine
    enrolled: list[tuple[UploadedImage, Enrollment]] = []
    if not problems:  # an oversized photo fails the request anyway: no engine work for the others
        with faces.recognitions.hold(wait=wait):
            for image in images:
                try:
                    enrolled.append((image, engine.enroll(employee.id, image.data)))
                except FaceImageError as exc:
                    problems.append(problem("images", f"{image.name}: {exc}", image=image.name, reason=str(exc)))
                except FaceEngineError as exc:
                    _forget([e for _, e in enrolled], engine, employee.id)
                    raise ServiceUnavailableError(f"face engine unavailable: {exc}") from exc
    if problems:
        _forget([e for _, e in enrolled], engine, employee.id)
        names = ", ".join(f"{p['image']}: {p['reason']}" for p in problems)
        message = f"no photo was enrolled; fix these and send again: {names}"
        raise ValidationFailedError(message, details=problems)
    rows = [
        repository.add_enrollment(
            session,
            FaceEnrollment(
                employee_id=employee.id,
                engine=engine.name,
                descriptor=None if e.descriptor is None else np.asarray(e.descriptor, dtype=np.float32).tobytes(),
                external_face_id=e.external_face_id,
                source_name=image.name[:255] or None,
                box_left=e.box.left,
                box_top=e.box.top,
                box_width=e.box.width,
                box_height=e.box.height,
                created_by_id=user_id,
            ),
        )
        for image, e in enrolled
    ]
    session.flush()
    photos = repository.count_enrollments(session, employee.id, engine.name)
    return Enrolled(enrollments=rows, photos_enrolled=photos, recommendation=enrolment_advice(photos))


def _forget(enrollments: Sequence[Enrollment], engine: FaceEngine, employee_id: int) -> None:
    ids = [e.external_face_id for e in enrollments if e.external_face_id]
    if ids:
        # If this fails too, identify() ignores face ids we do not hold, so an orphan cannot match anyone.
        with contextlib.suppress(FaceEngineError):
            engine.remove(employee_id, ids)


def list_faces(session: Session, employee_id: int) -> Sequence[FaceEnrollment]:
    organization.get_employee(session, employee_id)
    return repository.list_enrollments(session, employee_id)


@dataclass(frozen=True)
class Erasure:
    faces_removed: int
    snapshots_deleted: int


def erase_face_data(session: Session, engine: FaceEngine, store: SnapshotStore, employee_id: int) -> Erasure:
    """Remove an employee's biometric data everywhere: enrolled templates (ours and the AWS collection's) and the
    snapshots that show them. AWS goes first: if it cannot be reached nothing is deleted and the caller gets 503."""
    organization.get_employee(session, employee_id)
    rows = repository.list_enrollments(session, employee_id)
    external = [r.external_face_id for r in rows if r.external_face_id]
    if external:
        try:
            engine.remove(employee_id, external)
        except FaceEngineError as exc:
            raise ServiceUnavailableError(f"face engine unavailable, nothing was erased: {exc}") from exc
    removed = repository.delete_enrollments(session, employee_id)
    paths = repository.snapshot_paths_of_employee(session, employee_id)
    repository.clear_snapshot_paths(session, paths)
    session.flush()
    deleted = 0
    for path in paths:
        try:
            deleted += 1 if store.delete(path) else 0
        except (OSError, ValueError):
            system.record(session, "identity.erasure", f"could not delete snapshot {path}", level="WARNING")
    return Erasure(faces_removed=removed, snapshots_deleted=deleted)


def delete_employee(session: Session, engine: FaceEngine, store: SnapshotStore, employee_id: int) -> None:
    """Delete an employee with their face data (erasure): refused with 409 while they have history, before anything
    outside the database (the AWS collection, snapshot files) is touched."""
    organization.ensure_employee_deletable(session, employee_id)
    erase_face_data(session, engine, store, employee_id)
    organization.delete_employee(session, employee_id)


# --- identification -------------------------------------------------------------------------------------------


def gallery(session: Session, faces: FaceRuntime) -> Gallery:
    """The matchable descriptors, rebuilt only when the enrolled set changed (one cheap aggregate query per call,
    so every process and worker sees enrolments made by the others)."""
    engine_name = faces.engine.name
    key = f"{session.get_bind().url}|{engine_name}"
    version = repository.gallery_version(session, engine_name)
    cached = faces.galleries.get(key, version)
    if cached is not None:
        return cached
    rows = repository.gallery_rows(session, engine_name)
    built = Gallery(
        employee_ids=np.fromiter((e for e, _ in rows), dtype=np.int64, count=len(rows)),
        descriptors=(
            np.frombuffer(b"".join(d for _, d in rows), dtype=np.float32).reshape(len(rows), -1)
            if rows
            else np.empty((0, 128), dtype=np.float32)
        ),
    )
    faces.galleries.put(key, version, built)
    return built


def identify(
    session: Session,
    faces: FaceRuntime,
    image: bytes,
    *,
    pause_seconds: float = 0,
    skip_when_paused: bool = False,
    wait: bool = False,
) -> list[FaceResult]:
    """Every face in the image, each matched to an active employee or unknown.

    An image over identity.max_identify_megapixels is a FaceImageError, from its header. With `pause_seconds`, a
    failure pauses the engine for callers passing `skip_when_paused` (they get FaceEngineError at once while it
    lasts); any success ends the pause. The engine runs in one of the runtime's recognition slots: ``wait`` for it,
    or 503 (ServiceUnavailableError with Retry-After) when all are busy."""
    check_size(image, faces.settings.identity.max_identify_megapixels, "identification", "max_identify_megapixels")
    engine = faces.engine
    if skip_when_paused and (left := faces.pause.left()) > 0:
        raise FaceEngineError(f"engine paused for {left:.0f} s more after failing; kept for the retry job")
    try:
        with faces.recognitions.hold(wait=wait):
            results = engine.identify(image, gallery(session, faces) if engine.name == "local" else Gallery())
    except FaceEngineError:
        if pause_seconds > 0:
            faces.pause.pause(pause_seconds)
        raise
    faces.pause.resume()
    face_ids = [r.match.face_id for r in results if r.match is not None and r.match.face_id]
    if engine.name != "local":
        # A face id we no longer hold (erased while AWS was unreachable, or a deactivated employee) matches nobody.
        known = repository.enrolled_face_ids(session, face_ids)
        results = [
            r if r.match is None or known.get(r.match.face_id or "") == r.match.employee_id else FaceResult(r.box, None)
            for r in results
        ]
    for r in results:
        FACES_IDENTIFIED.labels(engine=engine.name, result="matched" if r.match else "unknown").inc()
    return results


def crop_face(image: bytes, box: Box, margin: float = 0.4) -> bytes:
    """A JPEG of the face with some context around it, for HR to look at."""
    bgr = decode_image(image)
    h, w = bgr.shape[:2]
    dx, dy = int(box.width * margin), int(box.height * margin)
    x0, y0 = max(0, box.left - dx), max(0, box.top - dy)
    x1, y1 = min(w, box.left + box.width + dx), min(h, box.top + box.height + dy)
    ok, encoded = cv2.imencode(".jpg", bgr[y0:y1, x0:x1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise FaceImageError("could not encode the face crop")
    return encoded.tobytes()


# --- unknown faces ------------------------------------------------------------------------------------------------


def record_unknown(
    session: Session, store: SnapshotStore, image: bytes, box: Box, camera_id: str | None, at: datetime
) -> UnknownAttendance:
    path = store.save("unknown", crop_face(image, box), at)
    row = repository.add_unknown(
        session, UnknownAttendance(camera_id=camera_id, detected_at=at, snapshot_path=path, status="pending")
    )
    session.flush()
    return row


def list_unknown(
    session: Session, page: PageParams, *, status: str | None, camera_id: str | None
) -> tuple[Sequence[UnknownAttendance], int]:
    return repository.list_unknown(session, page, status=status, camera_id=camera_id)


def get_unknown(session: Session, unknown_id: int, *, for_update: bool = False) -> UnknownAttendance:
    row = repository.get_unknown(session, unknown_id, for_update=for_update)
    if row is None:
        raise NotFoundError(f"unknown face {unknown_id} not found")
    return row


def resolve_unknown(
    session: Session, unknown_id: int, *, employee: Employee | None, user_id: int | None
) -> UnknownAttendance:
    """Mark a pending unknown face as assigned to an employee, or dismissed (employee None). Only once."""
    row = get_unknown(session, unknown_id, for_update=True)
    if row.status != "pending":
        message = f"unknown face {unknown_id} is already {row.status}"
        raise ValidationFailedError(message, details=[problem("unknown_id", message, status=row.status)])
    row.status = "assigned" if employee is not None else "dismissed"
    row.assigned_employee_id = employee.id if employee is not None else None
    row.assigned_by_id = user_id
    row.assigned_at = utcnow()
    session.flush()
    return row


# --- pending recognitions (engine outage) ------------------------------------------------------------------------


def save_pending(
    session: Session, store: SnapshotStore, image: bytes, camera_id: str | None, at: datetime, error: str
) -> PendingRecognition:
    path = store.save("pending", image, at, ".png" if image.startswith(b"\x89PNG") else ".jpg")
    row = repository.add_pending(
        session, PendingRecognition(camera_id=camera_id, captured_at=at, image_path=path, last_error=error[:500])
    )
    session.flush()
    return row


def list_pending(session: Session, page: PageParams, *, status: str | None) -> tuple[Sequence[PendingRecognition], int]:
    return repository.list_pending(session, page, status=status)


def due_pending(session: Session, limit: int = 50) -> Sequence[PendingRecognition]:
    return repository.due_pending(session, limit)


# --- retention -------------------------------------------------------------------------------------------------


def snapshots_waiting(session: Session) -> frozenset[str]:
    """Frames still waiting for the face engine: punches not yet made, kept whatever the retention says."""
    return frozenset(repository.pending_image_paths(session))


def forget_snapshots(session: Session, paths: Sequence[str]) -> int:
    """Retention deleted these files: drop the references to them (unknown faces, access log)."""
    return repository.clear_snapshot_paths(session, paths)
