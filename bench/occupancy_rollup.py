"""Occupancy on PostgreSQL at scale: the hourly and monthly roll-ups and batch ingest, against the spec's way.

    .venv/bin/python bench/occupancy_rollup.py            # a few minutes on 2 cores (most of it loading the rows)
    .venv/bin/python bench/occupancy_rollup.py --rows 1000000   # quicker, smaller

What it does, in one run, on a throw-away PostgreSQL database:
1. loads ``--rows`` samples (default 10 million) over 50 zone cameras and ~30 days with one INSERT … SELECT from
   generate_series (one sample per camera every few seconds, the count a slow wave), then ANALYZE;
2. hourly roll-up — ours: ``occupancy.service.roll_up_hours`` for one slot (the closed hour and the 3 late ones,
   every camera, one set-based statement); the spec's way: select the last hour's rows into Python, loop, take a
   plain mean per camera, insert one aggregate row at a time. Median of 5 runs each;
3. monthly roll-up — ours: the month's hourly rows (built first by one roll-up over all the month's hours) into
   monthly figures with one statement; the spec's way: load the month's hourly rows into Python and average;
4. ingest — ours: POST /api/v1/occupancy/logs in batches of 1,000 through the app (validation, all-or-nothing,
   one bulk INSERT … ON CONFLICT DO NOTHING per batch); the spec's way: one INSERT and commit per sample.
Prints each figure beside its baseline with the ratio; drops the database at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from factoryai.api.app import create_app
from factoryai.core import migrate
from factoryai.core.config import load_settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.occupancy import service

PG_ADMIN_URL = os.environ.get("FACTORYAI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CAMERAS = 50
END = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)  # 1 December 00:00 IST: the month is over


def median_seconds(fn: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load(engine: Any, rows: int) -> None:
    per_camera = rows // CAMERAS
    step = int(timedelta(days=30).total_seconds() // per_camera) or 1
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO camera (id, name, source_url, role, enabled, settings, created_at, updated_at) "
                "SELECT 'CAM-' || i, 'Zone ' || i, 'rtsp://10.0.0.' || i || '/s', 'zone', true, '{}', now(), now() "
                "FROM generate_series(1, :n) AS i"
            ),
            {"n": CAMERAS},
        )
        conn.execute(
            text(
                "INSERT INTO occupancy_log (camera_id, timestamp, current_count, entries, exits, is_reset) "
                "SELECT 'CAM-' || c, :end - make_interval(secs => s * :step), "
                "(20 + 15 * sin(s / 500.0))::int, (s % 3 = 0)::int, (s % 4 = 0)::int, false "
                "FROM generate_series(1, :cams) AS c, generate_series(1, :per) AS s"
            ),
            {"end": END, "step": step, "cams": CAMERAS, "per": per_camera},
        )
        conn.execute(text("ANALYZE"))


def spec_hourly(engine: Any, hour_start: datetime) -> None:
    """The spec's job: SELECT the hour's rows, loop in Python, plain mean, INSERT one row at a time."""
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT camera_id, current_count, entries, exits FROM occupancy_log "
                "WHERE timestamp >= :a AND timestamp < :b"
            ),
            {"a": hour_start, "b": hour_start + timedelta(hours=1)},
        ).all()
        by_camera: dict[str, list[tuple[int, int, int]]] = {}
        for camera, count, entries, exits in rows:
            by_camera.setdefault(camera, []).append((count, entries, exits))
        for camera, values in by_camera.items():
            counts = [v[0] for v in values]
            conn.execute(
                text("INSERT INTO bench_spec_hourly VALUES (:c, :avg, :max, :min, :e, :x)"),
                {
                    "c": camera,
                    "avg": sum(counts) / len(counts),
                    "max": max(counts),
                    "min": min(counts),
                    "e": sum(v[1] for v in values),
                    "x": sum(v[2] for v in values),
                },
            )


def spec_monthly(engine: Any) -> None:
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT camera_id, avg_occupancy FROM occupancy_daily_aggregate "
                "WHERE occupancy_date BETWEEN '2026-11-01' AND '2026-11-30'"
            )
        ).all()
        by_camera: dict[str, list[float]] = {}
        for camera, avg in rows:
            by_camera.setdefault(camera, []).append(avg)
        for camera, values in by_camera.items():
            conn.execute(
                text("INSERT INTO bench_spec_monthly VALUES (:c, :avg)"),
                {"c": camera, "avg": sum(values) / len(values)},
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    name = f"factoryai_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    settings = load_settings(database={"url": url}, scheduler={"enabled": False}, mqtt={"enabled": False})
    engine = create_db_engine(settings.database)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_spec_hourly (c text, avg float, max int, min int, e int, x int)"))
            conn.execute(text("CREATE TABLE bench_spec_monthly (c text, avg float)"))
        started = time.perf_counter()
        load(engine, args.rows)
        print(f"loaded {args.rows:,} samples over {CAMERAS} cameras in {time.perf_counter() - started:.0f} s")
        factory = create_session_factory(engine)
        slot = END - timedelta(days=3) + timedelta(minutes=5)

        def ours_hourly() -> None:
            with factory() as session:
                service.roll_up_hours(session, slot, settings)
                session.commit()

        hourly_ours = median_seconds(ours_hourly)
        one_hour = settings.model_copy(update={"occupancy": settings.occupancy.model_copy(update={"late_hours": 0})})

        def ours_one_hour() -> None:
            with factory() as session:
                service.roll_up_hours(session, slot, one_hour)
                session.commit()

        hourly_one = median_seconds(ours_one_hour)
        hourly_spec = median_seconds(lambda: spec_hourly(engine, slot - timedelta(minutes=65)))
        # The month's hourly rows, all at once (what the hourly job builds over a month), then the monthly roll-up.
        with factory() as session:
            windows = service.hour_windows(END + timedelta(minutes=5), 30 * 24, settings)
            from factoryai.occupancy import repository

            built = repository.roll_up_hours(session, windows)
            session.commit()

        def ours_monthly() -> None:
            with factory() as session:
                service.roll_up_month(session, 2026, 11)
                session.commit()

        monthly_ours = median_seconds(ours_monthly)
        monthly_spec = median_seconds(lambda: spec_monthly(engine))
        ingest_ours, ingest_spec = ingest_rates(settings, engine)
        lines = [
            ("hourly roll-up, one slot: 4 hours, 50 cameras", hourly_ours, hourly_spec, "ms"),
            ("hourly roll-up, the closed hour only", hourly_one, hourly_spec, "ms"),
            (f"monthly roll-up ({built} hourly rows)", monthly_ours, monthly_spec, "ms"),
            ("ingest, samples/s (batches of 1,000)", ingest_ours, ingest_spec, "/s"),
        ]
        print(f"\n{'measure':48} {'ours':>12} {'spec way':>12} {'ratio':>8}")
        for label, ours, spec, unit in lines:
            if unit == "ms":
                print(f"{label:48} {ours * 1000:>9.1f} ms {spec * 1000:>9.1f} ms {spec / ours:>7.1f}x")
            else:
                print(f"{label:48} {ours:>12,.0f} {spec:>12,.0f} {ours / spec:>7.1f}x")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ingest_rates(settings: Any, engine: Any) -> tuple[float, float]:
    """Samples per second: ours in batches of 1,000 over HTTP (in-process), the spec's one INSERT + commit each."""
    base = datetime(2026, 12, 1, tzinfo=UTC)
    app = create_app(settings, engine=engine)
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/login", data={"username": "admin", "password": "bench-admin-password"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        total, start = 0, time.perf_counter()
        for b in range(20):
            batch = [
                {
                    "camera_id": f"CAM-{1 + i % CAMERAS}",
                    "timestamp": (base + timedelta(seconds=b * 1000 + i)).isoformat(),
                    "current_count": i % 30,
                    "entries": 1,
                    "exits": 0,
                }
                for i in range(1000)
            ]
            answer = client.post("/api/v1/occupancy/logs", json={"samples": batch}, headers=headers)
            assert answer.status_code == 200, answer.text
            total += answer.json()["stored"]
        ours = total / (time.perf_counter() - start)
    spec_base = base + timedelta(days=1)
    start = time.perf_counter()
    for i in range(2000):
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO occupancy_log (camera_id, timestamp, current_count, entries, exits, is_reset) "
                    "VALUES (:c, :t, :n, 1, 0, false)"
                ),
                {"c": f"CAM-{1 + i % CAMERAS}", "t": spec_base + timedelta(seconds=i), "n": i % 30},
            )
    spec = 2000 / (time.perf_counter() - start)
    return ours, spec


if __name__ == "__main__":
    os.environ.setdefault("FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD", "bench-admin-password")
    main()
