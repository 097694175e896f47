"""Dashboard users, device API keys and the failed-login ledger used for throttling."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from factoryai.core.columns import created_at_column, updated_at_column
from factoryai.core.db import Base, BigIntPK, UTCDateTime


class Role(StrEnum):
    ADMIN = "admin"
    HR = "hr"
    SECURITY = "security"
    VIEWER = "viewer"


class ApiKeyScope(StrEnum):
    INGEST = "ingest"  # camera workers and edge devices posting events
    METRICS = "metrics"  # Prometheus scraping /metrics


class User(Base):
    __tablename__ = "users"  # "user" is reserved in PostgreSQL
    __table_args__ = (CheckConstraint("role IN ('admin', 'hr', 'security', 'viewer')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Carried in every token ("ver"); bumped when the password, the role or is_active changes, so the tokens
    # issued before stop working at once instead of living out their expiry.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_prefix: Mapped[str] = mapped_column(String(16))  # shown in lists so a key can be recognised
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    # The camera ids the key may speak for (events, heartbeats); empty: an unbound key, warned about. A JSON list
    # beside `scopes`, not a join table: it is read with the key in the one look-up per request, the accounts
    # table points at no table above it, and deleting a camera can never turn a bound key into an unbound one.
    camera_ids: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at_column()


class LoginFailure(Base):
    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_client_time", "client_key", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
