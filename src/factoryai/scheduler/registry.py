"""Every scheduled job of the system: each domain's `jobs.py`, combined. Add a domain's jobs here."""

from __future__ import annotations

from collections.abc import Sequence

from factoryai.attendance import jobs as attendance
from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.identity.runtime import FaceRuntime
from factoryai.occupancy import jobs as occupancy
from factoryai.retention import jobs as retention


def build_jobs(settings: Settings, faces: FaceRuntime) -> tuple[Job, ...]:
    return (*attendance.jobs(settings, faces), *occupancy.jobs(settings), *retention.jobs(settings))


def job_named(jobs: Sequence[Job], name: str) -> Job:
    for job in jobs:
        if job.name == name:
            return job
    raise KeyError(name)
