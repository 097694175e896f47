"""POST /api/v1/occupancy/logs: a batch is stored whole or not at all, re-sending it changes nothing, and only
zone cameras may send; GET /api/v1/occupancy/current shows each zone's latest count."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from factoryai.occupancy.models import OccupancyLog
from tests.attendance.helpers import ingest_key_headers, new_camera
from tests.conftest import assert_error
from tests.db_helpers import count_rows

from .helpers import post_samples, sample, zone

T0 = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # 10:00 IST


@pytest.fixture
def device(client, admin_headers) -> dict[str, str]:
    zone(client, admin_headers)
    return ingest_key_headers(client, admin_headers)


def test_a_batch_is_stored_and_a_resent_one_changes_nothing(client, device, session: Session) -> None:
    batch = [sample("CAM-HALL", T0 + timedelta(seconds=i), i, entries=1) for i in range(50)]
    first = post_samples(client, device, batch)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 50, "stored": 50, "duplicates": 0}
    again = post_samples(client, device, batch)
    assert again.json() == {"received": 50, "stored": 0, "duplicates": 50}
    assert count_rows(session, OccupancyLog) == 50


def test_an_instant_given_twice_in_one_batch_is_one_sample(client, device, session: Session) -> None:
    response = post_samples(client, device, [sample("CAM-HALL", T0, 3), sample("CAM-HALL", T0.isoformat(), 4)])
    assert response.json() == {"received": 2, "stored": 1, "duplicates": 1}
    assert session.query(OccupancyLog).one().current_count == 3


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"current_count": -1}, "samples.1.current_count"),
        ({"entries": -2}, "samples.1.entries"),
        ({"camera_id": "CAM-NOWHERE"}, "samples.1.camera_id"),
        ({"camera_id": "CAM-DOOR"}, "samples.1.camera_id"),
        ({"timestamp": "2099-01-01T00:00:00+00:00"}, "samples.1.timestamp"),  # ahead of any test run's clock
        ({"timestamp": "2026-11-02T10:00:00"}, "samples.1.timestamp"),
    ],
)
def test_one_bad_sample_refuses_the_batch_naming_the_row(
    client, admin_headers, device, session: Session, bad: dict, field: str
) -> None:
    new_camera(client, admin_headers, "CAM-DOOR", role="entrance")
    batch = [sample("CAM-HALL", T0, 1), {**sample("CAM-HALL", T0 + timedelta(seconds=1), 2), **bad}]
    error = assert_error(post_samples(client, device, batch), 422)
    assert field in str(error), error
    assert count_rows(session, OccupancyLog) == 0


def test_five_minutes_ahead_is_the_limit(client, device, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("factoryai.occupancy.service.utcnow", lambda: T0)
    assert post_samples(client, device, [sample("CAM-HALL", T0 + timedelta(minutes=5), 1)]).status_code == 200
    late = [sample("CAM-HALL", T0 + timedelta(minutes=5, seconds=1), 1)]
    assert "ahead of the server clock" in assert_error(post_samples(client, device, late), 422)["message"]


def test_a_disabled_zone_camera_is_refused(client, admin_headers, device, session: Session) -> None:
    client.patch("/api/v1/cameras/CAM-HALL", json={"enabled": False}, headers=admin_headers)
    error = assert_error(post_samples(client, device, [sample("CAM-HALL", T0, 1)]), 422)
    assert "disabled" in error["message"]


def test_a_batch_over_the_limit_is_refused(client, device, settings, session: Session) -> None:
    client.app.state.settings = settings.model_copy(
        update={"occupancy": settings.occupancy.model_copy(update={"max_batch": 3})}
    )
    batch = [sample("CAM-HALL", T0 + timedelta(seconds=i), 1) for i in range(4)]
    error = assert_error(post_samples(client, device, batch), 422)
    assert "at most 3 samples" in error["message"]
    assert count_rows(session, OccupancyLog) == 0


def test_who_may_send(client, admin_headers, make_user) -> None:
    zone(client, admin_headers)
    batch = [sample("CAM-HALL", T0, 1)]
    assert post_samples(client, admin_headers, batch).status_code == 200
    assert_error(post_samples(client, make_user("hr"), batch), 403)
    assert_error(post_samples(client, {}, batch), 401)


def test_current_shows_the_latest_count_its_age_and_todays_totals(
    client, admin_headers, device, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)  # 06:00 IST
    monkeypatch.setattr("factoryai.occupancy.service.utcnow", lambda: now)
    zone(client, admin_headers, "CAM-YARD", capacity=10)
    yesterday_ist = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)  # 23:30 IST the day before: not today's
    samples = [
        sample("CAM-HALL", yesterday_ist, 9, entries=9),
        sample("CAM-HALL", now - timedelta(minutes=2), 4, entries=2, exits=7),
        sample("CAM-HALL", now - timedelta(minutes=1), 3, exits=1),
    ]
    post_samples(client, device, samples)
    rows = {r["camera_id"]: r for r in client.get("/api/v1/occupancy/current", headers=make_user("viewer")).json()}
    hall = rows["CAM-HALL"]
    assert (hall["current_count"], hall["entries_today"], hall["exits_today"]) == (3, 2, 8)
    assert hall["age_seconds"] == 60
    assert rows["CAM-YARD"]["current_count"] is None
    assert (rows["CAM-YARD"]["capacity"], rows["CAM-YARD"]["over_capacity"]) == (10, False)


def test_a_key_bound_to_one_zone_cannot_send_for_another(client, admin_headers, session: Session) -> None:
    zone(client, admin_headers, "CAM-HALL")
    zone(client, admin_headers, "CAM-YARD")
    created = client.post(
        "/api/v1/api-keys", json={"name": "hall box", "camera_ids": ["CAM-HALL"]}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    hall_box = {"X-API-Key": created.json()["key"]}
    assert post_samples(client, hall_box, [sample("CAM-HALL", T0, 1)]).status_code == 200
    error = assert_error(post_samples(client, hall_box, [sample("CAM-HALL", T0, 1), sample("CAM-YARD", T0, 2)]), 403)
    assert "CAM-HALL" in error["message"]
    assert count_rows(session, OccupancyLog) == 1


def test_a_batch_resent_concurrently_by_two_clients_is_stored_once(
    client, device, session: Session, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite serialises every write; the race needs PostgreSQL's concurrent transactions")
    batch = [sample("CAM-HALL", T0 + timedelta(seconds=i), i % 7) for i in range(500)]
    start = threading.Barrier(2)

    def send(_: int) -> dict:
        start.wait()
        return post_samples(client, device, batch).json()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(send, range(2)))
    assert sum(a["stored"] for a in answers) == 500  # each sample by one of them, whichever got there first
    assert sum(a["duplicates"] for a in answers) == 500
    assert count_rows(session, OccupancyLog) == 500
