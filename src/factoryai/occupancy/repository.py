"""Database access for occupancy: bulk ingest, the roll-ups as set-based SQL on both engines, and the queries.

The roll-ups never load samples into Python: each is one INSERT … SELECT … ON CONFLICT DO UPDATE. Time arithmetic
and weekdays are the only dialect differences (helpers below). An upsert changes a row only when a figure differs,
so re-running a slot leaves every table as it was (updated_at included).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    and_,
    case,
    column,
    false,
    func,
    literal,
    select,
    text,
    true,
    union_all,
    values,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera, CameraRole
from factoryai.core.clock import utcnow
from factoryai.core.db import UTCDateTime
from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams
from factoryai.occupancy.models import OccupancyAlert, OccupancyDailyAggregate, OccupancyLog, OccupancyMonthlyAggregate

LOG = OccupancyLog.__table__
DAILY = OccupancyDailyAggregate.__table__
MONTHLY = OccupancyMonthlyAggregate.__table__


@dataclass(frozen=True)
class HourWindow:
    """One site-local clock hour as a UTC range (two UTC hours on a DST fall-back day)."""

    start: datetime
    end: datetime
    local_date: date
    hour: int


def _insert(session: Session, table: Any) -> Any:
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


def _epoch(session: Session, value: Any) -> ColumnElement[float]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", value)
    # SQLite keeps UTC as text: whole seconds from %s plus the fraction of %f ("SS.SSS"). julianday() would do,
    # but its float days lose ~0.1 ms, and averages must come out exact.
    seconds = func.cast(func.strftime("%s", value), Float)
    return seconds + func.cast(func.strftime("%f", value), Float) - func.cast(func.strftime("%S", value), Float)


def _weekday(session: Session, value: Any) -> ColumnElement[int]:
    """0 = Monday … 6 = Sunday."""
    if session.get_bind().dialect.name == "postgresql":
        return func.cast(func.extract("isodow", value), Integer) - 1
    return (func.cast(func.strftime("%w", value), Integer) + 6) % 7


def _without_jit(session: Session) -> None:
    """PostgreSQL estimates the range joins at hundreds of thousands of rows and JIT-compiles them: 25 ms of
    compiling for 25 ms of work (measured). These statements touch one hour's samples; JIT never pays here."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _changed(table: Any, excluded: Any, names: Sequence[str]) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = false()
    for name in names:
        condition = condition | table.c[name].is_distinct_from(excluded[name])
    return condition


# --- ingest -----------------------------------------------------------------------------------------------------


def insert_samples(session: Session, rows: list[dict[str, Any]]) -> list[tuple[str, datetime, int]]:
    """Bulk insert, skipping (camera, timestamp) pairs already stored; returns the stored ones.

    PostgreSQL gets the batch as six arrays, unnested by one small statement: a multi-row VALUES of 10,000 rows costs
    more to build and parse than to insert. SQLite (the embedded default) takes the rows through SQLAlchemy's
    batched insertmanyvalues."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = text(
            "INSERT INTO occupancy_log (camera_id, timestamp, current_count, entries, exits, is_reset) "
            "SELECT c, t, n, e, x, false FROM unnest("
            "CAST(:cameras AS varchar[]), CAST(:times AS timestamptz[]), CAST(:counts AS int[]), "
            "CAST(:entries AS int[]), CAST(:exits AS int[])) AS u(c, t, n, e, x) "
            "ON CONFLICT (camera_id, timestamp) DO NOTHING RETURNING camera_id, timestamp, current_count"
        )
        arrays = {
            "cameras": [r["camera_id"] for r in rows],
            "times": [r["timestamp"] for r in rows],
            "counts": [r["current_count"] for r in rows],
            "entries": [r["entries"] for r in rows],
            "exits": [r["exits"] for r in rows],
        }
        return [tuple(r) for r in session.execute(statement, arrays).all()]  # type: ignore[misc]
    statement = (
        _insert(session, LOG)
        .on_conflict_do_nothing(index_elements=["camera_id", "timestamp"])
        .returning(LOG.c.camera_id, LOG.c.timestamp, LOG.c.current_count)
    )
    return [tuple(r) for r in session.execute(statement, rows).all()]  # type: ignore[misc]


def latest_samples(session: Session, camera_ids: Collection[str]) -> dict[str, tuple[int, datetime]]:
    """Each camera's newest (count, timestamp), in one statement (one index probe per camera)."""
    newest = select(LOG.c.current_count, LOG.c.timestamp).where(LOG.c.camera_id == Camera.id)
    newest = newest.order_by(LOG.c.timestamp.desc()).limit(1)
    query = select(
        Camera.id,
        newest.with_only_columns(LOG.c.current_count).scalar_subquery(),
        newest.with_only_columns(LOG.c.timestamp).scalar_subquery(),
    ).where(Camera.id.in_(list(camera_ids)))
    return {camera: (count, at) for camera, count, at in session.execute(query) if count is not None}


def zone_cameras(session: Session, *, enabled_only: bool = False) -> Sequence[Camera]:
    query = select(Camera).where(Camera.role == CameraRole.ZONE).order_by(Camera.id)
    if enabled_only:
        query = query.where(Camera.enabled.is_(True))
    return session.scalars(query).all()


def current(session: Session, since: datetime) -> Sequence[Any]:
    """Per zone camera: the latest sample's count and time, and entries/exits since ``since``."""
    latest = (
        select(LOG.c.current_count, LOG.c.timestamp)
        .where(LOG.c.camera_id == Camera.id)
        .order_by(LOG.c.timestamp.desc())
        .limit(1)
    )
    today = select(LOG.c.entries, LOG.c.exits).where(LOG.c.camera_id == Camera.id, LOG.c.timestamp >= since)
    entries = select(func.coalesce(func.sum(today.subquery().c.entries), 0)).scalar_subquery()
    exits = select(func.coalesce(func.sum(today.subquery().c.exits), 0)).scalar_subquery()
    query = select(
        Camera,
        latest.with_only_columns(LOG.c.current_count).scalar_subquery().label("count"),
        latest.with_only_columns(LOG.c.timestamp).scalar_subquery().label("as_of"),
        entries.label("entries"),
        exits.label("exits"),
    ).where(Camera.role == CameraRole.ZONE)
    return session.execute(query.order_by(Camera.id)).all()


# --- roll-ups -----------------------------------------------------------------------------------------------------


def roll_up_hours(session: Session, windows: Sequence[HourWindow]) -> int:
    """Time-weighted hourly figures of every zone camera for these windows, upserted. Returns the rows written.

    A count holds until the next sample; each window starts with the last count before it (carried in). Reset rows
    (03:00) weigh like any count — from then on the zone is at 0 — but are not counted as observations.
    """
    if not windows:
        return 0
    _without_jit(session)
    w = (
        values(
            column("wid", Integer),
            column("start_utc", UTCDateTime()),
            column("end_utc", UTCDateTime()),
            column("local_date", Date),
            column("local_hour", Integer),
            name="w",
        )
        .data([(i, x.start, x.end, x.local_date, x.hour) for i, x in enumerate(windows)])
        .cte("w")  # WITH w(wid, …) AS (VALUES …): SQLite has no column aliases on an inline VALUES
    )
    zone = select(Camera.id.label("camera_id")).where(Camera.role == CameraRole.ZONE).subquery("zone")
    observed = case((LOG.c.is_reset, 0), else_=1)
    inside = select(
        w.c.wid,
        w.c.end_utc,
        LOG.c.camera_id,
        LOG.c.timestamp.label("t"),
        LOG.c.current_count.label("c"),
        LOG.c.entries,
        LOG.c.exits,
        observed.label("observed"),
    ).select_from(w.join(LOG, and_(LOG.c.timestamp >= w.c.start_utc, LOG.c.timestamp < w.c.end_utc)))
    carried_count = (
        select(LOG.c.current_count)
        .where(LOG.c.camera_id == zone.c.camera_id, LOG.c.timestamp < w.c.start_utc)
        .order_by(LOG.c.timestamp.desc())
        .limit(1)
        .scalar_subquery()
    )
    carried = select(
        w.c.wid,
        w.c.end_utc,
        zone.c.camera_id,
        w.c.start_utc.label("t"),
        carried_count.label("c"),
        literal(0).label("entries"),
        literal(0).label("exits"),
        literal(-1).label("observed"),  # sorts before a sample at the very start, which then takes over
    ).select_from(w.join(zone, true()))
    points = union_all(inside, carried).subquery("points")
    following = func.lead(points.c.t, 1, points.c.end_utc).over(
        partition_by=(points.c.wid, points.c.camera_id), order_by=(points.c.t, points.c.observed)
    )
    segments = (
        select(
            points.c.wid,
            points.c.camera_id,
            points.c.c,
            points.c.entries,
            points.c.exits,
            points.c.observed,
            (_epoch(session, following) - _epoch(session, points.c.t)).label("seconds"),
        )
        .where(points.c.c.is_not(None))
        .subquery("segments")
    )
    held = case((segments.c.seconds > 0, segments.c.c), else_=None)  # a count that held for no time was never seen
    figures = (
        select(
            segments.c.wid,
            segments.c.camera_id,
            (func.sum(segments.c.c * segments.c.seconds) / func.nullif(func.sum(segments.c.seconds), 0)).label("avg"),
            func.max(held).label("max"),
            func.min(held).label("min"),
            func.sum(segments.c.entries).label("entries"),
            func.sum(segments.c.exits).label("exits"),
            func.sum(case((segments.c.observed == 1, 1), else_=0)).label("samples"),
        )
        .group_by(segments.c.wid, segments.c.camera_id)
        .subquery("figures")
    )
    now = utcnow()
    rows = (
        select(
            figures.c.camera_id,
            w.c.local_date,
            w.c.local_hour,
            func.coalesce(figures.c.avg, 0.0),
            figures.c.max,
            figures.c.min,
            figures.c.entries,
            figures.c.exits,
            figures.c.samples,
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        )
        .select_from(figures.join(w, w.c.wid == figures.c.wid))
        .where(figures.c.max.is_not(None))
    )
    names = ("avg_occupancy", "max_occupancy", "min_occupancy", "total_entries", "total_exits", "sample_count")
    insert = _insert(session, DAILY).from_select(
        ["camera_id", "occupancy_date", "hour", *names, "created_at", "updated_at"], rows
    )
    statement = insert.on_conflict_do_update(
        index_elements=["camera_id", "occupancy_date", "hour"],
        set_={**{n: insert.excluded[n] for n in names}, "updated_at": insert.excluded.updated_at},
        where=_changed(DAILY, insert.excluded, names),
    ).returning(DAILY.c.id)  # counted from RETURNING: sqlite3 reports no rowcount for a WITH … INSERT
    return len(session.execute(statement).all())


def roll_up_month(session: Session, year: int, month: int, first: date, last: date) -> int:
    """Per camera: the month's hourly rows averaged (each hour weighs the same), totals, and the busiest hour."""
    _without_jit(session)
    in_month = and_(DAILY.c.occupancy_date >= first, DAILY.c.occupancy_date <= last)
    ranked = (
        select(
            DAILY.c.camera_id,
            DAILY.c.occupancy_date,
            DAILY.c.hour,
            DAILY.c.avg_occupancy,
            func.row_number()
            .over(
                partition_by=DAILY.c.camera_id,
                order_by=(DAILY.c.avg_occupancy.desc(), DAILY.c.occupancy_date, DAILY.c.hour),
            )
            .label("rank"),
        )
        .where(in_month)
        .subquery("ranked")
    )
    peak = select(ranked).where(ranked.c.rank == 1).subquery("peak")
    totals = (
        select(
            DAILY.c.camera_id,
            func.avg(DAILY.c.avg_occupancy).label("avg"),
            func.max(DAILY.c.max_occupancy).label("max"),
            func.sum(DAILY.c.total_entries).label("entries"),
            func.sum(DAILY.c.total_exits).label("exits"),
            func.count().label("hours"),
        )
        .where(in_month)
        .group_by(DAILY.c.camera_id)
        .subquery("totals")
    )
    now = utcnow()
    rows = select(
        totals.c.camera_id,
        literal(year),
        literal(month),
        totals.c.avg,
        totals.c.max,
        totals.c.entries,
        totals.c.exits,
        totals.c.hours,
        peak.c.occupancy_date,
        peak.c.hour,
        peak.c.avg_occupancy,
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).select_from(totals.join(peak, peak.c.camera_id == totals.c.camera_id))
    names = (
        "avg_occupancy",
        "max_occupancy",
        "total_entries",
        "total_exits",
        "hours",
        "peak_date",
        "peak_hour",
        "peak_avg_occupancy",
    )
    insert = _insert(session, MONTHLY).from_select(
        ["camera_id", "year", "month", *names, "created_at", "updated_at"], rows
    )
    statement = insert.on_conflict_do_update(
        index_elements=["camera_id", "year", "month"],
        set_={**{n: insert.excluded[n] for n in names}, "updated_at": insert.excluded.updated_at},
        where=_changed(MONTHLY, insert.excluded, names),
    ).returning(MONTHLY.c.id)
    return len(session.execute(statement).all())


def insert_resets(session: Session, at: datetime) -> list[tuple[str, int]]:
    """A zero sample marked is_reset for every enabled zone camera, keeping the count it discards; skipped where the
    slot already has one. Returns (camera, discarded count) of the rows written."""
    last_count = (
        select(LOG.c.current_count)
        .where(LOG.c.camera_id == Camera.id, LOG.c.timestamp < at)
        .order_by(LOG.c.timestamp.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = select(
        Camera.id,
        literal(at, UTCDateTime()),
        literal(0),
        literal(0),
        literal(0),
        true(),
        func.coalesce(last_count, 0),
    ).where(Camera.role == CameraRole.ZONE, Camera.enabled.is_(True))
    columns = ["camera_id", "timestamp", "current_count", "entries", "exits", "is_reset", "discarded_count"]
    statement = (
        _insert(session, LOG)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["camera_id", "timestamp"])
        .returning(LOG.c.camera_id, LOG.c.discarded_count)
    )
    return [(r[0], r[1]) for r in session.execute(statement).all()]


# --- queries ------------------------------------------------------------------------------------------------------


def hourly(session: Session, camera_id: str | None, first: date, last: date) -> Sequence[OccupancyDailyAggregate]:
    query = select(OccupancyDailyAggregate).where(
        OccupancyDailyAggregate.occupancy_date >= first, OccupancyDailyAggregate.occupancy_date <= last
    )
    if camera_id is not None:
        query = query.where(OccupancyDailyAggregate.camera_id == camera_id)
    order = (OccupancyDailyAggregate.camera_id, OccupancyDailyAggregate.occupancy_date, OccupancyDailyAggregate.hour)
    return session.scalars(query.order_by(*order)).all()


def daily(session: Session, camera_id: str | None, first: date, last: date) -> Sequence[Any]:
    query = select(
        DAILY.c.camera_id,
        DAILY.c.occupancy_date,
        func.avg(DAILY.c.avg_occupancy).label("avg_occupancy"),
        func.max(DAILY.c.max_occupancy).label("max_occupancy"),
        func.sum(DAILY.c.total_entries).label("total_entries"),
        func.sum(DAILY.c.total_exits).label("total_exits"),
        func.count().label("hours"),
    ).where(DAILY.c.occupancy_date >= first, DAILY.c.occupancy_date <= last)
    if camera_id is not None:
        query = query.where(DAILY.c.camera_id == camera_id)
    group = (DAILY.c.camera_id, DAILY.c.occupancy_date)
    return session.execute(query.group_by(*group).order_by(*group)).all()


def monthly(session: Session, camera_id: str | None, first: tuple[int, int], last: tuple[int, int]) -> Sequence[Any]:
    key = MONTHLY.c.year * 100 + MONTHLY.c.month
    query = select(OccupancyMonthlyAggregate).where(key >= first[0] * 100 + first[1], key <= last[0] * 100 + last[1])
    if camera_id is not None:
        query = query.where(OccupancyMonthlyAggregate.camera_id == camera_id)
    order = (OccupancyMonthlyAggregate.camera_id, OccupancyMonthlyAggregate.year, OccupancyMonthlyAggregate.month)
    return session.scalars(query.order_by(*order)).all()


def heatmap(session: Session, camera_id: str, first: date, last: date) -> Sequence[Any]:
    weekday = _weekday(session, DAILY.c.occupancy_date)
    query = (
        select(
            weekday.label("weekday"),
            DAILY.c.hour,
            func.avg(DAILY.c.avg_occupancy).label("avg_occupancy"),
            func.count().label("hours"),
        )
        .where(DAILY.c.camera_id == camera_id, DAILY.c.occupancy_date >= first, DAILY.c.occupancy_date <= last)
        .group_by(weekday, DAILY.c.hour)
        .order_by(weekday, DAILY.c.hour)
    )
    return session.execute(query).all()


def resets(session: Session, since: datetime, until: datetime, camera_id: str | None) -> Sequence[OccupancyLog]:
    query = select(OccupancyLog).where(
        OccupancyLog.is_reset.is_(True), OccupancyLog.timestamp >= since, OccupancyLog.timestamp < until
    )
    if camera_id is not None:
        query = query.where(OccupancyLog.camera_id == camera_id)
    return session.scalars(query.order_by(OccupancyLog.camera_id, OccupancyLog.timestamp)).all()


# --- capacity alerts ----------------------------------------------------------------------------------------------


def open_alert(session: Session, camera_id: str) -> OccupancyAlert | None:
    query = select(OccupancyAlert).where(OccupancyAlert.camera_id == camera_id, OccupancyAlert.ended_at.is_(None))
    return session.scalar(query.order_by(OccupancyAlert.id.desc()).limit(1))


def get_alert(session: Session, alert_id: int) -> OccupancyAlert | None:
    return session.get(OccupancyAlert, alert_id)


def list_alerts(session: Session, page: PageParams, acknowledged: bool | None) -> tuple[Sequence[OccupancyAlert], int]:
    query = select(OccupancyAlert).order_by(OccupancyAlert.started_at.desc(), OccupancyAlert.id.desc())
    if acknowledged is not None:
        done = OccupancyAlert.acknowledged_at.is_not(None)
        query = query.where(done if acknowledged else ~done)
    return paginate(session, query, page)
