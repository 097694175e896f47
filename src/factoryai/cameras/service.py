"""Cameras: registration, settings, what blocks a delete, device heartbeats."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factoryai.accounts import service as accounts
from factoryai.accounts.models import ApiKey, User
from factoryai.accounts.schemas import ApiKeyCreate
from factoryai.cameras import repository
from factoryai.cameras.models import Camera, CameraRole, DeviceEvent
from factoryai.cameras.schemas import CameraCreate, CameraUpdate, keep_stored_password
from factoryai.core.clock import utcnow
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError, problem
from factoryai.core.repository import delete_unless_referenced
from factoryai.core.schemas import PageParams


def preload(session: Session, camera_ids: Collection[str]) -> Sequence[Camera]:
    """Load these cameras in one query, so the per-event checks of a batch (get_camera_for_event) cost no more.
    Keep the result while checking: the session's identity map holds its objects only weakly."""
    return repository.get_cameras(session, camera_ids)


def find_camera(session: Session, camera_id: str) -> Camera | None:
    return repository.get_camera(session, camera_id)


def get_camera(session: Session, camera_id: str) -> Camera:
    camera = repository.get_camera(session, camera_id)
    if camera is None:
        raise NotFoundError(f"camera {camera_id!r} not found")
    return camera


def enabled_cameras(session: Session) -> Sequence[Camera]:
    """Every enabled camera, for the camera runtime (it opens each one)."""
    return repository.enabled_cameras(session)


def list_cameras(
    session: Session,
    page: PageParams,
    *,
    role: str | None = None,
    enabled: bool | None = None,
    q: str | None = None,
) -> tuple[Sequence[Camera], int]:
    return repository.list_cameras(session, page, role=role, enabled=enabled, q=q)


def create_camera(session: Session, data: CameraCreate) -> Camera:
    # Ids differing only in case would be one camera to a person reading logs.
    existing = repository.get_camera_case_insensitive(session, data.id)
    if existing is not None:
        raise ConflictError(f"camera {existing.id!r} already exists", field="id")
    camera = Camera(
        id=data.id,
        name=data.name,
        source_url=data.source_url,
        role=data.role.value,
        enabled=data.enabled,
        settings=data.settings.model_dump(),
    )
    session.add(camera)
    session.flush()
    return camera


def update_camera(session: Session, camera_id: str, data: CameraUpdate) -> Camera:
    camera = get_camera(session, camera_id)
    changes = data.changes()
    if "settings" in changes:
        changes["settings"] = data.settings.model_dump() if data.settings else {}
    if "source_url" in changes:
        changes["source_url"] = keep_stored_password(changes["source_url"], camera.source_url)
    if "role" in changes:
        changes["role"] = data.role.value if data.role else camera.role
    for field, value in changes.items():
        setattr(camera, field, value)
    session.flush()
    return camera


def delete_camera(session: Session, camera_id: str) -> None:
    camera = get_camera(session, camera_id)
    delete_unless_referenced(
        session,
        camera,
        lambda refs: f"camera {camera.id!r} has history ({refs}) that must be kept; disable it instead (enabled=false)",
    )


def create_device_key(session: Session, data: ApiKeyCreate, created_by: User | None) -> tuple[ApiKey, str]:
    """A device API key bound to cameras that exist (422 naming camera_ids otherwise), stored with their ids as
    the cameras spell them. Lives here because the binding is a cameras rule; the key itself is accounts'."""
    found = {camera_id: repository.get_camera_case_insensitive(session, camera_id) for camera_id in data.camera_ids}
    unknown = [camera_id for camera_id, camera in found.items() if camera is None]
    if unknown:
        message = f"no camera {', '.join(map(repr, unknown))}: bind the key to registered cameras (GET /api/v1/cameras)"
        raise ValidationFailedError(message, details=[problem("camera_ids", message, unknown=unknown)])
    bound = sorted({camera.id for camera in found.values() if camera is not None})
    return accounts.create_api_key(session, data.model_copy(update={"camera_ids": bound}), created_by)


def record_heartbeat(session: Session, camera_id: str) -> Camera:
    camera = get_camera(session, camera_id)
    camera.last_seen_at = utcnow()
    session.flush()
    return camera


# Which cameras may report which events: the one place this rule lives. A face punch from a gate camera, or a
# plate read from an entrance camera, is a misconfigured (or spoofing) device, never something to act on: a plate
# read at an entrance camera once published a gate-open command for it.
PUNCH_ROLES = frozenset({CameraRole.ENTRANCE, CameraRole.EXIT})
GATE_ROLES = frozenset({CameraRole.GATE})
OCCUPANCY_ROLES = frozenset({CameraRole.ZONE})


def get_camera_for_event(session: Session, camera_id: str, *, roles: Collection[CameraRole]) -> Camera:
    """The camera named in an event (punch, plate read, people count): it must exist, be enabled and have one of
    ``roles`` (PUNCH_ROLES, GATE_ROLES, OCCUPANCY_ROLES); 422 naming camera_id otherwise."""
    camera = repository.get_camera(session, camera_id)
    if camera is None:
        raise ValidationFailedError(f"camera {camera_id!r} does not exist", field="camera_id")
    if not camera.enabled:
        raise ValidationFailedError(f"camera {camera_id!r} is disabled", field="camera_id")
    if camera.role not in roles:
        wanted = sorted(role.value for role in roles)
        message = (
            f"camera {camera_id!r} is a {camera.role!r} camera; this event needs a camera of role "
            f"{' or '.join(repr(r) for r in wanted)} (change the camera's role or send the right camera_id)"
        )
        raise ValidationFailedError(
            message, details=[problem("camera_id", message, role=camera.role, allowed_roles=wanted)]
        )
    return camera


def lock_for_event(session: Session, camera_id: str) -> None:
    """Serialise read-then-write event handling at one camera across API workers (e.g. the plate cooldown)."""
    repository.lock_camera(session, camera_id)


# Device events stored once, by the id the worker made: a re-sent face track or gate pass is never handled twice.
def claim_event(session: Session, event_id: str, kind: str, camera_id: str) -> DeviceEvent | None:
    """The new event's row, or None when this id was stored before (a re-send). The claim is part of the request's
    transaction: if handling the event fails, the claim goes with it and the worker's retry is handled afresh. Two
    requests with one id at once: the second waits on the first's row and then sees it (unique key)."""
    existing = session.get(DeviceEvent, event_id)
    if existing is not None:
        return None
    row = DeviceEvent(event_id=event_id, kind=kind, camera_id=camera_id, received_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def event_outcome(session: Session, event_id: str) -> str | None:
    row = session.get(DeviceEvent, event_id)
    return row.outcome if row is not None else None
