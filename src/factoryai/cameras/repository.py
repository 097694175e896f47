"""Database access for cameras."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.core.repository import contains_pattern, paginate
from factoryai.core.schemas import PageParams


def get_camera(session: Session, camera_id: str) -> Camera | None:
    return session.get(Camera, camera_id)


def get_cameras(session: Session, camera_ids: Collection[str]) -> Sequence[Camera]:
    return session.scalars(select(Camera).where(Camera.id.in_(list(camera_ids)))).all()


def get_camera_case_insensitive(session: Session, camera_id: str) -> Camera | None:
    return session.scalar(select(Camera).where(func.lower(Camera.id) == camera_id.lower()))


def list_cameras(
    session: Session, page: PageParams, *, role: str | None, enabled: bool | None, q: str | None
) -> tuple[Sequence[Camera], int]:
    query = select(Camera).order_by(Camera.id)
    if role is not None:
        query = query.where(Camera.role == role)
    if enabled is not None:
        query = query.where(Camera.enabled == enabled)
    if q:
        pattern = contains_pattern(q)
        query = query.where(or_(Camera.id.ilike(pattern, escape="\\"), Camera.name.ilike(pattern, escape="\\")))
    return paginate(session, query, page)


def enabled_cameras(session: Session) -> Sequence[Camera]:
    return session.scalars(select(Camera).where(Camera.enabled.is_(True)).order_by(Camera.id)).all()


def lock_camera(session: Session, camera_id: str) -> None:
    """Row lock on the camera until the transaction ends (PostgreSQL; SQLite transactions are serialised anyway)."""
    session.execute(select(Camera.id).where(Camera.id == camera_id).with_for_update())
