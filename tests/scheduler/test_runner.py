"""Scheduled jobs run exactly once per slot across processes, catch up after downtime, and record failures."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.core.config import Settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.core.jobs import Job
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization.models import Employee, Shift
from factoryai.scheduler import runner, slots
from factoryai.scheduler.models import JobRun
from factoryai.scheduler.registry import build_jobs, job_named
from factoryai.system.models import SystemLog
from tests.scheduler.helpers import Recorder, race

IST_NOON_OCT_6 = datetime(2026, 10, 6, 6, 30, tzinfo=UTC)  # 12:00 IST, a Tuesday: marks Monday 10-05


def _jobs(settings: Settings) -> tuple[Job, ...]:
    return build_jobs(settings, FaceRuntime(settings))


def _staff(session: Session, n: int = 3) -> list[int]:
    shift = Shift(shift_name="General", start_time=clock_time(8), end_time=clock_time(17), grace_period_minutes=5)
    session.add(shift)
    session.flush()
    people = [
        Employee(name=f"Worker {i}", email=f"w{i}@example.com", shift_id=shift.id, joined_on=date(2026, 1, 1))
        for i in range(n)
    ]
    session.add_all(people)
    session.commit()
    return [p.id for p in people]


def _count(engine: Engine, query) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(query.subquery()))


def test_latest_slot_is_the_last_fire_time_not_after_now(settings: Settings) -> None:
    trigger = slots.trigger_for(job_named(_jobs(settings), "attendance.mark_absent"), settings)
    assert slots.latest_slot(trigger, IST_NOON_OCT_6) == IST_NOON_OCT_6
    just_before = IST_NOON_OCT_6 - timedelta(seconds=1)
    assert slots.latest_slot(trigger, just_before) == IST_NOON_OCT_6 - timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"second": "*"}, datetime(2026, 10, 6, 6, 30, 0, tzinfo=UTC)),
        ({"minute": "*/15"}, datetime(2026, 10, 6, 6, 30, tzinfo=UTC)),
        ({"hour": 3, "minute": 0}, datetime(2026, 10, 5, 21, 30, tzinfo=UTC)),  # 03:00 IST that morning
        ({"day": 1, "hour": 0, "minute": 0}, datetime(2026, 9, 30, 18, 30, tzinfo=UTC)),  # 1 Oct 00:00 IST
    ],
)
def test_latest_slot_for_frequent_and_rare_schedules(fields: dict, expected: datetime) -> None:
    from apscheduler.triggers.cron import CronTrigger

    from factoryai.core.config import load_settings

    trigger = CronTrigger(**fields, timezone=load_settings().site.tz)
    assert slots.latest_slot(trigger, IST_NOON_OCT_6 + timedelta(milliseconds=500)) == expected


def test_absence_job_marks_the_day_before_its_slot(session: Session, settings: Settings, clean_db: Engine) -> None:
    ids = _staff(session)
    session.close()
    factory = create_session_factory(clean_db)
    outcome = runner.run_slot(factory, settings, job_named(_jobs(settings), "attendance.mark_absent"), IST_NOON_OCT_6)
    assert outcome == "succeeded"
    absent = select(AttendanceRecord).where(
        AttendanceRecord.attendance_date == date(2026, 10, 5), AttendanceRecord.status == "ABSENT"
    )
    assert _count(clean_db, absent) == len(ids)
    with factory() as s:
        run = s.scalar(select(JobRun))
        assert (run.status, run.result["marked_absent"], run.slot_start) == ("succeeded", 3, IST_NOON_OCT_6)


def test_a_slot_runs_once_however_many_processes_race_for_it(
    session: Session, settings: Settings, clean_db: Engine
) -> None:
    _staff(session)
    session.close()
    outcomes = race(settings, job_named(_jobs(settings), "attendance.mark_absent"), IST_NOON_OCT_6)
    assert outcomes.count("succeeded") == 1
    assert outcomes.count("claimed-elsewhere") == 7
    assert _count(clean_db, select(JobRun)) == 1
    assert _count(clean_db, select(AttendanceRecord)) == 3


def test_a_failing_job_is_recorded_and_does_not_raise(settings: Settings, clean_db: Engine) -> None:
    def broken(_session: Session, _slot: datetime) -> dict:
        raise RuntimeError("disk full")

    job = Job(name="test.broken", description="always fails", cron={"minute": 0}, run=broken)
    factory = create_session_factory(clean_db)
    assert runner.run_slot(factory, settings, job, IST_NOON_OCT_6) == "failed"
    with factory() as s:
        run = s.scalar(select(JobRun).where(JobRun.job_name == "test.broken"))
        assert run.status == "failed"
        assert "disk full" in run.error
        assert run.finished_at is not None
        logged = s.scalar(select(SystemLog).where(SystemLog.source == "scheduler.test.broken"))
        assert logged is not None
        assert logged.level == "ERROR"
    # The slot is spent: a second attempt does not run it again.
    assert runner.run_slot(factory, settings, job, IST_NOON_OCT_6) == "claimed-elsewhere"


def test_catch_up_runs_each_missed_day_once(session: Session, settings: Settings, clean_db: Engine) -> None:
    _staff(session, 2)
    session.close()
    factory = create_session_factory(clean_db)
    later_that_day = IST_NOON_OCT_6 + timedelta(hours=5)  # the process was down for the last week's noons
    first = runner.catch_up(factory, settings, _jobs(settings), now=later_that_day)
    week = [IST_NOON_OCT_6 - timedelta(days=d) for d in range(6, -1, -1)]  # catch_up_days=7, oldest first
    assert first["attendance.mark_absent"] == [(slot, "succeeded") for slot in week]
    assert all(first.values()), first  # the other jobs' missed slots ran too
    assert {outcome for runs in first.values() for _slot, outcome in runs} == {"succeeded"}, first
    again = runner.catch_up(factory, settings, _jobs(settings), now=later_that_day)
    assert again == {name: [] for name in first}, again  # nothing is due any more
    with factory() as s:
        days = s.scalars(select(AttendanceRecord.attendance_date)).all()
    # Each noon marks the day before it; Sunday 4 October is the weekly off.
    expected = [date(2026, 9, 29) + timedelta(days=d) for d in range(7) if d != 5]
    assert sorted(days) == sorted(expected * 2)


def test_the_app_starts_the_scheduler_and_reports_jobs(
    settings: Settings, clean_db: Engine, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every second, so the real APScheduler wiring is seen firing within the bounded wait below.
    enabled = settings.model_copy(update={"scheduler": settings.scheduler.model_copy(update={"enabled": True})})
    every_second = Job(name="test.tick", description="tick", cron={"second": "*"}, run=lambda *_: {"ok": True})
    from factoryai.api.app import create_app
    from factoryai.resources import Resources

    resources = Resources.create(enabled)
    resources.jobs = (*resources.jobs, every_second)
    try:
        with TestClient(create_app(enabled, engine=clean_db, resources=resources)) as client:
            deadline = time.monotonic() + 20
            while (
                time.monotonic() < deadline
                and _count(clean_db, select(JobRun).where(JobRun.job_name == "test.tick")) < 2
            ):
                time.sleep(0.2)
            jobs = client.get("/api/v1/system/jobs", headers=admin_headers)
    finally:
        resources.close()
    assert _count(clean_db, select(JobRun).where(JobRun.job_name == "test.tick")) >= 2, "the scheduler never fired"
    assert jobs.status_code == 200, jobs.text
    by_name = {j["name"]: j for j in jobs.json()}
    assert by_name["test.tick"]["last_status"] == "succeeded"
    absence = by_name["attendance.mark_absent"]
    assert absence["next_run"] is not None
    assert "hour='12'" in absence["schedule"]
    # The start-up catch-up ran the absence job's latest slot.
    assert absence["last_status"] == "succeeded"


def test_jobs_status_is_for_admins(client: TestClient, make_user) -> None:
    response = client.get("/api/v1/system/jobs", headers=make_user("viewer"))
    assert response.status_code == 403


@pytest.mark.parametrize("raw", ["25:00", "noon"])
def test_absence_run_time_is_validated(raw: str) -> None:
    from factoryai.core.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=r"attendance\.absence_run_time"):
        load_settings(attendance={"absence_run_time": raw})


def test_two_schedulers_on_one_database_run_each_slot_once(settings: Settings, clean_db: Engine) -> None:
    record = Recorder()
    # Every second, so both schedulers' real APScheduler firings race for the same slots within the wait below.
    job = record.job("test.tick", {"second": "*"}, catch_up="latest")
    engines = [create_db_engine(settings.database) for _ in range(2)]
    schedulers = [runner.start_scheduler(create_session_factory(e), settings, [job]) for e in engines]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(set(record.slots)) < 4:
            time.sleep(0.2)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)
        for engine in engines:
            engine.dispose()
    assert len(set(record.slots)) >= 4, "the schedulers never fired"
    assert sorted(record.slots) == sorted(set(record.slots)), "a slot ran twice"
    with Session(clean_db) as s:
        runs = s.scalars(select(JobRun).where(JobRun.job_name == job.name)).all()
    assert sorted(r.slot_start for r in runs) == sorted(record.slots)
    assert {r.status for r in runs} == {"succeeded"}
