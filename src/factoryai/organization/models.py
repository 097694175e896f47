"""Departments, employees and the shifts they work."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.clock import utcnow
from factoryai.core.columns import created_at_column, updated_at_column
from factoryai.core.db import Base


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class Shift(Base):
    __tablename__ = "shift"
    __table_args__ = (
        CheckConstraint("start_time <> end_time", name="not_zero_length"),
        CheckConstraint("grace_period_minutes >= 0", name="grace_non_negative"),
        CheckConstraint("early_exit_grace_minutes >= 0", name="early_exit_grace_non_negative"),
        CheckConstraint("checkin_window_before_minutes >= 0", name="window_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_name: Mapped[str] = mapped_column(String(50), unique=True)
    # Wall-clock times in the site time zone; end < start means the shift ends the next day.
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    grace_period_minutes: Mapped[int] = mapped_column(Integer, default=0)
    early_exit_grace_minutes: Mapped[int] = mapped_column(Integer, default=0)
    checkin_window_before_minutes: Mapped[int] = mapped_column(Integer, default=60)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class Employee(Base):
    __tablename__ = "employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(100), unique=True)  # stored lower-case
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id", ondelete="RESTRICT"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # First working day (site date): no absence is marked or reported before it. The service sets the site's
    # today by default; the UTC date is the fallback for rows made directly (scripts, tests).
    joined_on: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
