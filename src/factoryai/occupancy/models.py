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
    # One sample per camera and instant: a batch re-sent after a timeout is skipped, not stored twice. The key's
    # index also serves "this camera's samples in a time range".
    __table_args__ = (UniqueConstraint("camera_id", "timestamp"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(50), ForeignKey("camera.id", ondelete="RESTRICT"))
    current_count: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    exits: Mapped[int] = mapped_column(Integer, default=0)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The 03:00 drift reset writes a zero sample marked is_reset; discarded_count is the count it threw away (the
    # drift), which tells a site whether its counting line is placed well.
    is_reset: Mapped[bool] = mapped_column(Boolean, default=False)
    discarded_count: Mapped[int | None] = mapped_column(Integer)


class OccupancyDailyAggregate(Base):
    """One row per camera, site-local date and hour. On a DST fall-back day the repeated local hour is one row
    covering both (its averages are over 120 minutes); on a spring-forward day the skipped hour has no row."""

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
    avg_occupancy: Mapped[float] = mapped_column(Float)  # over the month's hours, each weighted by its length
    max_occupancy: Mapped[int | None] = mapped_column(Integer)
    total_entries: Mapped[int] = mapped_column(Integer)
    total_exits: Mapped[int] = mapped_column(Integer)
    hours: Mapped[int] = mapped_column(Integer, default=0)  # hourly rows the month's figures come from
    # The busiest hour of the month (highest average occupancy), site-local.
    peak_date: Mapped[date | None] = mapped_column(Date)
    peak_hour: Mapped[int | None] = mapped_column(Integer)
    peak_avg_occupancy: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class OccupancyAlert(Base):
    """A zone over its capacity (camera setting): one alert per excursion, open until the count is back at or under
    the capacity; acknowledged by security like a vehicle alert."""

    __tablename__ = "occupancy_alert"
    __table_args__ = (Index("ix_occupancy_alert_camera_open", "camera_id", "ended_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(50), ForeignKey("camera.id", ondelete="RESTRICT"))
    capacity: Mapped[int] = mapped_column(Integer)
    peak_count: Mapped[int] = mapped_column(Integer)  # the highest count seen during the excursion
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
