"""The scheduler's routes: what is scheduled and how its runs went (GET /system/jobs, and the spec's
GET /occupancy/scheduler-status: the spec put the scheduler under its occupancy module), and a slot run by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request

from factoryai.accounts.deps import AdminUser
from factoryai.core.routing import ApiRoute
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors
from factoryai.scheduler import service
from factoryai.scheduler.schemas import JobRunRead, JobStatus, RunNowRequest, SchedulerStatus

router = APIRouter(prefix=API_V1, tags=["system"], route_class=ApiRoute)


@router.get("/system/jobs", response_model=list[JobStatus], summary="Scheduled jobs and their last runs")
def list_scheduled_jobs(
    session: SessionDep, settings: SettingsDep, request: Request, _admin: AdminUser
) -> list[JobStatus]:
    return [JobStatus(**row) for row in service.job_status(session, settings, request.app.state.resources.jobs)]


@router.get(
    "/occupancy/scheduler-status",
    response_model=SchedulerStatus,
    summary="Every job's schedule, next and last run, and its backlog of missed slots",
)
def get_scheduler_status(
    session: SessionDep, settings: SettingsDep, request: Request, _admin: AdminUser
) -> SchedulerStatus:
    running = getattr(request.app.state, "scheduler", None) is not None
    jobs = request.app.state.resources.jobs
    return SchedulerStatus.model_validate(service.scheduler_status(session, settings, jobs, running=running))


@router.post(
    "/system/jobs/{name}/run",
    response_model=JobRunRead,
    responses=errors(409, e409="The slot has already run, or runs now: each slot runs once"),
    summary="Run one slot of a job now (default its latest), claimed like a scheduled run",
)
def run_job_now(
    name: Annotated[str, Path(max_length=50, description="The job's name, as GET /system/jobs lists it.")],
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    _admin: AdminUser,
    body: Annotated[RunNowRequest | None, Body()] = None,
) -> JobRunRead:
    # A plain `def`: the run blocks, so it goes to the thread pool, never the event loop. It takes units of work of
    # its own (claim, work, outcome), as a scheduled run does; the request's, which only read the caller, ends
    # first: on SQLite an open transaction holds the write lock the claim needs.
    session.commit()
    factory, jobs = request.app.state.session_factory, request.app.state.resources.jobs
    run = service.run_now(factory, settings, jobs, name, body.slot if body else None)
    return JobRunRead.model_validate(run)
