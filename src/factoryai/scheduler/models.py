"""job_run: one row per job and time slot. Its unique key is how a slot runs exactly once across processes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.db import Base, BigIntPK, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("job_name", "slot_start"),
        CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="status"),
        Index("ix_job_run_job_started", "job_name", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    job_name: Mapped[str] = mapped_column(String(50))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())  # the scheduled time this run stands for
    status: Mapped[str] = mapped_column(String(10))
    runner: Mapped[str] = mapped_column(String(100))  # host:pid/token of the claim (or take-over) that holds it
    # A running claim is the runner's while this lies ahead: it renews the lease as the job runs, and another
    # process takes over a claim whose lease ran out (its runner died).
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(500))
