"""Every quality-gate decision on a plate read (spec Module 2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class VehicleLog(Base):
    __tablename__ = "vehicle_log"
    __table_args__ = (
        CheckConstraint("status IN ('AUTHORIZED', 'UNKNOWN', 'BLOCKED', 'REJECTED')", name="status"),
        Index("ix_vehicle_log_plate_time", "plate_number", "timestamp"),
        Index("ix_vehicle_log_camera_time", "camera_id", "timestamp"),
        Index("ix_vehicle_log_status_time", "status", "timestamp"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    plate_number: Mapped[str] = mapped_column(String(20))  # normalised read (may be invalid when REJECTED)
    raw_text: Mapped[str | None] = mapped_column(String(50))
    ocr_confidence: Mapped[float] = mapped_column(Float)
    vehicle_type: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10))
    rejection_reason: Mapped[str | None] = mapped_column(String(30))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # a guard should look at this read
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    snapshot_path: Mapped[str | None] = mapped_column(String(255))


class WatchList(StrEnum):
    BLOCKED = "blocked"
    ALLOWED = "allowed"


class WatchlistEntry(Base):
    """A plate on the blocked or the allowed list. One list per plate: the key ignores leading zeros."""

    __tablename__ = "vehicle_watchlist"
    __table_args__ = (CheckConstraint("list IN ('blocked', 'allowed')", name="list"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plate_number: Mapped[str] = mapped_column(String(20))
    plate_key: Mapped[str] = mapped_column(String(20), unique=True)
    list: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(255))
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class VehicleAlert(Base):
    """A security alert (a blocked vehicle at a gate), kept until a guard acknowledges it."""

    __tablename__ = "vehicle_alert"
    __table_args__ = (Index("ix_vehicle_alert_open", "acknowledged_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    alert_type: Mapped[str] = mapped_column(String(30))
    plate_number: Mapped[str] = mapped_column(String(20))
    camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    vehicle_log_id: Mapped[int | None] = mapped_column(BigIntPK, ForeignKey("vehicle_log.id", ondelete="RESTRICT"))
    message: Mapped[str] = mapped_column(String(255))
    snapshot_path: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at_column()
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
