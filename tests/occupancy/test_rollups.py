"""The hourly roll-up is time-weighted, takes in late samples, and a re-run changes nothing; the 03:00 reset keeps
the drift; the monthly roll-up finds the busiest hour; local hours follow the site zone through DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.core.config import Settings
from factoryai.core.db import create_session_factory
from factoryai.occupancy import service
from factoryai.occupancy.models import OccupancyDailyAggregate, OccupancyLog, OccupancyMonthlyAggregate

IST = ZoneInfo("Asia/Kolkata")


def camera(session: Session, camera_id: str = "CAM-HALL", enabled: bool = True) -> str:
    session.add(Camera(id=camera_id, name=camera_id, source_url="rtsp://h/s", role="zone", enabled=enabled))
    session.flush()
    return camera_id


def log(session: Session, camera_id: str, at: datetime, count: int, entries: int = 0, exits: int = 0) -> None:
    session.add(OccupancyLog(camera_id=camera_id, timestamp=at, current_count=count, entries=entries, exits=exits))
    session.flush()


def hours(session: Session) -> dict[tuple[str, date, int], tuple]:
    rows = session.scalars(select(OccupancyDailyAggregate)).all()
    return {
        (r.camera_id, r.occupancy_date, r.hour): (
            round(r.avg_occupancy, 6),
            r.max_occupancy,
            r.min_occupancy,
            r.total_entries,
            r.total_exits,
            r.sample_count,
        )
        for r in rows
    }


def run_hourly(clean_db: Engine, settings: Settings, slot: datetime) -> dict:
    with create_session_factory(clean_db)() as session:
        result = service.roll_up_hours(session, slot, settings)
        session.commit()
        return result


def snapshot(clean_db: Engine) -> list[tuple]:
    with clean_db.connect() as connection:
        rows = connection.execute(select(OccupancyDailyAggregate.__table__).order_by("id")).all()
    return [tuple(r) for r in rows]


def ist(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=IST).astimezone(UTC)


def test_the_hourly_average_is_time_weighted_with_the_count_carried_in(
    session: Session, clean_db: Engine, settings: Settings
) -> None:
    hall = camera(session)
    log(session, hall, ist(2, 9, 50), 4)  # carried into 10:00
    log(session, hall, ist(2, 10, 15), 10, entries=6)  # 4 for 15 min, then 10 for 30 min
    log(session, hall, ist(2, 10, 45), 2, exits=8)  # then 2 for the last 15 min
    session.commit()
    result = run_hourly(clean_db, settings, ist(2, 11, 5))
    # (4*15 + 10*30 + 2*15) / 60 = 6.5; a plain mean of the three samples in the hour would say 6.0 or 5.33
    assert hours(session)[(hall, date(2026, 11, 2), 10)] == (6.5, 10, 2, 6, 8, 2)
    assert result["rows"] >= 1


def test_an_hour_without_samples_holds_the_count_carried_in(
    session: Session, clean_db: Engine, settings: Settings
) -> None:
    hall = camera(session)
    log(session, hall, ist(2, 7, 10), 5)
    session.commit()
    run_hourly(clean_db, settings, ist(2, 11, 5))
    figures = hours(session)
    assert figures[(hall, date(2026, 11, 2), 10)] == (5.0, 5, 5, 0, 0, 0)
    # 07:00 starts without a count before it: only the 50 minutes after the first sample count
    assert figures[(hall, date(2026, 11, 2), 7)] == (5.0, 5, 5, 0, 0, 1)


def test_a_rerun_changes_nothing_and_late_samples_are_taken_in(
    session: Session, clean_db: Engine, settings: Settings
) -> None:
    hall = camera(session)
    log(session, hall, ist(2, 9, 0), 2)
    session.commit()
    run_hourly(clean_db, settings, ist(2, 10, 5))
    before = snapshot(clean_db)
    run_hourly(clean_db, settings, ist(2, 10, 5))
    assert snapshot(clean_db) == before  # updated_at too: nothing was rewritten
    # An edge box delivers a sample for 09:30 two hours late: the 12:05 run redoes 09:00 (late_hours = 3).
    log(session, hall, ist(2, 9, 30), 8)
    session.commit()
    run_hourly(clean_db, settings, ist(2, 12, 5))
    assert hours(session)[(hall, date(2026, 11, 2), 9)][:3] == (5.0, 8, 2)


def test_the_reset_keeps_the_drift_and_the_average_uses_zero_from_then(
    session: Session, clean_db: Engine, settings: Settings
) -> None:
    hall = camera(session)
    camera(session, "CAM-OFF", enabled=False)
    log(session, hall, ist(3, 2, 40), 3)
    session.commit()
    with create_session_factory(clean_db)() as s:
        assert service.reset_counts(s, ist(3, 3))["drift"] == {hall: 3}
        s.commit()
    with create_session_factory(clean_db)() as s:
        assert service.reset_counts(s, ist(3, 3))["rows"] == 0  # the slot already has its reset
        s.commit()
    log(session, hall, ist(3, 3, 30), 4)
    session.commit()
    run_hourly(clean_db, settings, ist(3, 4, 5))
    # 03:00-03:30 at 0 (the reset), 03:30-04:00 at 4; the reset row is no observation
    assert hours(session)[(hall, date(2026, 11, 3), 3)] == (2.0, 4, 0, 0, 0, 1)
    drift = service.drift(session, ist(1, 0), ist(4, 0), None)
    assert [(d.camera_id, [r.discarded_count for r in d.resets]) for d in drift] == [(hall, [3])]


def test_the_month_finds_its_busiest_hour(session: Session, clean_db: Engine, settings: Settings) -> None:
    hall = camera(session)
    log(session, hall, ist(2, 9, 0), 2, entries=2)
    log(session, hall, ist(2, 10, 0), 9, entries=7)
    log(session, hall, ist(2, 11, 0), 1, exits=8)
    session.commit()
    run_hourly(clean_db, settings, ist(2, 12, 5))
    with create_session_factory(clean_db)() as s:
        assert service.roll_up_month(s, 2026, 11)["rows"] == 1
        s.commit()
        again = service.roll_up_month(s, 2026, 11)
        s.commit()
    assert again["rows"] == 0
    month = session.scalars(select(OccupancyMonthlyAggregate)).one()
    assert (month.peak_date, month.peak_hour, month.peak_avg_occupancy) == (date(2026, 11, 2), 10, 9.0)
    assert (month.total_entries, month.total_exits, month.max_occupancy) == (9, 8, 9)


@pytest.mark.parametrize(
    ("zone", "day", "local_hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 23),  # spring forward: 02:00 does not exist
        ("Europe/Berlin", date(2026, 10, 25), 24),  # fall back: 02:00 happens twice, one row for both
        ("Asia/Kolkata", date(2026, 3, 29), 24),
    ],
)
def test_local_hours_through_a_dst_change(
    session: Session, clean_db: Engine, settings: Settings, zone: str, day: date, local_hours: int
) -> None:
    tz = ZoneInfo(zone)
    local = settings.model_copy(update={"site": settings.site.model_copy(update={"timezone": zone})})
    hall = camera(session)
    start = datetime.combine(day, datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    at = start
    while at < end:  # one sample every 10 minutes, the count = the local hour
        log(session, hall, at, at.astimezone(tz).hour)
        at += timedelta(minutes=10)
    session.commit()
    hourly_runs = end + timedelta(minutes=5)
    with create_session_factory(clean_db)() as s:
        windows = service.hour_windows(hourly_runs, 26, local)
        from factoryai.occupancy import repository

        repository.roll_up_hours(s, windows)
        s.commit()
    rows = {k[2]: v for k, v in hours(session).items() if k[1] == day}
    assert len(rows) == local_hours
    assert all(v[0] == hour for hour, v in rows.items())  # each local hour averages to itself
    if local_hours == 24 and zone == "Europe/Berlin":
        assert rows[2][5] == 12  # the repeated 02:00 hour holds both halves' samples


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def publish(self, topic: str, payload: dict, *, retain: bool = False) -> None:
        self.sent.append((topic, payload))

    def close(self) -> None:
        pass


def test_a_reset_caught_up_late_leaves_the_live_count_alone(session: Session, clean_db: Engine) -> None:
    hall, yard = camera(session), camera(session, "CAM-YARD")
    log(session, hall, ist(3, 2, 40), 3)
    log(session, hall, ist(3, 9, 0), 11)  # the hall's counter kept sending after 03:00; the yard's did not
    log(session, yard, ist(3, 2, 50), 6)
    session.commit()
    recorder = Recorder()
    with create_session_factory(clean_db, recorder)() as s:
        assert service.reset_counts(s, ist(3, 3))["drift"] == {hall: 3, yard: 6}  # both reset rows are written
        s.commit()
    assert [topic for topic, _ in recorder.sent] == ["occupancy/CAM-YARD/reset", "occupancy/CAM-YARD"]
