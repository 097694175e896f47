"""Attendance from a camera image (spec Module 3's flow): identify every face, punch the matched employees, keep
the unknown ones for HR, and never lose a punch to an engine outage (it waits as a pending recognition).

Lives in attendance because it ends in punches; identity is reached only through its service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from factoryai.attendance import service as attendance
from factoryai.attendance.schemas import PunchRequest, PunchResult
from factoryai.cameras import service as cameras
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.errors import AppError, ValidationFailedError
from factoryai.core.metrics import FACE_ENGINE_FAILURES
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity import service as identity
from factoryai.identity.engines.base import FaceEngineError, FaceImageError, FaceResult
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization import service as organization

# A pending image is retried by the job every few minutes; after this many failed tries (about a day at the
# default schedule) it is marked failed and left for HR, its image still on disk until the retention cleanup.
MAX_PENDING_ATTEMPTS = 288


log = logging.getLogger(__name__)


@dataclass
class FaceOutcome:
    face: FaceResult
    punch: PunchResult | None = None
    unknown_id: int | None = None
    error: str | None = None


@dataclass
class FacePunchOutcome:
    faces: list[FaceOutcome] = field(default_factory=list)
    pending_id: int | None = None


def punch_by_face(
    session: Session,
    runtime: FaceRuntime,
    store: SnapshotStore,
    settings: Settings,
    image: bytes,
    camera_id: str | None,
    at: datetime | None,
) -> FacePunchOutcome:
    if camera_id is not None:
        cameras.get_camera_for_event(session, camera_id, roles=cameras.PUNCH_ROLES)
    when = (at or utcnow()).astimezone(UTC)  # snapshot folders are UTC dates, as the retry job sees them
    try:
        pause = settings.identity.engine_pause_seconds
        faces = identity.identify(session, runtime, image, pause_seconds=pause, skip_when_paused=True)
    except FaceImageError as exc:
        raise ValidationFailedError(str(exc), field="image") from exc
    except FaceEngineError as exc:
        FACE_ENGINE_FAILURES.inc()
        pending = identity.save_pending(session, store, image, camera_id, when, str(exc))
        return FacePunchOutcome(pending_id=pending.id)
    return FacePunchOutcome(faces=_apply(session, store, settings, image, faces, camera_id, when))


def _apply(
    session: Session,
    store: SnapshotStore,
    settings: Settings,
    image: bytes,
    faces: list[FaceResult],
    camera_id: str | None,
    at: datetime,
    *,
    seen_earlier: bool = False,
) -> list[FaceOutcome]:
    """Punch every matched face and keep every unknown one. `seen_earlier`: a frame re-processed after an outage,
    whose camera may have been disabled since; its role still decides check-in or check-out."""
    outcomes = []
    for face in faces:
        outcome = FaceOutcome(face=face)
        if face.match is None:
            outcome.unknown_id = identity.record_unknown(session, store, image, face.box, camera_id, at).id
        else:
            request = PunchRequest(
                employee_id=face.match.employee_id,
                timestamp=at,
                camera_id=camera_id,
                confidence=round(face.match.similarity, 2),
                face_id=face.match.face_id,
            )
            # One face's refusal (no shift, inactive) must not undo the other faces' punches.
            try:
                with session.begin_nested():
                    if seen_earlier:
                        outcome.punch = attendance.punch_seen_earlier(
                            session, request.employee_id, at, camera_id, settings
                        )
                        identity.record_access(
                            session, request.employee_id, camera_id, at, request.confidence, request.face_id
                        )
                    else:
                        outcome.punch = attendance.punch(session, request, settings)
            except AppError as exc:
                outcome.error = exc.message
        outcomes.append(outcome)
    return outcomes


def retry_pending(session: Session, settings: Settings, runtime: FaceRuntime, store: SnapshotStore) -> dict[str, Any]:
    """The job: re-run recognitions that waited for the engine, as of the time they were captured."""
    done = failed = still_pending = 0
    refused: list[str] = []  # punches the rules refused (no shift, outside the window): reported, not lost silently
    for pending in identity.due_pending(session):
        image = store.read(pending.image_path) if pending.image_path else None
        if image is None:
            pending.status, pending.last_error = "failed", "image no longer on disk"
            failed += 1
            continue
        try:
            # The job is the probe: it always asks the engine, and its success ends a pause for the cameras. Nobody
            # waits on its answer, so it waits for a recognition slot instead of being refused.
            pause = settings.identity.engine_pause_seconds
            faces = identity.identify(session, runtime, image, pause_seconds=pause, wait=True)
        except FaceImageError as exc:
            pending.status, pending.last_error = "failed", str(exc)[:500]
            failed += 1
            continue
        except FaceEngineError as exc:
            pending.attempts += 1
            pending.last_error = str(exc)[:500]
            if pending.attempts >= MAX_PENDING_ATTEMPTS:
                pending.status = "failed"
                failed += 1
            else:
                still_pending += 1
            break  # the engine is still down: the next run tries again, oldest first
        outcomes = _apply(
            session, store, settings, image, faces, pending.camera_id, pending.captured_at, seen_earlier=True
        )
        errors = [f"employee {o.face.match.employee_id}: {o.error}" for o in outcomes if o.error and o.face.match]
        refused += [f"pending {pending.id}, {e}" for e in errors]
        pending.status, pending.processed_at, pending.attempts = "done", utcnow(), pending.attempts + 1
        pending.last_error = "; ".join(errors)[:500] or None
        done += 1
    session.flush()
    return {"processed": done, "failed": failed, "still_pending": still_pending, "punches_refused": refused[:50]}


def assign_unknown(
    session: Session,
    runtime: FaceRuntime,
    store: SnapshotStore,
    settings: Settings,
    unknown_id: int,
    employee_id: int,
    *,
    record_attendance: bool,
    enroll: bool,
    user_id: int | None,
) -> tuple[Any, PunchResult | None, int | None]:
    """HR says who an unknown face was: mark it, record the punch as of when it was seen, optionally enrol the crop."""
    employee = organization.get_employee(session, employee_id)
    row = identity.resolve_unknown(session, unknown_id, employee=employee, user_id=user_id)
    punch = None
    if record_attendance:
        punch = attendance.punch_seen_earlier(session, employee.id, row.detected_at, row.camera_id, settings)
    enrolled_id = None
    if enroll:
        crop = store.read(row.snapshot_path) if row.snapshot_path else None
        if crop is None:
            raise ValidationFailedError(f"unknown face {unknown_id} has no snapshot left to enrol", field="enroll")
        upload = identity.UploadedImage(name=f"unknown-{row.id}.jpg", data=crop)
        enrolled_id = identity.enroll_faces(session, runtime, employee.id, [upload], user_id).enrollments[0].id
    return row, punch, enrolled_id


def punch_tracked_person(
    session: Session,
    runtime: FaceRuntime,
    store: SnapshotStore,
    settings: Settings,
    image: bytes,
    camera_id: str,
    at: datetime,
    *,
    last_attempt: bool,
) -> str:
    """One attempt of the camera pipeline at one tracked person (``image``: their head and shoulders). Returns
    "matched" (punched, or refused by the attendance rules), "pending" (face engine down: kept for the retry job),
    "no_face", "unmatched" (try a better frame) or "unknown" — recorded for HR on the last attempt only, so a stranger
    is one unknown_attendance row, not one per frame. Every recognition slot busy: ServiceUnavailableError."""
    cameras.get_camera_for_event(session, camera_id, roles=cameras.PUNCH_ROLES)
    when = at.astimezone(UTC)
    try:
        pause = settings.identity.engine_pause_seconds
        faces = identity.identify(session, runtime, image, pause_seconds=pause, skip_when_paused=True)
    except FaceImageError:
        return "no_face"
    except FaceEngineError as exc:
        FACE_ENGINE_FAILURES.inc()
        identity.save_pending(session, store, image, camera_id, when, str(exc))
        return "pending"
    if not faces:
        return "no_face"
    face = _tracked_face(faces)
    if face.match is not None:
        (outcome,) = _apply(session, store, settings, image, [face], camera_id, when)
        if outcome.error:  # refused by the attendance rules: said once per tracked person, not per frame
            log.info("face of employee %d at %s not punched: %s", face.match.employee_id, camera_id, outcome.error)
        return "matched"
    if not last_attempt:
        return "unmatched"
    _apply(session, store, settings, image, [face], camera_id, when)
    return "unknown"


def _tracked_face(faces: list[FaceResult]) -> FaceResult:
    """The tracked person's face: the largest in their crop, which may also catch someone behind them, or a face-like
    pattern nearly as large (a badge on a jacket): among faces at least 0.8x the largest's area, one that matches."""
    largest = max(f.box.width * f.box.height for f in faces)
    close = [f for f in faces if f.box.width * f.box.height >= 0.8 * largest]
    return max(close, key=lambda f: (f.match is not None, f.box.width * f.box.height))


@dataclass
class FaceTrackOutcome:
    outcome: str  # matched, unknown, pending, no_face, refused
    attempts: int  # crops tried (identify calls)
    duplicate: bool  # this event id was handled before: nothing was done again


def punch_face_track(
    session: Session,
    runtime: FaceRuntime,
    store: SnapshotStore,
    settings: Settings,
    event_id: str,
    camera_id: str,
    at: datetime,
    images: list[bytes],
) -> FaceTrackOutcome:
    """A camera worker's face track: the best crops of one tracked person, tried in order until one is recognised;
    none recognised → one unknown face (the last crop's). Stored once by ``event_id``: a re-send after a timeout or a
    crash answers the first outcome and punches nothing."""
    cameras.get_camera_for_event(session, camera_id, roles=cameras.PUNCH_ROLES)
    event = cameras.claim_event(session, event_id, "face_track", camera_id)
    if event is None:
        return FaceTrackOutcome(cameras.event_outcome(session, event_id) or "processed", 0, duplicate=True)
    outcome, attempts = "no_face", 0
    for i, image in enumerate(images):
        attempts += 1
        outcome = punch_tracked_person(
            session, runtime, store, settings, image, camera_id, at, last_attempt=i == len(images) - 1
        )
        if outcome in ("matched", "unknown", "pending"):
            break
    event.outcome = outcome
    session.flush()
    return FaceTrackOutcome(outcome, attempts, duplicate=False)
