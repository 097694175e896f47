"""A scheduled job as the scheduler sees it. Each domain builds its own in `<domain>/jobs.py`, from the settings and
the objects its runs need (passed in by the owner, never module globals); `scheduler.registry` combines them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

# (session, slot) -> result: `slot` is the scheduled instant the run stands for (not the moment it happened to
# start), so a late or caught-up run still does that slot's work. The runner commits the session.
JobRun = Callable[[Session, datetime], dict[str, Any]]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    cron: dict[str, Any]  # APScheduler CronTrigger fields, in the site time zone
    run: JobRun
