"""Occupancy's scheduled jobs (spec Module 4): the hourly roll-up, the daily drift reset, the monthly roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.occupancy import service


def jobs(settings: Settings) -> tuple[Job, ...]:
    def hourly(session: Session, slot: datetime) -> dict[str, Any]:
        return service.roll_up_hours(session, slot, settings)

    def reset(session: Session, slot: datetime) -> dict[str, Any]:
        return service.reset_counts(session, slot)

    def monthly(session: Session, slot: datetime) -> dict[str, Any]:
        return service.roll_up_month(session, *service.previous_month(slot, settings))

    occupancy = settings.occupancy
    return (
        Job(
            name="occupancy.hourly_rollup",
            description="Rolls the last closed clock hour (and the late window before it) into hourly figures.",
            cron={"minute": occupancy.hourly_minute},
            run=hourly,
        ),
        Job(
            name="occupancy.drift_reset",
            description="Resets every zone's count to 0 (spec: 03:00), keeping the count discarded (the drift).",
            cron={"hour": occupancy.reset_time.hour, "minute": occupancy.reset_time.minute},
            run=reset,
        ),
        Job(
            name="occupancy.monthly_rollup",
            description="Rolls the previous month's hours into its average, totals and busiest hour.",
            cron={"day": 1, "hour": occupancy.monthly_time.hour, "minute": occupancy.monthly_time.minute},
            run=monthly,
        ),
    )
