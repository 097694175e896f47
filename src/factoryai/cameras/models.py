"""Cameras: every module (attendance, gate, occupancy, video) hangs its events off a camera id."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column, updated_at_column
from factoryai.core.db import Base, UTCDateTime


class CameraRole(StrEnum):
    ENTRANCE = "entrance"  # faces → check-in
    EXIT = "exit"  # faces → check-out
    GATE = "gate"  # vehicles → plate reading
    ZONE = "zone"  # people counting


class Camera(Base):
    __tablename__ = "camera"
    __table_args__ = (CheckConstraint("role IN ('entrance', 'exit', 'gate', 'zone')", name="role"),)

    id: Mapped[str] = mapped_column(String(50), primary_key=True)  # e.g. CAM-MAIN, as in the spec
    name: Mapped[str] = mapped_column(String(100))
    source_url: Mapped[str] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(10), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The camera worker that opens it (factoryai worker), held by a lease its heartbeats renew: each camera is
    # opened by one process only, and a worker that dies hands its cameras on once the lease runs out.
    worker_id: Mapped[str | None] = mapped_column(String(100))
    worker_lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class CameraWorker(Base):
    """A `factoryai worker` process as it last announced itself: where API processes fetch its streams, the
    secret they present there, and the state of its cameras."""

    __tablename__ = "camera_worker"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the worker's --name
    api_key_id: Mapped[int | None] = mapped_column(Integer)  # the device key it announced itself with
    stream_url: Mapped[str | None] = mapped_column(String(500))  # None: it serves no streams (no --listen)
    relay_token: Mapped[str | None] = mapped_column(String(200))  # random per worker start; opens its streams only
    statuses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # camera id -> status, as last reported
    outbox: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # WorkerOutbox as last reported
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeviceEvent(Base):
    """An event a camera worker made (a face track, later a gate pass), by the id the worker gave it: stored once,
    so a worker that re-sends after a timeout or a crash never doubles a punch. Kept with its outcome, which a
    re-sent event is answered with."""

    __tablename__ = "device_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    camera_id: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str | None] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
