"""GET /occupancy/scheduler-status (the spec's route): every job's schedule, next and last run and backlog; POST
/system/jobs/{name}/run: one slot now, through the same claim as a scheduled run. Both for admins only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.jobs import Job
from factoryai.resources import Resources
from factoryai.scheduler import slots
from factoryai.scheduler.service import rows_of
from tests.conftest import assert_error
from tests.scheduler.helpers import IST, Recorder, claimed, hours, run_row, with_scheduler

STATUS = "/api/v1/occupancy/scheduler-status"


def _far_minute() -> int:
    # Fire times half an hour away from now, so no slot boundary passes while a test arranges and asks.
    return (utcnow().astimezone(IST).minute + 30) % 60


@pytest.fixture
def record() -> Recorder:
    return Recorder()


@pytest.fixture
def jobs(record: Recorder) -> tuple[Job, ...]:
    minute = _far_minute()

    def broken(*_: Any) -> dict:
        raise RuntimeError("boom")

    return (
        record.job("test.hourly", {"minute": minute}),
        Job(name="test.daily", description="fails", cron={"hour": 3, "minute": minute}, run=broken),
        record.job("test.retry", {"minute": "*/5"}, catch_up="latest"),
    )


def _client(settings: Settings, clean_db: Engine, jobs: tuple[Job, ...]) -> Iterator[TestClient]:
    resources = Resources.create(settings, publish=False)
    resources.jobs = jobs
    try:
        with TestClient(create_app(settings, engine=clean_db, resources=resources)) as client:
            yield client
    finally:
        resources.close()


@pytest.fixture
def client(settings: Settings, clean_db: Engine, jobs: tuple[Job, ...]) -> Iterator[TestClient]:
    yield from _client(settings, clean_db, jobs)


def _latest(settings: Settings, job: Job) -> datetime:
    return slots.latest_slot(slots.trigger_for(job, settings), utcnow()).astimezone(UTC)


def test_the_status_shows_each_job_s_schedule_last_run_and_backlog(
    client: TestClient, settings: Settings, clean_db: Engine, jobs: tuple[Job, ...], admin_headers: dict[str, str]
) -> None:
    hourly, daily, _retry = jobs
    latest = _latest(settings, hourly)
    # Ran until three hours ago; the last run handled 12 rows in 2.5 s.
    claimed(clean_db, hourly.name, hours(latest - timedelta(days=9), latest - timedelta(hours=4)))
    claimed(clean_db, hourly.name, [latest - timedelta(hours=3)], result={"rows": 12}, duration=timedelta(seconds=2.5))
    daily_latest = _latest(settings, daily)
    claimed(clean_db, daily.name, [daily_latest], status="failed", error="RuntimeError: boom")

    response = client.get(STATUS, headers=admin_headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["scheduler_running"], body["timezone"], body["catch_up_days"], body["lease_seconds"]) == (
        False,
        "Asia/Kolkata",
        7,
        300,
    )
    by_name = {job["name"]: job for job in body["jobs"]}
    assert list(by_name) == ["test.hourly", "test.daily", "test.retry"]
    h = by_name["test.hourly"]
    assert h["schedule"].startswith("cron[")
    assert h["catch_up"] == "all"
    assert datetime.fromisoformat(h["next_run"]) == latest + timedelta(hours=1)
    last = h["last_run"]
    assert datetime.fromisoformat(last["slot"]) == latest - timedelta(hours=3)
    assert (last["status"], last["rows"], last["duration_seconds"], last["error"]) == ("succeeded", 12, 2.5, None)
    assert h["backlog"]["count"] == 3  # the last three hours' slots
    assert datetime.fromisoformat(h["backlog"]["oldest"]) == latest - timedelta(hours=2)
    d = by_name["test.daily"]
    assert (d["last_run"]["status"], d["last_run"]["error"], d["last_run"]["rows"]) == (
        "failed",
        "RuntimeError: boom",
        None,
    )
    assert d["backlog"]["count"] == 6  # the week's other days never ran; the failed one is not rerun
    assert datetime.fromisoformat(d["backlog"]["oldest"]) == daily_latest - timedelta(days=6)
    r = by_name["test.retry"]
    assert (r["catch_up"], r["last_run"], r["backlog"]["count"]) == ("latest", None, 1)


def test_the_status_says_whether_this_process_runs_a_scheduler(
    settings: Settings, clean_db: Engine, admin_headers: dict[str, str]
) -> None:
    enabled = with_scheduler(settings, enabled=True)
    for client in _client(enabled, clean_db, ()):
        body = client.get(STATUS, headers=admin_headers).json()
    assert (body["scheduler_running"], body["jobs"]) == (True, [])


def test_rows_come_from_a_rows_entry_or_today_s_count_names() -> None:
    assert rows_of({"rows": 3, "marked_absent": 5}) == 3
    assert rows_of({"attendance_date": "2026-10-05", "marked_absent": 5}) == 5
    assert rows_of({"processed": 2, "failed": 1}) == 2
    assert rows_of({"files_deleted": 0, "success": True}) == 0
    assert rows_of({"success": True}) is None
    assert rows_of({"rows": True}) is None
    assert rows_of(None) is None


def test_run_now_runs_the_latest_slot_once_off_the_event_loop(
    client: TestClient, settings: Settings, clean_db: Engine, jobs: tuple[Job, ...], record: Recorder, admin_headers
) -> None:
    hourly = jobs[0]
    latest = _latest(settings, hourly)

    response = client.post(f"/api/v1/system/jobs/{hourly.name}/run", headers=admin_headers)

    assert response.status_code == 200, response.text
    run = response.json()
    assert (run["job"], datetime.fromisoformat(run["slot"]), run["status"], run["rows"]) == (
        hourly.name,
        latest,
        "succeeded",
        1,
    )
    assert run["duration_seconds"] >= 0
    assert record.slots == [latest]
    assert record.in_event_loop == [False]  # the request's thread pool ran it
    assert run_row(clean_db, hourly.name, latest).status == "succeeded"

    again = client.post(f"/api/v1/system/jobs/{hourly.name}/run", headers=admin_headers)
    error = assert_error(again, 409, "conflict")
    assert "already run" in error["message"]
    assert error["details"][0]["run"]["status"] == "succeeded"
    assert record.slots == [latest]


def test_run_now_takes_a_slot_and_checks_it_is_a_due_fire_time(
    client: TestClient, settings: Settings, jobs: tuple[Job, ...], record: Recorder, admin_headers
) -> None:
    hourly = jobs[0]
    latest = _latest(settings, hourly)
    url = f"/api/v1/system/jobs/{hourly.name}/run"
    earlier = (latest - timedelta(hours=5)).astimezone(IST)

    ran = client.post(url, json={"slot": earlier.isoformat()}, headers=admin_headers)
    assert ran.status_code == 200, ran.text
    assert datetime.fromisoformat(ran.json()["slot"]) == earlier
    assert record.slots == [earlier]

    odd = client.post(url, json={"slot": (earlier + timedelta(minutes=17)).isoformat()}, headers=admin_headers)
    error = assert_error(odd, 422, "validation_error")
    nearest = [earlier, earlier + timedelta(hours=1)]
    assert [datetime.fromisoformat(t) for t in error["details"][0]["nearest"]] == nearest
    assert all(t.isoformat() in error["message"] for t in nearest)

    ahead = client.post(url, json={"slot": (latest + timedelta(hours=1)).isoformat()}, headers=admin_headers)
    assert "still ahead" in assert_error(ahead, 422, "validation_error")["message"]
    naive = client.post(url, json={"slot": "2026-10-06T08:00:00"}, headers=admin_headers)
    assert_error(naive, 422)
    assert record.slots == [earlier]


def test_run_now_answers_404_for_an_unknown_job_and_409_for_a_running_slot(
    client: TestClient, settings: Settings, clean_db: Engine, jobs: tuple[Job, ...], admin_headers
) -> None:
    hourly = jobs[0]
    unknown = client.post("/api/v1/system/jobs/no.such.job/run", headers=admin_headers)
    assert "test.hourly" in assert_error(unknown, 404, "not_found")["message"]

    latest = _latest(settings, hourly)
    claimed(clean_db, hourly.name, [latest], status="running", lease_expires_at=utcnow() + timedelta(minutes=5))
    busy = client.post(f"/api/v1/system/jobs/{hourly.name}/run", headers=admin_headers)
    assert "running now" in assert_error(busy, 409, "conflict")["message"]


def test_run_now_takes_over_a_slot_whose_runner_died_and_reports_a_failure(
    client: TestClient, settings: Settings, clean_db: Engine, jobs: tuple[Job, ...], record: Recorder, admin_headers
) -> None:
    hourly, daily, _retry = jobs
    latest = _latest(settings, hourly)
    gone = utcnow() - timedelta(minutes=10)
    claimed(clean_db, hourly.name, [latest], status="running", started_at=gone, lease_expires_at=gone)
    taken = client.post(f"/api/v1/system/jobs/{hourly.name}/run", headers=admin_headers)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "succeeded"
    assert record.slots == [latest]

    failed = client.post(f"/api/v1/system/jobs/{daily.name}/run", headers=admin_headers)
    assert failed.status_code == 200, failed.text
    assert (failed.json()["status"], failed.json()["error"]) == ("failed", "RuntimeError: boom")


@pytest.mark.parametrize("role", ["viewer", "hr", "security"])
def test_the_scheduler_routes_are_for_admins(
    client: TestClient, make_user, jobs: tuple[Job, ...], record: Recorder, role: str
) -> None:
    headers = make_user(role)
    assert_error(client.get(STATUS, headers=headers), 403, "forbidden")
    assert_error(client.post(f"/api/v1/system/jobs/{jobs[0].name}/run", headers=headers), 403, "forbidden")
    assert_error(client.post(f"/api/v1/system/jobs/{jobs[0].name}/run"), 401)
    assert record.slots == []


def test_the_routes_are_documented_under_system_with_their_errors() -> None:
    from factoryai.core.config import load_settings

    paths = create_app(load_settings()).openapi()["paths"]
    run = paths["/api/v1/system/jobs/{name}/run"]["post"]
    status = paths[STATUS]["get"]
    assert (run["operationId"], run["tags"], status["operationId"], status["tags"]) == (
        "runJobNow",
        ["system"],
        "getSchedulerStatus",
        ["system"],
    )
    assert {"200", "401", "403", "404", "409", "422", "503"} <= set(run["responses"])
    assert {"200", "401", "403", "503"} <= set(status["responses"])
