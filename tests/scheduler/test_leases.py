"""A claim is its runner's while its lease lasts: the runner renews it as the job runs, a claim whose process died
is taken over (by one process only) once the lease has run out, and a run whose claim was taken over commits
nothing."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import factoryai
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.core.jobs import Job
from factoryai.scheduler import repository, runner
from factoryai.system import service as system
from factoryai.system.models import SystemLog
from tests.scheduler.helpers import Recorder, claimed, ist, race, run_row, week_claimed_until, with_scheduler

SLOT = ist(6, 9)
WAIT = 60  # seconds: the most any bounded wait below waits for something that should happen


def _wait_for(condition: Any, what: str) -> Any:
    stop = threading.Event()
    deadline = utcnow() + timedelta(seconds=WAIT)
    while utcnow() < deadline:
        value = condition()
        if value:
            return value
        stop.wait(0.1)
    pytest.fail(f"gave up waiting for {what}")


class Blocking:
    """A job's run that says when it has started and then waits to be released."""

    def __init__(self, then: Any = None) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.then = then

    def __call__(self, session: Session, slot: datetime) -> dict[str, Any]:
        self.started.set()
        assert self.release.wait(WAIT), "the test never released the job"
        if self.then is not None:
            self.then(session, slot)
        return {"rows": 1}


def _in_thread(factory: Any, settings: Settings, job: Job) -> tuple[threading.Thread, queue.Queue[str]]:
    outcome: queue.Queue[str] = queue.Queue()
    thread = threading.Thread(target=lambda: outcome.put(runner.run_slot(factory, settings, job, SLOT)))
    thread.start()
    return thread, outcome


def test_a_claim_is_leased_for_lease_seconds_and_released_when_done(settings: Settings, clean_db: Engine) -> None:
    seen = []
    job = Job(
        name="test.leased",
        description="",
        cron={"minute": 0},
        run=lambda *_: seen.append(run_row(clean_db, "test.leased", SLOT)) or {"rows": 1},
    )

    assert runner.run_slot(create_session_factory(clean_db), settings, job, SLOT) == "succeeded"

    (running,) = seen
    assert running.status == "running"
    assert running.lease_expires_at - running.started_at == timedelta(seconds=settings.scheduler.lease_seconds)
    done = run_row(clean_db, job.name, SLOT)
    assert (done.status, done.lease_expires_at) == ("succeeded", None)


def test_the_runner_renews_its_lease_while_the_job_runs(settings: Settings, clean_db: Engine) -> None:
    short = with_scheduler(settings, lease_seconds=10)  # renewed every ~3 s
    factory = create_session_factory(clean_db)
    blocking = Blocking()
    job = Job(name="test.long", description="", cron={"minute": 0}, run=blocking, catch_up="latest")
    thread, outcome = _in_thread(factory, short, job)
    try:
        assert blocking.started.wait(WAIT)
        first = run_row(clean_db, job.name, SLOT).lease_expires_at
        renewed = _wait_for(
            lambda: (row := run_row(clean_db, job.name, SLOT)).lease_expires_at > first and row, "a renewal"
        )
        assert renewed.status == "running"
        # Another process reaching the slot meanwhile leaves it alone.
        assert runner.run_slot(factory, short, job, SLOT) == runner.CLAIMED_ELSEWHERE
        assert runner.catch_up(factory, short, [job], now=SLOT + timedelta(minutes=1)) == {job.name: []}
    finally:
        blocking.release.set()
        thread.join(WAIT)
    assert outcome.get_nowait() == "succeeded"


# The process that dies: it claims the slot, says so, and hangs in the job until it is killed.
_DOOMED = """
import sys, threading
from datetime import datetime
from factoryai.core.config import load_settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.core.jobs import Job
from factoryai.scheduler import runner

settings = load_settings(database={"url": sys.argv[1]}, scheduler={"lease_seconds": 10})

def hang(session, slot):
    print("running", flush=True)
    threading.Event().wait()

job = Job(name="test.doomed", description="", cron={"minute": 0}, run=hang)
factory = create_session_factory(create_db_engine(settings.database))
runner.run_slot(factory, settings, job, datetime.fromisoformat(sys.argv[2]))
"""


def test_a_claim_whose_process_was_killed_is_taken_over_after_its_lease(settings: Settings, clean_db: Engine) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(factoryai.__file__).resolve().parents[1])}
    env = {k: v for k, v in env.items() if not k.startswith("FACTORYAI_")}
    process = subprocess.Popen(
        [sys.executable, "-c", _DOOMED, settings.database.url, SLOT.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        try:
            assert lines.get(timeout=WAIT).strip() == "running"
        except queue.Empty:
            pytest.fail("the doomed process never started its job")
        claim = run_row(clean_db, "test.doomed", SLOT)
        assert claim.status == "running"
        assert claim.runner.startswith(f"{socket.gethostname()}:{process.pid}/"[:90])
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)

    # Dead mid-job: its claim stays "running" until its lease runs out; then the next process to reach the slot
    # (here a catch-up) takes it over and runs it.
    _wait_for(lambda: utcnow() > claim.lease_expires_at, "the dead process's lease to run out")
    record = Recorder()
    job = record.job("test.doomed", {"minute": 0}, catch_up="latest")
    outcome = runner.catch_up(create_session_factory(clean_db), settings, [job], now=SLOT + timedelta(minutes=30))

    assert outcome == {job.name: [(SLOT, "succeeded")]}
    assert record.slots == [SLOT]
    row = run_row(clean_db, job.name, SLOT)
    assert (row.status, row.result) == ("succeeded", {"rows": 1})
    assert not row.runner.startswith(f"{socket.gethostname()}:{process.pid}/")
    with Session(clean_db) as s:
        (warning,) = s.scalars(select(SystemLog).where(SystemLog.source == "scheduler.test.doomed")).all()
    assert warning.level == "WARNING"
    assert f"taken over from {claim.runner}" in warning.message


def test_two_processes_cannot_both_take_over_an_expired_claim(settings: Settings, clean_db: Engine) -> None:
    gone = utcnow() - timedelta(minutes=1)
    claimed(clean_db, "test.orphan", [SLOT], status="running", started_at=gone, lease_expires_at=gone)
    record = Recorder()
    job = record.job("test.orphan", {"minute": 0})
    outcomes = race(settings, job, SLOT)
    assert sorted(outcomes) == ["claimed-elsewhere"] * 7 + ["succeeded"]
    assert record.slots == [SLOT]


def test_claims_from_before_leases_expire_lease_seconds_after_they_started(
    settings: Settings, clean_db: Engine
) -> None:
    lease = timedelta(seconds=settings.scheduler.lease_seconds)
    week_claimed_until(clean_db, "test.legacy", ist(6, 7))
    claimed(clean_db, "test.legacy", [ist(6, 8)], status="running", started_at=utcnow() - lease - timedelta(minutes=1))
    claimed(clean_db, "test.legacy", [ist(6, 9)], status="running", started_at=utcnow() - timedelta(seconds=5))
    claimed(clean_db, "test.legacy", [ist(6, 10)], status="succeeded")
    record = Recorder()
    job = record.job("test.legacy", {"minute": 0})
    factory = create_session_factory(clean_db)

    outcome = runner.catch_up(factory, settings, [job], now=ist(6, 10, 30))

    assert outcome == {job.name: [(ist(6, 8), "succeeded")]}  # 09:00 started 5 s ago: still its runner's
    assert run_row(clean_db, job.name, ist(6, 9)).status == "running"


def test_a_run_whose_claim_was_taken_over_commits_nothing(settings: Settings, clean_db: Engine) -> None:
    def write(session: Session, slot: datetime) -> None:
        system.record(session, "test.fenced", f"work of {slot.isoformat()}")

    blocking = Blocking(then=write)
    job = Job(name="test.fenced", description="", cron={"minute": 0}, run=blocking)
    factory = create_session_factory(clean_db)
    thread, outcome = _in_thread(factory, settings, job)
    try:
        assert blocking.started.wait(WAIT)
        # Another process whose clock says the lease has run out (this one stalled) takes the claim over.
        later = utcnow() + timedelta(seconds=2 * settings.scheduler.lease_seconds)
        with factory() as s:
            taken = repository.take_over(
                s, job.name, SLOT, "other-host:2/taker", later, settings.scheduler.lease_seconds
            )
            s.commit()
        assert taken is not None
    finally:
        blocking.release.set()
        thread.join(WAIT)

    assert outcome.get_nowait() == runner.CLAIM_LOST
    with Session(clean_db) as s:
        assert s.scalars(select(SystemLog).where(SystemLog.source == "test.fenced")).all() == []
    row = run_row(clean_db, job.name, SLOT)
    assert (row.status, row.runner) == ("running", "other-host:2/taker")  # the taker's to finish
