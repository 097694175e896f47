"""Recognised faces at cameras (access_log) and faces nobody could match (unknown_attendance)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, LargeBinary, String
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


class FaceEnrollment(Base):
    """One enrolled photo of an employee. The photo itself is not kept: only what the engine needs to match it
    (a 128-d descriptor for 'local', Rekognition's FaceId for 'aws') and where the face was in the photo."""

    __tablename__ = "face_enrollment"
    __table_args__ = (
        CheckConstraint("engine IN ('local', 'aws')", name="engine"),
        CheckConstraint("descriptor IS NOT NULL OR external_face_id IS NOT NULL", name="has_template"),
        Index("ix_face_enrollment_engine_employee", "engine", "employee_id"),
        # Ids are never reused (SQLite would hand a deleted row's id to the next one): the gallery cache's
        # version relies on it.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # CASCADE: face data is erased with the employee (it is never history to keep).
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    engine: Mapped[str] = mapped_column(String(10))
    descriptor: Mapped[bytes | None] = mapped_column(LargeBinary)
    external_face_id: Mapped[str | None] = mapped_column(String(100))
    source_name: Mapped[str | None] = mapped_column(String(255))
    box_left: Mapped[int] = mapped_column(Integer)
    box_top: Mapped[int] = mapped_column(Integer)
    box_width: Mapped[int] = mapped_column(Integer)
    box_height: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()


class PendingRecognition(Base):
    """A camera punch the face engine could not answer (AWS down past its retries): kept with its image and
    re-processed by a job, so an outage never loses a check-in."""

    __tablename__ = "pending_recognition"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'done', 'failed')", name="status"),
        Index("ix_pending_recognition_status_time", "status", "captured_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    camera_id: Mapped[str | None] = mapped_column(ForeignKey("camera.id", ondelete="RESTRICT"))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    image_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
