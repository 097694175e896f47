"""After downtime every missed slot runs once, oldest first, within scheduler.catch_up_days; claimed slots never
rerun; a job may declare it catches up only its latest slot; a week of a frequent job's claims is one query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.jobs import Job
from factoryai.scheduler import runner, slots
from tests.scheduler.helpers import IST, Recorder, claimed, ist, run_row, week_claimed_until, with_scheduler

HOURLY = {"minute": 0}


def test_a_scheduler_down_from_0800_to_1030_runs_0800_0900_and_1000_once_each(
    settings: Settings, clean_db: Engine
) -> None:
    record = Recorder()
    job = record.job("test.hourly", HOURLY)
    # Up until 08:00: a week of hourly slots up to 07:00 ran.
    week_claimed_until(clean_db, job.name, ist(6, 7))
    factory = create_session_factory(clean_db)

    outcome = runner.catch_up(factory, settings, [job], now=ist(6, 10, 30))

    missed = [ist(6, 8), ist(6, 9), ist(6, 10)]
    assert outcome == {job.name: [(slot, "succeeded") for slot in missed]}
    assert record.slots == missed  # each once, oldest first
    assert runner.catch_up(factory, settings, [job], now=ist(6, 10, 30)) == {job.name: []}
    assert record.slots == missed
    row = run_row(clean_db, job.name, ist(6, 9))
    assert (row.status, row.result) == ("succeeded", {"rows": 1})


def test_claimed_slots_are_not_rerun_whether_they_succeeded_or_failed(settings: Settings, clean_db: Engine) -> None:
    record = Recorder()
    job = record.job("test.hourly", HOURLY)
    week_claimed_until(clean_db, job.name, ist(6, 7))
    claimed(clean_db, job.name, [ist(6, 8)], status="failed", error="RuntimeError: disk full")
    claimed(clean_db, job.name, [ist(6, 10)], status="succeeded")

    outcome = runner.catch_up(create_session_factory(clean_db), settings, [job], now=ist(6, 10, 30))

    assert outcome == {job.name: [(ist(6, 9), "succeeded")]}
    assert record.slots == [ist(6, 9)]
    assert run_row(clean_db, job.name, ist(6, 8)).status == "failed"  # a failed slot stays failed


def test_catch_up_goes_back_catch_up_days_and_no_further(settings: Settings, clean_db: Engine) -> None:
    record = Recorder()
    job = record.job("test.daily", {"hour": 0, "minute": 0})
    two_days = with_scheduler(settings, catch_up_days=2)

    runner.catch_up(create_session_factory(clean_db), two_days, [job], now=ist(6, 10, 30))

    assert record.slots == [ist(5, 0), ist(6, 0)]  # 4 October's midnight lies beyond the two days


def test_a_week_of_a_five_minute_job_is_read_in_one_query(settings: Settings, clean_db: Engine) -> None:
    record = Recorder()
    job = record.job("test.every_5_min", {"minute": "*/5"})
    now = ist(6, 10, 30)
    week = [now - timedelta(minutes=5 * i) for i in range(7 * 24 * 12 + 1)]  # [now - 7 days, now], newest first
    missed = {week[0], week[700], week[2000]}
    claimed(clean_db, job.name, [slot for slot in week if slot not in missed])
    reads: list[str] = []

    def count_reads(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "job_run" in statement:
            reads.append(statement)

    event.listen(clean_db, "before_cursor_execute", count_reads)
    try:
        outcome = runner.catch_up(create_session_factory(clean_db), settings, [job], now=now)
    finally:
        event.remove(clean_db, "before_cursor_execute", count_reads)

    assert outcome == {job.name: [(slot, "succeeded") for slot in sorted(missed)]}
    assert len(reads) == 1, reads  # the window's claims, in one query: not one per slot


def test_a_job_that_catches_up_its_latest_slot_skips_the_older_ones(settings: Settings, clean_db: Engine) -> None:
    record = Recorder()
    job = record.job("test.retry", {"minute": "*/5"}, catch_up="latest")

    outcome = runner.catch_up(create_session_factory(clean_db), settings, [job], now=ist(6, 10, 32))

    assert outcome == {job.name: [(ist(6, 10, 30), "succeeded")]}
    assert record.slots == [ist(6, 10, 30)]


def test_today_s_frequent_and_subsuming_jobs_catch_up_their_latest_slot(settings: Settings) -> None:
    from factoryai.identity.runtime import FaceRuntime
    from factoryai.scheduler.registry import build_jobs

    modes = {job.name: job.catch_up for job in build_jobs(settings, FaceRuntime(settings))}
    assert modes == {
        "attendance.mark_absent": "all",  # each day's absences are that day's work
        "attendance.retry_face_punches": "latest",  # every run retries every pending punch
        "retention.cleanup_snapshots": "latest",  # the latest run deletes what the missed ones would have
        "occupancy.hourly_rollup": "all",  # each missed hour rolled up once
        "occupancy.drift_reset": "all",  # each missed day's reset row, for the drift report
        "occupancy.monthly_rollup": "all",
    }


def test_a_job_firing_too_often_to_replay_catches_up_its_latest_slot() -> None:
    job = Job(name="test.tick", description="", cron={"second": "*"}, run=lambda *_: {})
    trigger = CronTrigger(second="*", timezone=IST)
    now = datetime(2026, 10, 6, 5, 0, 0, 500_000, tzinfo=UTC)
    assert slots.catch_up_slots(job, trigger, now, 7) == [now.replace(microsecond=0)]
    assert not slots.replays_every_slot(job, trigger, now, 7)
    minutely = Job(name="test.minutely", description="", cron={"minute": "*"}, run=lambda *_: {})
    one_day = slots.catch_up_slots(minutely, CronTrigger(minute="*", timezone=IST), now.replace(microsecond=0), 1)
    assert len(one_day) == 24 * 60 + 1  # [now - 1 day, now], both ends fire times
    assert one_day == sorted(one_day)


def test_a_monthly_slot_missed_longer_ago_than_the_window_still_runs() -> None:
    job = Job(name="test.monthly", description="", cron={"day": 1, "hour": 0, "minute": 0}, run=lambda *_: {})
    trigger = slots.CronTrigger(day=1, hour=0, minute=0, timezone=IST)
    assert slots.catch_up_slots(job, trigger, ist(20, 9), 7) == [ist(1, 0)]


def test_catch_up_days_zero_runs_only_the_latest_slot(settings: Settings, clean_db: Engine, session: Session) -> None:
    session.close()
    record = Recorder()
    job = record.job("test.hourly", HOURLY)
    runner.catch_up(create_session_factory(clean_db), with_scheduler(settings, catch_up_days=0), [job], ist(6, 10, 30))
    assert record.slots == [ist(6, 10)]
