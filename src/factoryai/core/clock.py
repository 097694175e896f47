"""Time in one place, so tests and jobs agree on 'now' and on the site's zone."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
