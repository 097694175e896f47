"""/api/v1/system/jobs: what is scheduled, when it runs next, how its last run went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from factoryai.accounts.deps import AdminUser
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1, SessionDep, SettingsDep
from factoryai.scheduler.runner import job_status

router = APIRouter(prefix=API_V1, tags=["system"], route_class=ApiRoute)


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


@router.get("/system/jobs", response_model=list[JobStatus], summary="Scheduled jobs and their last runs")
def list_scheduled_jobs(
    session: SessionDep, settings: SettingsDep, request: Request, _admin: AdminUser
) -> list[JobStatus]:
    return [JobStatus(**row) for row in job_status(session, settings, request.app.state.resources.jobs)]
