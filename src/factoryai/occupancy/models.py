"""Occupancy samples and their hourly / monthly aggregates (spec Module 4)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column, updated_at_column
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class OccupancyLog(Base):
    __tablename__ = "occupancy_log"
    __table_args__ = (Index("ix_occupancy_log_camera_time", "camera_id", "timestamp"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(50), ForeignKey("camera.id", ondelete="RESTRICT"))
    current_count: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    exits: Mapped[int] = mapped_column(Integer, default=0)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The 03:00 drift reset writes a zero row; aggregation must not count it as an observation.
    is_reset: Mapped[bool] = mapped_column(Boolean, default=False)


class OccupancyDailyAggregate(Base):
    """One row per camera, site-local date and hour."""

    __tablename__ = "occupancy_daily_aggregate"
    __table_args__ = (
        UniqueConstraint("camera_id", "occupancy_date", "hour"),
        CheckConstraint("hour >= 0 AND hour <= 23", name="hour_range"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(50), ForeignKey("camera.id", ondelete="RESTRICT"))
    occupancy_date: Mapped[date] = mapped_column(Date, index=True)
    hour: Mapped[int] = mapped_column(Integer)
    avg_occupancy: Mapped[float] = mapped_column(Float)
    max_occupancy: Mapped[int] = mapped_column(Integer)
    min_occupancy: Mapped[int] = mapped_column(Integer)
    total_entries: Mapped[int] = mapped_column(Integer)
    total_exits: Mapped[int] = mapped_column(Integer)
    sample_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class OccupancyMonthlyAggregate(Base):
    __tablename__ = "occupancy_monthly_aggregate"
    __table_args__ = (
        UniqueConstraint("camera_id", "year", "month"),
        CheckConstraint("month >= 1 AND month <= 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(50), ForeignKey("camera.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    avg_occupancy: Mapped[float] = mapped_column(Float)
    max_occupancy: Mapped[int | None] = mapped_column(Integer)
    total_entries: Mapped[int] = mapped_column(Integer)
    total_exits: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
