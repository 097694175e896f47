"""Database access for access_log and unknown_attendance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams
from factoryai.identity.models import AccessLog


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
