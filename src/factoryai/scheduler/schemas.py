"""Scheduler bodies: the jobs' status (GET /system/jobs, GET /occupancy/scheduler-status) and a run started by
hand (POST /system/jobs/{name}/run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from factoryai.core.schemas import AwareIsoDateTime, InputModel

RUN_STATUS_DESCRIPTION = "running, succeeded or failed."
ROWS_DESCRIPTION = (
    "Rows the run wrote or handled: the `rows` entry of its result, else the count today's jobs report "
    "(`marked_absent`, `processed`, `files_deleted`); null when the result has none."
)


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


class JobRunRead(BaseModel):
    """One run of a job: the slot it stands for and how it went."""

    job: str
    slot: datetime = Field(description="The scheduled instant the run stands for.")
    status: str = Field(description=RUN_STATUS_DESCRIPTION)
    runner: str = Field(description="host:pid/claim of the process that ran it (or runs it).")
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None = Field(description="Null while it runs.")
    rows: int | None = Field(description=ROWS_DESCRIPTION)
    result: dict[str, Any] | None = Field(description="What the job reported.")
    error: str | None
    lease_expires_at: datetime | None = Field(
        description="While it runs: when its claim passes to another process unless its runner renews it."
    )


class Backlog(BaseModel):
    count: int = Field(description="Slots that would run now: never claimed, or claimed by a runner that died.")
    oldest: datetime | None


class ScheduledJob(BaseModel):
    name: str
    description: str
    schedule: str = Field(description="The cron trigger, in the site time zone.")
    catch_up: Literal["all", "latest"] = Field(
        description="After downtime: every missed slot of the last scheduler.catch_up_days, or only the latest."
    )
    next_run: datetime | None
    last_run: JobRunRead | None = Field(description="The run of the latest slot that has one.")
    backlog: Backlog


class SchedulerStatus(BaseModel):
    scheduler_running: bool = Field(
        description="Whether this process runs a scheduler (scheduler.enabled); another process may run one."
    )
    timezone: str
    catch_up_days: int
    lease_seconds: int
    jobs: list[ScheduledJob]


class RunNowRequest(InputModel):
    slot: AwareIsoDateTime | None = Field(
        None, description="One of the job's fire times, with its UTC offset; default the latest one."
    )
