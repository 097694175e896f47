"""Cameras: registration, settings, what blocks a delete, device heartbeats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from factoryai.cameras import repository
from factoryai.cameras.models import Camera
from factoryai.cameras.schemas import CameraCreate, CameraUpdate, keep_stored_password
from factoryai.core.clock import utcnow
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError
from factoryai.core.repository import delete_unless_referenced
from factoryai.core.schemas import PageParams


def get_camera(session: Session, camera_id: str) -> Camera:
    camera = repository.get_camera(session, camera_id)
    if camera is None:
        raise NotFoundError(f"camera {camera_id!r} not found")
    return camera


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


def record_heartbeat(session: Session, camera_id: str) -> Camera:
    camera = get_camera(session, camera_id)
    camera.last_seen_at = utcnow()
    session.flush()
    return camera


def get_camera_for_event(session: Session, camera_id: str) -> Camera:
    """The camera named in an event body (punch, plate read): it must exist and be enabled (422 otherwise)."""
    camera = repository.get_camera(session, camera_id)
    if camera is None:
        raise ValidationFailedError(f"camera {camera_id!r} does not exist", field="camera_id")
    if not camera.enabled:
        raise ValidationFailedError(f"camera {camera_id!r} is disabled", field="camera_id")
    return camera


def lock_for_event(session: Session, camera_id: str) -> None:
    """Serialise read-then-write event handling at one camera across API workers (e.g. the plate cooldown)."""
    repository.lock_camera(session, camera_id)
