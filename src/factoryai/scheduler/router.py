"""/api/v1/system/jobs: what is scheduled, when it runs next, how its last run went."""

from __future__ import annotations

from fastapi import APIRouter, Request

from factoryai.accounts.deps import AdminUser
from factoryai.core.web import API_V1, SessionDep, SettingsDep
from factoryai.scheduler import service
from factoryai.scheduler.schemas import JobStatus

router = APIRouter(prefix=API_V1, tags=["system"])


@router.get("/system/jobs", response_model=list[JobStatus], summary="Scheduled jobs and their last runs")
def list_scheduled_jobs(
    session: SessionDep, settings: SettingsDep, request: Request, _admin: AdminUser
) -> list[JobStatus]:
    return [JobStatus(**row) for row in service.job_status(session, settings, request.app.state.resources.jobs)]
