"""Attendance records and their corrections (spec Module 3); shifts belong to organization."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column, updated_at_column
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class AttendanceStatus(StrEnum):
    PRESENT = "PRESENT"
    LATE = "LATE"
    ABSENT = "ABSENT"


class AttendanceRecord(Base):
    __tablename__ = "attendance_record"
    __table_args__ = (
        # One record per employee per attendance date (the day the shift starts).
        UniqueConstraint("employee_id", "attendance_date"),
        Index("ix_attendance_record_date_status", "attendance_date", "status"),
        # The double-entry and check-out look-ups: an employee's check-ins around an instant.
        Index("ix_attendance_record_employee_check_in", "employee_id", "check_in_time"),
        CheckConstraint("status IN ('PRESENT', 'LATE', 'ABSENT')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="RESTRICT"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id", ondelete="RESTRICT"))
    attendance_date: Mapped[date] = mapped_column(Date)
    check_in_time: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None for ABSENT
    check_out_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    grace_period_applied: Mapped[bool] = mapped_column(Boolean, default=False)
    is_early_exit: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    check_in_camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    check_out_camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class AttendanceCorrection(Base):
    """One HR correction of a record: who changed which fields from what to what, when and why."""

    __tablename__ = "attendance_correction"
    __table_args__ = (Index("ix_attendance_correction_record", "attendance_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    attendance_id: Mapped[int] = mapped_column(BigIntPK, ForeignKey("attendance_record.id", ondelete="RESTRICT"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_username: Mapped[str] = mapped_column(String(50))  # kept if the user is later removed
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"field": {"old": ..., "new": ...}}
