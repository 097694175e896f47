"""Audit trail of maintenance jobs and administrative events (system_log)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy.orm import Session

from factoryai.core.schemas import PageParams
from factoryai.system import repository
from factoryai.system.models import SystemLog

Level = Literal["INFO", "WARNING", "ERROR"]
log = logging.getLogger(__name__)


def record(
    session: Session, source: str, message: str, *, level: Level = "INFO", details: dict[str, Any] | None = None
) -> SystemLog:
    """Write an event to system_log (and the process log); committed with the caller's unit of work."""
    log.log(logging.getLevelName(level), "%s: %s", source, message)
    row = repository.add(session, level, source, message, details)
    session.flush()
    return row


def list_logs(
    session: Session, page: PageParams, *, source: str | None = None, level: str | None = None
) -> tuple[Sequence[SystemLog], int]:
    return repository.list_logs(session, page, source=source, level=level)
