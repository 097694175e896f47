"""Identity: who was seen where. The face engines and enrolment arrive with the identity issue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from factoryai.core.schemas import PageParams
from factoryai.identity import repository
from factoryai.identity.models import AccessLog


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
