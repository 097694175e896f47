"""A scheduled job as the scheduler sees it. Each domain builds its own in `<domain>/jobs.py`, from the settings and
the objects its runs need (passed in by the owner, never module globals); `scheduler.registry` combines them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

# (session, slot) -> result: `slot` is the scheduled instant the run stands for (not the moment it happened to
# start), so a late or caught-up run still does that slot's work. The runner commits the session.
JobRun = Callable[[Session, datetime], dict[str, Any]]

# After downtime, "all" runs every missed slot (oldest first, within scheduler.catch_up_days): each slot is its own
# work, like a day's absences or an hour's roll-up. "latest" runs only the newest missed slot: for jobs whose run
# does not depend on its slot beyond "now-ish" (a retry queue, a cleanup that covers everything older), where
# replaying 2,016 five-minute slots would redo the same work.
CatchUp = Literal["all", "latest"]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    cron: dict[str, Any]  # APScheduler CronTrigger fields, in the site time zone
    run: JobRun
    catch_up: CatchUp = "all"
