"""Database access for access_log and unknown_attendance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from factoryai.core.repository import null_where_in, paginate
from factoryai.core.schemas import PageParams
from factoryai.identity.models import AccessLog, FaceEnrollment, PendingRecognition, UnknownAttendance
from factoryai.organization.models import Employee


def add_access(session: Session, entry: AccessLog) -> AccessLog:
    session.add(entry)
    return entry


def list_access(
    session: Session,
    page: PageParams,
    *,
    employee_id: int | None,
    camera_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> tuple[Sequence[AccessLog], int]:
    query = select(AccessLog).order_by(AccessLog.entry_time.desc(), AccessLog.id.desc())
    if employee_id is not None:
        query = query.where(AccessLog.employee_id == employee_id)
    if camera_id is not None:
        query = query.where(AccessLog.camera_id == camera_id)
    if since is not None:
        query = query.where(AccessLog.entry_time >= since)
    if until is not None:
        query = query.where(AccessLog.entry_time < until)
    return paginate(session, query, page)


def add_enrollment(session: Session, row: FaceEnrollment) -> FaceEnrollment:
    session.add(row)
    return row


def list_enrollments(session: Session, employee_id: int, engine: str | None = None) -> Sequence[FaceEnrollment]:
    query = select(FaceEnrollment).where(FaceEnrollment.employee_id == employee_id).order_by(FaceEnrollment.id)
    if engine is not None:
        query = query.where(FaceEnrollment.engine == engine)
    return session.scalars(query).all()


def count_enrollments(session: Session, employee_id: int, engine: str) -> int:
    query = select(func.count()).where(FaceEnrollment.employee_id == employee_id, FaceEnrollment.engine == engine)
    return session.scalar(query) or 0


def delete_enrollments(session: Session, employee_id: int) -> int:
    return session.execute(delete(FaceEnrollment).where(FaceEnrollment.employee_id == employee_id)).rowcount


def _active_enrollments(engine: str) -> Select[tuple[int, int, bytes | None]]:
    return (
        select(FaceEnrollment.id, FaceEnrollment.employee_id, FaceEnrollment.descriptor)
        .join(Employee, Employee.id == FaceEnrollment.employee_id)
        .where(FaceEnrollment.engine == engine, Employee.is_active.is_(True))
    )


def gallery_version(session: Session, engine: str) -> tuple[Any, ...]:
    """Changes whenever the set of matchable photos changes: enrolled or removed (ids are never reused, see the
    model), or an employee (de)activated (their updated_at moves)."""
    rows = _active_enrollments(engine).add_columns(Employee.updated_at.label("employee_updated_at")).subquery()
    return tuple(
        session.execute(
            select(
                func.count(),
                func.coalesce(func.max(rows.c.id), 0),
                func.coalesce(func.sum(rows.c.id), 0),
                func.max(rows.c.employee_updated_at),
            )
        ).one()
    )


def gallery_rows(session: Session, engine: str) -> list[tuple[int, bytes]]:
    query = _active_enrollments(engine).where(FaceEnrollment.descriptor.is_not(None))
    return [(int(e), bytes(d)) for _id, e, d in session.execute(query)]


def enrolled_face_ids(session: Session, face_ids: Sequence[str]) -> dict[str, int]:
    """External face id -> employee id, for ids still enrolled to an active employee."""
    if not face_ids:
        return {}
    query = (
        select(FaceEnrollment.external_face_id, FaceEnrollment.employee_id)
        .join(Employee, Employee.id == FaceEnrollment.employee_id)
        .where(FaceEnrollment.external_face_id.in_(face_ids), Employee.is_active.is_(True))
    )
    return {str(f): int(e) for f, e in session.execute(query)}


def add_unknown(session: Session, row: UnknownAttendance) -> UnknownAttendance:
    session.add(row)
    return row


def get_unknown(session: Session, unknown_id: int, *, for_update: bool = False) -> UnknownAttendance | None:
    return session.get(UnknownAttendance, unknown_id, with_for_update=for_update)


def list_unknown(
    session: Session, page: PageParams, *, status: str | None, camera_id: str | None
) -> tuple[Sequence[UnknownAttendance], int]:
    query = select(UnknownAttendance).order_by(UnknownAttendance.detected_at.desc(), UnknownAttendance.id.desc())
    if status is not None:
        query = query.where(UnknownAttendance.status == status)
    if camera_id is not None:
        query = query.where(UnknownAttendance.camera_id == camera_id)
    return paginate(session, query, page)


def snapshot_paths_of_employee(session: Session, employee_id: int) -> list[str]:
    unknown = select(UnknownAttendance.snapshot_path).where(
        UnknownAttendance.assigned_employee_id == employee_id, UnknownAttendance.snapshot_path.is_not(None)
    )
    access = select(AccessLog.snapshot_path).where(
        AccessLog.employee_id == employee_id, AccessLog.snapshot_path.is_not(None)
    )
    return [str(p) for p in session.scalars(unknown.union(access))]


def clear_snapshot_paths(session: Session, paths: Sequence[str]) -> int:
    """Null every reference to these snapshot files (they were deleted)."""
    columns = (UnknownAttendance.snapshot_path, AccessLog.snapshot_path, PendingRecognition.image_path)
    return null_where_in(session, columns, paths)


def add_pending(session: Session, row: PendingRecognition) -> PendingRecognition:
    session.add(row)
    return row


def due_pending(session: Session, limit: int) -> Sequence[PendingRecognition]:
    query = (
        select(PendingRecognition)
        .where(PendingRecognition.status == "pending")
        .order_by(PendingRecognition.captured_at, PendingRecognition.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def pending_image_paths(session: Session) -> list[str]:
    query = select(PendingRecognition.image_path).where(
        PendingRecognition.status == "pending", PendingRecognition.image_path.is_not(None)
    )
    return [str(p) for p in session.scalars(query)]


def list_pending(session: Session, page: PageParams, *, status: str | None) -> tuple[Sequence[PendingRecognition], int]:
    query = select(PendingRecognition).order_by(PendingRecognition.captured_at.desc(), PendingRecognition.id.desc())
    if status is not None:
        query = query.where(PendingRecognition.status == status)
    return paginate(session, query, page)
