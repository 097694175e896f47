"""The occupancy reports over HTTP (hourly, daily, monthly, heat map, drift; CSV), capacity alerts from ingest, and
the live count on MQTT (retained)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.occupancy import service
from tests.attendance.helpers import ingest_key_headers
from tests.conftest import assert_error
from tests.mqtt_helpers import own_prefix, subscription

from .helpers import post_samples, sample, zone

T0 = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # Monday 10:00 IST


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return own_prefix(settings)


@pytest.fixture
def device(client, admin_headers) -> dict[str, str]:
    zone(client, admin_headers, capacity=5)
    return ingest_key_headers(client, admin_headers)


def roll_up(clean_db: Engine, settings: Settings, slot: datetime) -> None:
    with create_session_factory(clean_db)() as session:
        service.roll_up_hours(session, slot, settings)
        service.roll_up_month(session, 2026, 11)
        session.commit()


def test_hourly_daily_monthly_and_heatmap(client, device, make_user, clean_db: Engine, settings: Settings) -> None:
    post_samples(
        client,
        device,
        [sample("CAM-HALL", T0, 2, entries=2), sample("CAM-HALL", T0 + timedelta(minutes=30), 4, entries=2)],
    )
    roll_up(clean_db, settings, T0 + timedelta(hours=1, minutes=5))
    viewer = make_user("viewer")
    params = {"date_from": "2026-11-02", "date_to": "2026-11-02", "camera_id": "CAM-HALL"}
    hourly = client.get("/api/v1/occupancy/hourly", params=params, headers=viewer).json()
    assert [(h["hour"], h["avg_occupancy"], h["total_entries"]) for h in hourly] == [(10, 3.0, 4)]
    daily = client.get("/api/v1/occupancy/daily", params=params, headers=viewer).json()
    assert (daily[0]["occupancy_date"], daily[0]["max_occupancy"], daily[0]["hours"]) == ("2026-11-02", 4, 1)
    monthly = client.get(
        "/api/v1/occupancy/monthly", params={"from_month": "2026-11", "to_month": "2026-11"}, headers=viewer
    ).json()
    assert (monthly[0]["peak_hour"], monthly[0]["total_entries"]) == (10, 4)
    cells = client.get("/api/v1/occupancy/heatmap", params=params, headers=viewer).json()
    assert cells == [{"weekday": 0, "hour": 10, "avg_occupancy": 3.0, "hours": 1}]
    exported = client.get("/api/v1/occupancy/hourly", params={**params, "format": "csv"}, headers=viewer)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))  # Excel-friendly BOM
    assert rows[0][:3] == ["camera_id", "occupancy_date", "hour"]
    assert rows[1][:3] == ["CAM-HALL", "2026-11-02", "10"]


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/occupancy/hourly", {"date_from": "2026-11-03", "date_to": "2026-11-02"}, "date_to"),
        ("/api/v1/occupancy/daily", {"date_from": "2025-01-01", "date_to": "2026-11-02"}, "date_to"),
        ("/api/v1/occupancy/monthly", {"from_month": "2026-13", "to_month": "2026-11"}, "from_month"),
    ],
)
def test_bad_ranges_are_refused(client, admin_headers, url: str, params: dict, field: str) -> None:
    error = assert_error(client.get(url, params=params, headers=admin_headers), 422)
    assert field in str(error["details"])


def test_an_unknown_camera_is_a_404(client, admin_headers) -> None:
    params = {"date_from": "2026-11-02", "date_to": "2026-11-02", "camera_id": "CAM-NOPE"}
    assert_error(client.get("/api/v1/occupancy/heatmap", params=params, headers=admin_headers), 404)


def test_one_alert_per_excursion_over_capacity(client, device, make_user, settings: Settings) -> None:
    guard = make_user("security")
    with subscription(settings.mqtt, "alerts/occupancy") as alerts:
        post_samples(client, device, [sample("CAM-HALL", T0, 6)])
        post_samples(client, device, [sample("CAM-HALL", T0 + timedelta(minutes=1), 8)])  # same excursion
        post_samples(client, device, [sample("CAM-HALL", T0 + timedelta(minutes=2), 5)])  # back at capacity
        post_samples(client, device, [sample("CAM-HALL", T0 + timedelta(minutes=3), 7)])  # a new excursion
        published = [alerts.get(timeout=10)[1] for _ in range(2)]
    listed = client.get("/api/v1/occupancy/alerts", headers=guard).json()["items"]
    assert [(a["peak_count"], a["ended_at"] is not None) for a in listed] == [(7, False), (8, True)]
    assert [p["count"] for p in published] == [6, 7]
    acknowledged = client.post(f"/api/v1/occupancy/alerts/{listed[1]['id']}/acknowledge", headers=guard).json()
    assert acknowledged["acknowledged_by_id"] is not None
    assert_error(client.get("/api/v1/occupancy/alerts", headers=make_user("viewer")), 403)


def test_the_live_count_is_retained_for_late_subscribers(client, device, settings: Settings) -> None:
    post_samples(client, device, [sample("CAM-HALL", T0, 3), sample("CAM-HALL", T0 + timedelta(seconds=5), 4)])
    client.app.state.resources.publishers.sinks[0].flush(10)
    with subscription(settings.mqtt, "occupancy/CAM-HALL") as live:  # connects after the publish
        topic, payload = live.get(timeout=10)
    assert topic.endswith("/occupancy/CAM-HALL")
    assert payload["count"] == 4
