"""Scheduler bodies: the jobs' status (GET /system/jobs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class JobStatus(BaseModel):
    name: str
    description: str
    schedule: str
    next_run: datetime | None
    last_slot: datetime | None
    last_status: str | None
    last_finished_at: datetime | None
    last_result: dict[str, Any] | None
    last_error: str | None
