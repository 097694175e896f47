"""Database access for system_log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams
from factoryai.system.models import SystemLog


def add(session: Session, level: str, source: str, message: str, details: dict[str, Any] | None) -> SystemLog:
    row = SystemLog(level=level, source=source, message=message[:500], details=details)
    session.add(row)
    return row


def list_logs(
    session: Session, page: PageParams, *, source: str | None, level: str | None
) -> tuple[Sequence[SystemLog], int]:
    query = select(SystemLog).order_by(SystemLog.created_at.desc(), SystemLog.id.desc())
    if source is not None:
        query = query.where(SystemLog.source == source)
    if level is not None:
        query = query.where(SystemLog.level == level)
    return paginate(session, query, page)
