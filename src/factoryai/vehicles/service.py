"""Plate decisions (spec Module 2): the quality gate on a read, its vehicle_log row, and the watchlists."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import cv2
import numpy as np
from sqlalchemy.orm import Session

from factoryai.accounts.models import User
from factoryai.cameras import service as cameras
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError, problem
from factoryai.core.events import publish_after_commit
from factoryai.core.metrics import PLATE_DECISIONS
from factoryai.core.schemas import BoxRead, PageParams
from factoryai.core.snapshots import SnapshotStore
from factoryai.vehicles import repository
from factoryai.vehicles.events import GATE_DECISION, GATE_OPEN, VEHICLE_ALERT
from factoryai.vehicles.gate import GateDecision, VehicleStatus, decide
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchList, WatchlistEntry
from factoryai.vehicles.plates import normalise, watchlist_key
from factoryai.vehicles.recognition import FrameRead, PlateRecognizer
from factoryai.vehicles.schemas import (
    CorrectionRead,
    FrameReadOut,
    PlatePass,
    PlatePassResult,
    PlateRecognitionResult,
    PlateValidationRequest,
    PlateValidationResult,
    WatchlistCreate,
)
from factoryai.vision.images import ImageError, decode_image

GATE_OPEN_MAX_AGE_SECONDS = 30  # a pass delivered later than this is logged and alerted on, never opens the gate


def validate_plate(
    session: Session,
    data: PlateValidationRequest,
    settings: Settings,
    *,
    snapshot_path: str | None = None,
    cooldown_seconds: float = 0,
    seen_at: datetime | None = None,
) -> PlateValidationResult:
    """Run the three layers on one read and log the decision, whatever it is.

    Only a read from a gate camera (an enabled camera of role 'gate', else 422) can open a gate. Without a camera
    the plate is still checked, logged and alerted on (a guard typing a plate in), but never opens anything.
    With a cooldown (camera reads), the same plate at the same camera within it is one vehicle pass: the earlier
    decision is returned as a duplicate, with no second log row, alert or gate event.
    """
    if data.camera_id is not None:
        cameras.get_camera_for_event(session, data.camera_id, roles=cameras.GATE_ROLES)
    # A camera worker's pass is logged (and its cooldown counted) at the time the vehicle was seen, not when a
    # backlog finally delivered it; a pass older than a moment must never open the barrier for a vehicle long gone.
    now = min(seen_at, utcnow()) if seen_at is not None else utcnow()
    stale = seen_at is not None and (utcnow() - seen_at).total_seconds() > GATE_OPEN_MAX_AGE_SECONDS
    entries = repository.active_watchlist(session, now)
    decision = decide(
        data.plate_text,
        data.confidence,
        threshold=settings.vehicles.ocr_confidence_threshold,
        enabled_formats=settings.vehicles.enabled_formats,
        blocked={e.plate_key: e.reason or "" for e in entries if e.list == WatchList.BLOCKED},
        allowed={e.plate_key for e in entries if e.list == WatchList.ALLOWED},
        open_statuses={VehicleStatus(s) for s in settings.vehicles.open_gate_statuses},
        camera_id=data.camera_id,
    )
    if not decision.plate_number:
        raise ValidationFailedError("plate_text holds no letters or digits", field="plate_text")
    if data.camera_id is None:
        # No gate camera, no gate: a read that names no barrier must not tell the caller to open one.
        decision = replace(decision, should_trigger_gate_event=False)
    if cooldown_seconds > 0 and data.camera_id is not None and decision.status != VehicleStatus.REJECTED:
        # Only the same decision is the same pass: a rejected (unsure) read must never hide a later BLOCKED or
        # AUTHORIZED one, and a changed watchlist must show. The camera lock makes two workers' frames of one
        # pass take turns, so only the first is logged.
        cameras.lock_for_event(session, data.camera_id)
        earlier = repository.recent_log(
            session,
            data.camera_id,
            decision.plate_number[:20],
            now - timedelta(seconds=cooldown_seconds),
            status=decision.status.value,
        )
        if earlier is not None:
            return _result(decision, earlier, duplicate=True)
    log = repository.add_log(
        session,
        VehicleLog(
            plate_number=decision.plate_number[:20],
            raw_text=data.plate_text[:50],
            ocr_confidence=data.confidence,
            vehicle_type=data.vehicle_type,
            status=decision.status.value,
            rejection_reason=decision.rejection_reason,
            needs_review=decision.needs_review,
            timestamp=now,
            camera_id=data.camera_id,
            snapshot_path=snapshot_path,
        ),
    )
    session.flush()
    PLATE_DECISIONS.labels(status=decision.status.value, rejection_reason=decision.rejection_reason or "").inc()
    publish_after_commit(
        session,
        GATE_DECISION.pattern,
        {
            "vehicle_log_id": log.id,
            "plate_number": log.plate_number,
            "status": log.status,
            "confidence": log.ocr_confidence,
            "camera_id": log.camera_id,
            "rejection_reason": log.rejection_reason,
            "needs_review": log.needs_review,
            "has_snapshot": log.snapshot_path is not None,
            "time": log.timestamp.isoformat(),
        },
    )
    if decision.status == VehicleStatus.BLOCKED:
        _raise_alert(session, log, decision.alert_message or f"Blocked vehicle {decision.plate_number}")
    if stale:
        decision = replace(decision, should_trigger_gate_event=False)
    if decision.should_trigger_gate_event and data.camera_id and settings.vehicles.gate_relay != "none":
        # The barrier opens only for a decision that is stored; a relay outage never holds up this response
        # (the publisher queues and reconnects on its own thread).
        payload = {"plate_number": decision.plate_number, "status": decision.status.value, "vehicle_log_id": log.id}
        publish_after_commit(session, GATE_OPEN.format(camera_id=data.camera_id), payload)
    return _result(decision, log, duplicate=False)


def _result(decision: GateDecision, log: VehicleLog, *, duplicate: bool) -> PlateValidationResult:
    return PlateValidationResult(
        valid=decision.valid,
        plate_number=decision.plate_number,
        confidence=decision.confidence,
        status=decision.status,
        should_trigger_gate_event=decision.should_trigger_gate_event and not duplicate,
        alert_message=decision.alert_message,
        rejection_reason=decision.rejection_reason,
        corrections=[CorrectionRead.model_validate(c, from_attributes=True) for c in decision.corrections],
        needs_review=decision.needs_review,
        vehicle_log_id=log.id,
        duplicate_of=log.id if duplicate else None,
    )


def forget_snapshots(session: Session, paths: Sequence[str]) -> int:
    """Retention deleted these files: drop the references to them."""
    return repository.clear_snapshot_paths(session, paths)


def _raise_alert(session: Session, log: VehicleLog, message: str) -> VehicleAlert:
    alert = VehicleAlert(
        alert_type="BLOCKED_VEHICLE",
        plate_number=log.plate_number,
        camera_id=log.camera_id,
        vehicle_log_id=log.id,
        message=message[:255],
        snapshot_path=log.snapshot_path,
    )
    session.add(alert)
    session.flush()
    publish_after_commit(
        session,
        VEHICLE_ALERT.pattern,
        {
            "alert_id": alert.id,
            "type": alert.alert_type,
            "plate_number": alert.plate_number,
            "camera_id": alert.camera_id,
            "message": alert.message,
            "snapshot_path": alert.snapshot_path,
            "time": alert.created_at.isoformat(),
        },
    )
    return alert


def list_alerts(
    session: Session, page: PageParams, acknowledged: bool | None = None
) -> tuple[Sequence[VehicleAlert], int]:
    return repository.list_alerts(session, page, acknowledged)


def get_log(session: Session, log_id: int) -> VehicleLog:
    log = repository.get_log(session, log_id)
    if log is None:
        raise NotFoundError(f"vehicle log entry {log_id} not found")
    return log


def get_alert(session: Session, alert_id: int) -> VehicleAlert:
    alert = repository.get_alert(session, alert_id)
    if alert is None:
        raise NotFoundError(f"alert {alert_id} not found")
    return alert


def acknowledge_alert(session: Session, alert_id: int, user: User) -> VehicleAlert:
    alert = get_alert(session, alert_id)
    if alert.acknowledged_at is None:  # the first guard to acknowledge is the one on record
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = user.id
        session.flush()
    return alert


def add_to_watchlist(session: Session, data: WatchlistCreate, user: User | None) -> WatchlistEntry:
    """``user`` None: added by the system (the demo data)."""
    # A person typed this: it is taken as written (normalised), never "repaired", and old or odd plates that no
    # format describes may still need blocking.
    number = normalise(data.plate_number)
    if len(number) < 4:
        raise ValidationFailedError("plate_number needs at least 4 letters or digits", field="plate_number")
    key = watchlist_key(number)
    existing = repository.get_entry_by_key(session, key)
    if existing is not None:
        raise ConflictError(
            f"{existing.plate_number} is already on the {existing.list} list (entry {existing.id}); remove it first",
            details=[problem("plate_number", "already on a watchlist", entry_id=existing.id)],
        )
    entry = WatchlistEntry(
        plate_number=number,
        plate_key=key,
        list=data.list.value,
        reason=data.reason,
        valid_until=data.valid_until,
        created_by_id=user.id if user is not None else None,
    )
    session.add(entry)
    session.flush()
    return entry


def watchlist_has(session: Session, plate: str) -> bool:
    return repository.get_entry_by_key(session, watchlist_key(normalise(plate))) is not None


def list_watchlist(
    session: Session, page: PageParams, list_name: WatchList | None = None
) -> tuple[Sequence[WatchlistEntry], int]:
    return repository.list_entries(session, page, list_name.value if list_name else None)


def remove_from_watchlist(session: Session, entry_id: int) -> None:
    entry = repository.get_entry(session, entry_id)
    if entry is None:
        raise NotFoundError(f"watchlist entry {entry_id} not found")
    session.delete(entry)
    session.flush()


EXPORT_LIMIT = 100_000


def log_columns(settings: Settings) -> tuple[str, ...]:
    """The vehicle-log export's header; its times are site wall-clock times, so the header names the zone."""
    return (
        "id",
        f"time ({settings.site.timezone})",
        "plate_number",
        "raw_text",
        "confidence",
        "status",
        "rejection_reason",
        "needs_review",
        "camera_id",
        "vehicle_type",
    )


def search_log(session: Session, page: PageParams, **filters: Any) -> tuple[Sequence[VehicleLog], int]:
    return repository.page_of(session, repository.search_log(session, **filters), page)


def export_log_rows(session: Session, settings: Settings, **filters: Any) -> list[tuple[Any, ...]]:
    rows = repository.all_of(session, repository.search_log(session, **filters), EXPORT_LIMIT)
    tz = settings.site.tz
    return [
        (
            r.id,
            r.timestamp.astimezone(tz),
            r.plate_number,
            r.raw_text,
            r.ocr_confidence,
            r.status,
            r.rejection_reason,
            r.needs_review,
            r.camera_id,
            r.vehicle_type,
        )
        for r in rows
    ]


def recognize(
    session: Session,
    settings: Settings,
    recognizer: PlateRecognizer,
    store: SnapshotStore,
    images: Sequence[bytes],
    camera_id: str | None,
    vehicle_type: str | None,
) -> PlateRecognitionResult:
    """Frames of one vehicle pass → one voted read → the quality gate → one vehicle_log row (or the earlier one,
    within the cooldown). The frame with the best read is kept as the decision's snapshot."""
    if camera_id is not None:
        cameras.get_camera_for_event(session, camera_id, roles=cameras.GATE_ROLES)
    try:
        frames = [decode_image(data) for data in images]
    except ImageError as exc:
        raise ValidationFailedError(str(exc), field="images") from exc
    read = recognizer.read_pass(frames)
    reads = [_frame_read(r) for r in read.frames]
    if read.voted is None or read.best_frame is None:
        raise ValidationFailedError(
            "no number plate could be read in the image",
            code="no_plate_found",
            details=[_frame_problem(i, r) for i, r in enumerate(reads)],
        )
    snapshot = store.save("vehicles", _jpeg(frames[read.best_frame]), utcnow())
    request = PlateValidationRequest(
        plate_text=read.voted.text,
        confidence=round(read.voted.confidence, 4),
        camera_id=camera_id,
        vehicle_type=vehicle_type,
    )
    cooldown = settings.vehicles.cooldown_seconds if camera_id is not None else 0
    try:
        result = validate_plate(session, request, settings, snapshot_path=snapshot, cooldown_seconds=cooldown)
    except Exception:
        store.delete(snapshot)  # no decision, no picture of it
        raise
    if result.duplicate_of is not None:
        store.delete(snapshot)  # the earlier decision already has its picture
    return PlateRecognitionResult(
        **result.model_dump(), frames_used=read.voted.frames, reads=reads, best_frame=read.best_frame
    )


def _frame_problem(index: int, read: FrameReadOut) -> dict[str, Any]:
    said = f"read {read.text!r}" if read.text else "no plate found"
    return problem("images", f"frame {index}: {said}", frame=index, **read.model_dump())


def _frame_read(frame: FrameRead) -> FrameReadOut:
    vehicle = None if frame.vehicle_box is None else _box(frame.vehicle_box)
    if frame.read is None:
        return FrameReadOut(text=None, confidence=None, rows=[], plate_box=None, vehicle_box=vehicle)
    plate = None if frame.read.box is None else _box(frame.read.box)
    return FrameReadOut(
        text=frame.read.text,
        confidence=round(frame.read.confidence, 4),
        rows=list(frame.read.rows),
        plate_box=plate,
        vehicle_box=vehicle,
    )


def _box(box: Sequence[float]) -> BoxRead:
    x1, y1, x2, y2 = (round(v) for v in box)
    return BoxRead(left=x1, top=y1, width=x2 - x1, height=y2 - y1)


def _jpeg(frame: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:  # pragma: no cover - a decoded frame always encodes
        raise ValidationFailedError("could not encode the snapshot")
    return encoded.tobytes()


def record_pass(session: Session, settings: Settings, store: SnapshotStore, data: PlatePass) -> PlatePassResult:
    """A camera worker's vehicle pass: decided once per event id (a re-send answers the first decision), through
    the same gate, watchlists, cooldown and relay as any camera read."""
    cameras.get_camera_for_event(session, data.camera_id, roles=cameras.GATE_ROLES)
    event = cameras.claim_event(session, data.event_id, "plate_pass", data.camera_id)
    if event is None:
        log_id = cameras.event_outcome(session, data.event_id)
        row = repository.get_log(session, int(log_id)) if log_id and log_id.isdigit() else None
        return PlatePassResult(event_id=data.event_id, duplicate=True, vehicle_log_id=row.id if row else None,
                               status=row.status if row else None)  # fmt: skip
    snapshot = None
    if data.snapshot:
        try:
            image = base64.b64decode(data.snapshot, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailedError("snapshot is not base64", field="snapshot") from None
        snapshot = store.save("vehicles", image, utcnow())
    request = PlateValidationRequest(plate_text=data.plate_text, confidence=data.confidence, camera_id=data.camera_id)
    try:
        result = validate_plate(
            session,
            request,
            settings,
            snapshot_path=snapshot,
            cooldown_seconds=settings.vehicles.cooldown_seconds,
            seen_at=data.timestamp,
        )
    except Exception:
        if snapshot:
            store.delete(snapshot)
        raise
    if snapshot and result.duplicate_of is not None:
        store.delete(snapshot)
    event.outcome = str(result.vehicle_log_id)
    session.flush()
    return PlatePassResult(
        event_id=data.event_id, duplicate=False, vehicle_log_id=result.vehicle_log_id, status=result.status.value
    )
