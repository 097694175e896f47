"""Shared by the scheduler tests: site-time instants, a job that records the slots it ran, and claims arranged in
job_run as earlier runs (or a dead process) would have left them."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.core.jobs import CatchUp, Job
from factoryai.scheduler import runner
from factoryai.scheduler.models import JobRun

IST = ZoneInfo("Asia/Kolkata")  # the default site time zone, which the tests' settings keep


def ist(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """An instant in October 2026, site time, as UTC (how job_run gives it back)."""
    return datetime(2026, month, day, hour, minute, tzinfo=IST).astimezone(UTC)


def hours(first: datetime, last: datetime) -> list[datetime]:
    """Every whole hour from first to last."""
    return [first + timedelta(hours=h) for h in range(int((last - first) / timedelta(hours=1)) + 1)]


def week_claimed_until(engine: Engine, job_name: str, last: datetime) -> None:
    """An hourly job whose scheduler ran until ``last``: a week and a day of its slots, up to it, succeeded."""
    claimed(engine, job_name, hours(last - timedelta(days=8), last))


class Recorder:
    """A job's run: records each slot it ran (thread-safe), and whether an event loop was running in its thread."""

    def __init__(self, result: dict[str, Any] | None = None) -> None:
        self.slots: list[datetime] = []
        self.in_event_loop: list[bool] = []
        self.result = result if result is not None else {"rows": 1}
        self._lock = threading.Lock()

    def __call__(self, _session: Session, slot: datetime) -> dict[str, Any]:
        try:
            asyncio.get_running_loop()
            in_loop = True
        except RuntimeError:
            in_loop = False
        with self._lock:
            self.slots.append(slot.astimezone(UTC))
            self.in_event_loop.append(in_loop)
        return self.result

    def job(self, name: str, cron: dict[str, Any], catch_up: CatchUp = "all") -> Job:
        return Job(name=name, description=f"records its slots ({name})", cron=cron, run=self, catch_up=catch_up)


def claimed(
    engine: Engine,
    job_name: str,
    slots: Iterable[datetime],
    *,
    status: str = "succeeded",
    runner: str = "elsewhere:1/arranged",
    started_at: datetime | None = None,
    lease_expires_at: datetime | None = None,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    duration: timedelta = timedelta(seconds=1),
) -> None:
    """Claims as runs (finished, or running under a lease) left them, in one INSERT."""
    rows = []
    for slot in slots:
        start = started_at or slot
        rows.append(
            {
                "job_name": job_name,
                "slot_start": slot,
                "status": status,
                "runner": runner,
                "started_at": start,
                "finished_at": None if status == "running" else start + duration,
                "lease_expires_at": lease_expires_at,
                "result": result,
                "error": error,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(JobRun), rows)


def run_row(engine: Engine, job_name: str, slot: datetime) -> JobRun | None:
    with Session(engine) as s:
        return s.scalar(select(JobRun).where(JobRun.job_name == job_name, JobRun.slot_start == slot))


def race(settings: Settings, job: Job, slot: datetime, processes: int = 8) -> list[str]:
    """``processes`` runners reaching the same slot at once, each on a connection of its own: their outcomes."""
    engine = create_db_engine(settings.database.model_copy(update={"pool_size": processes}))
    factory = create_session_factory(engine)
    start = threading.Barrier(processes)

    def one(_: int) -> str:
        start.wait()
        return runner.run_slot(factory, settings, job, slot)

    try:
        with ThreadPoolExecutor(max_workers=processes) as pool:
            return list(pool.map(one, range(processes)))
    finally:
        engine.dispose()


def with_scheduler(settings: Settings, **changes: Any) -> Settings:
    """Scheduler settings changed in place of a YAML file (validated, like a real configuration)."""
    section = type(settings.scheduler).model_validate({**settings.scheduler.model_dump(), **changes})
    return settings.model_copy(update={"scheduler": section})
