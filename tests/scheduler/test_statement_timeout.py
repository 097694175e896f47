"""On PostgreSQL a job's statements run under scheduler.statement_timeout_seconds, so a hung run cannot hold the
next; the setting is local to the job's transaction. SQLite has no statement timeout: jobs run as they are."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.jobs import Job
from factoryai.scheduler import runner
from tests.scheduler.helpers import ist, run_row, with_scheduler

SLOT = ist(6, 9)


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no statement timeout; its runs take no such setting")


@pytest.mark.usefixtures("postgres_only")
def test_a_job_statement_running_past_the_timeout_is_cancelled(settings: Settings, clean_db: Engine) -> None:
    def hangs(session: Session, _slot: datetime) -> dict:
        session.execute(text("SELECT pg_sleep(5)"))
        return {"rows": 0}

    job = Job(name="test.hangs", description="", cron={"minute": 0}, run=hangs)
    one_second = with_scheduler(settings, statement_timeout_seconds=1)

    assert runner.run_slot(create_session_factory(clean_db), one_second, job, SLOT) == "failed"

    run = run_row(clean_db, job.name, SLOT)
    assert run.status == "failed"
    assert "statement timeout" in run.error


@pytest.mark.usefixtures("postgres_only")
def test_the_timeout_holds_for_the_job_s_transaction_only(settings: Settings, clean_db: Engine) -> None:
    seen = []

    def shows(session: Session, _slot: datetime) -> dict:
        seen.append(session.scalar(text("SHOW statement_timeout")))
        return {}

    factory = create_session_factory(clean_db)
    with factory() as s:
        before = s.scalar(text("SHOW statement_timeout"))
    job = Job(name="test.shows", description="", cron={"minute": 0}, run=shows)

    assert runner.run_slot(factory, with_scheduler(settings, statement_timeout_seconds=90), job, SLOT) == "succeeded"

    assert seen == ["90s"]
    with factory() as s:  # the pooled connection went back without it (SET LOCAL)
        assert s.scalar(text("SHOW statement_timeout")) == before != "90s"


def test_jobs_run_on_either_engine(settings: Settings, clean_db: Engine) -> None:
    job = Job(
        name="test.reads", description="", cron={"minute": 0}, run=lambda s, _: {"rows": s.scalar(text("SELECT 1"))}
    )
    assert runner.run_slot(create_session_factory(clean_db), settings, job, SLOT) == "succeeded"
    assert run_row(clean_db, job.name, SLOT).result == {"rows": 1}
