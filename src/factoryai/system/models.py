"""system_log: outcomes of maintenance jobs and other events an administrator must be able to audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.clock import utcnow
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class SystemLog(Base):
    __tablename__ = "system_log"
    __table_args__ = (Index("ix_system_log_source_created", "source", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(50))  # e.g. identity.snapshot_cleanup
    message: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
