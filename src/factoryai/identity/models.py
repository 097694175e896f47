"""Recognised faces at cameras (access_log) and faces nobody could match (unknown_attendance)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class AccessLog(Base):
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_employee_time", "employee_id", "entry_time"),
        Index("ix_access_log_camera_time", "camera_id", "entry_time"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="RESTRICT"))
    camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    entry_time: Mapped[datetime] = mapped_column(UTCDateTime())
    confidence: Mapped[float | None] = mapped_column(Float)
    face_id: Mapped[str | None] = mapped_column(String(100))
    snapshot_path: Mapped[str | None] = mapped_column(String(255))


class UnknownAttendance(Base):
    __tablename__ = "unknown_attendance"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'assigned', 'dismissed')", name="status"),
        Index("ix_unknown_attendance_status_time", "status", "detected_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    snapshot_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    assigned_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
