"""Database access for vehicle_log and the watchlist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from factoryai.core.repository import null_where_in, paginate
from factoryai.core.schemas import PageParams
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import normalise, one_edit_patterns


def add_log(session: Session, entry: VehicleLog) -> VehicleLog:
    session.add(entry)
    return entry


def get_log(session: Session, log_id: int) -> VehicleLog | None:
    return session.get(VehicleLog, log_id)


def active_watchlist(session: Session, now: datetime) -> Sequence[WatchlistEntry]:
    return session.scalars(
        select(WatchlistEntry).where(or_(WatchlistEntry.valid_until.is_(None), WatchlistEntry.valid_until > now))
    ).all()


def get_entry(session: Session, entry_id: int) -> WatchlistEntry | None:
    return session.get(WatchlistEntry, entry_id)


def get_entry_by_key(session: Session, plate_key: str) -> WatchlistEntry | None:
    return session.scalar(select(WatchlistEntry).where(WatchlistEntry.plate_key == plate_key))


def list_entries(session: Session, page: PageParams, list_name: str | None) -> tuple[Sequence[WatchlistEntry], int]:
    query = select(WatchlistEntry).order_by(WatchlistEntry.plate_number)
    if list_name is not None:
        query = query.where(WatchlistEntry.list == list_name)
    return paginate(session, query, page)


def get_alert(session: Session, alert_id: int) -> VehicleAlert | None:
    return session.get(VehicleAlert, alert_id)


def list_alerts(session: Session, page: PageParams, acknowledged: bool | None) -> tuple[Sequence[VehicleAlert], int]:
    query = select(VehicleAlert).order_by(VehicleAlert.created_at.desc(), VehicleAlert.id.desc())
    if acknowledged is True:
        query = query.where(VehicleAlert.acknowledged_at.is_not(None))
    elif acknowledged is False:
        query = query.where(VehicleAlert.acknowledged_at.is_(None))
    return paginate(session, query, page)


def search_log(
    session: Session,
    *,
    plate: str | None,
    fuzzy: bool,
    status: str | None,
    camera_id: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[tuple[VehicleLog]]:
    query = select(VehicleLog).order_by(VehicleLog.timestamp.desc(), VehicleLog.id.desc())
    if plate:
        if fuzzy:
            patterns, exact = one_edit_patterns(plate)
            query = query.where(
                or_(*(VehicleLog.plate_number.like(p) for p in patterns), VehicleLog.plate_number.in_(exact))
            )
        else:
            query = query.where(VehicleLog.plate_number == normalise(plate))
    if status is not None:
        query = query.where(VehicleLog.status == status)
    if camera_id is not None:
        query = query.where(VehicleLog.camera_id == camera_id)
    if since is not None:
        query = query.where(VehicleLog.timestamp >= since)
    if until is not None:
        query = query.where(VehicleLog.timestamp < until)
    return query


def page_of(session: Session, query: Select[tuple[VehicleLog]], page: PageParams) -> tuple[Sequence[VehicleLog], int]:
    return paginate(session, query, page)


def all_of(session: Session, query: Select[tuple[VehicleLog]], limit: int) -> Sequence[VehicleLog]:
    return session.scalars(query.limit(limit)).all()


def recent_log(
    session: Session, camera_id: str, plate_number: str, since: datetime, *, status: str
) -> VehicleLog | None:
    query = (
        select(VehicleLog)
        .where(VehicleLog.camera_id == camera_id, VehicleLog.plate_number == plate_number)
        .where(VehicleLog.status == status)
        .where(VehicleLog.timestamp >= since)
        .order_by(VehicleLog.timestamp.desc(), VehicleLog.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def clear_snapshot_paths(session: Session, paths: Sequence[str]) -> int:
    return null_where_in(session, (VehicleLog.snapshot_path, VehicleAlert.snapshot_path), paths)
