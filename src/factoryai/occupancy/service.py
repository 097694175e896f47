"""Occupancy (spec Module 4): samples in, live counts and capacity alerts, the hourly / daily-reset / monthly jobs'
work, and the reports. Set-based SQL lives in the repository; this module holds the rules."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from factoryai.accounts.models import User
from factoryai.cameras import service as cameras
from factoryai.cameras.models import Camera
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.errors import NotFoundError, ValidationFailedError
from factoryai.core.events import publish_after_commit
from factoryai.core.schemas import PageParams
from factoryai.occupancy import repository
from factoryai.occupancy.events import LIVE_COUNT, OVER_CAPACITY, RESET
from factoryai.occupancy.models import OccupancyAlert
from factoryai.occupancy.repository import HourWindow
from factoryai.occupancy.schemas import (
    CameraDrift,
    CurrentOccupancy,
    DriftReset,
    IngestResult,
    OccupancyBatch,
)

# --- ingest -------------------------------------------------------------------------------------------------------


def _zone_camera(session: Session, camera_id: str, row: int, cache: dict[str, Camera]) -> Camera:
    """The cameras rule for events (exists, enabled, role zone), its refusal naming the row."""
    if camera_id not in cache:
        try:
            cache[camera_id] = cameras.get_camera_for_event(session, camera_id, roles=cameras.OCCUPANCY_ROLES)
        except ValidationFailedError as exc:
            raise ValidationFailedError(f"sample {row}: {exc.message}", field=f"samples.{row}.camera_id") from exc
    return cache[camera_id]


def ingest(session: Session, batch: OccupancyBatch, settings: Settings) -> IngestResult:
    """All or nothing: every sample is checked before any is written. A sample already stored (same camera and
    timestamp: a batch re-sent after a timeout) is skipped and counted, never stored twice."""
    limit = settings.occupancy.max_batch
    if len(batch.samples) > limit:
        raise ValidationFailedError(
            f"a batch holds at most {limit} samples (occupancy.max_batch); this one has {len(batch.samples)}",
            field="samples",
        )
    horizon = utcnow() + timedelta(seconds=settings.occupancy.future_tolerance_seconds)
    loaded = cameras.preload(session, {s.camera_id for s in batch.samples})  # noqa: F841 - kept alive for the checks
    seen: dict[str, Camera] = {}
    rows: dict[tuple[str, datetime], dict[str, Any]] = {}
    for i, sample in enumerate(batch.samples):
        camera = _zone_camera(session, sample.camera_id, i, seen)
        at = sample.timestamp.astimezone(UTC)
        if at > horizon:
            raise ValidationFailedError(
                f"sample {i}: timestamp {sample.timestamp.isoformat()} is more than "
                f"{settings.occupancy.future_tolerance_seconds} s ahead of the server clock",
                field=f"samples.{i}.timestamp",
            )
        # The same instant twice in one batch is one sample; the first wins, like a re-sent batch.
        rows.setdefault(
            (camera.id, at),
            {
                "camera_id": camera.id,
                "timestamp": at,
                "current_count": sample.current_count,
                "entries": sample.entries,
                "exits": sample.exits,
                "is_reset": False,
            },
        )
    stored = repository.insert_samples(session, list(rows.values()))
    _announce_latest(session, {seen[c] for c, _, _ in stored})
    return IngestResult(received=len(batch.samples), stored=len(stored), duplicates=len(batch.samples) - len(stored))


def _announce_latest(session: Session, changed: set[Camera]) -> None:
    """Each changed camera's newest count on MQTT (retained), and the capacity rule on it. The newest stored, not the
    batch's last: a late batch of old samples must not roll the live count back."""
    latest = repository.latest_samples(session, [c.id for c in changed])
    for camera in sorted(changed, key=lambda c: c.id):
        count, at = latest[camera.id]
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at  # SQLite hands scalar subqueries back as naive
        payload = {"camera_id": camera.id, "count": count, "as_of": at.isoformat()}
        publish_after_commit(session, LIVE_COUNT.format(camera_id=camera.id), payload, retain=True)
        _check_capacity(session, camera, count, at)


def _check_capacity(session: Session, camera: Camera, count: int, at: datetime) -> None:
    capacity = (camera.settings or {}).get("capacity")
    if capacity is None:
        return  # no limit set (an excursion still open from before stays for security to acknowledge)
    alert = repository.open_alert(session, camera.id)
    if count > capacity:
        if alert is None:
            alert = OccupancyAlert(camera_id=camera.id, capacity=capacity, peak_count=count, started_at=at)
            session.add(alert)
            session.flush()
            payload = {
                "alert_id": alert.id,
                "type": "OVER_CAPACITY",
                "camera_id": camera.id,
                "count": count,
                "capacity": capacity,
                "time": at.isoformat(),
            }
            publish_after_commit(session, OVER_CAPACITY.pattern, payload)
        elif count > alert.peak_count:
            alert.peak_count = count
    elif alert is not None and at >= alert.started_at:
        alert.ended_at = at  # back at or under the capacity: the excursion is over
    session.flush()


# --- live counts --------------------------------------------------------------------------------------------------


def current(session: Session, settings: Settings) -> list[CurrentOccupancy]:
    now = utcnow()
    midnight = datetime.combine(now.astimezone(settings.site.tz).date(), datetime.min.time(), settings.site.tz)
    out = []
    for camera, count, as_of, entries, exits in repository.current(session, midnight.astimezone(UTC)):
        capacity = (camera.settings or {}).get("capacity")
        as_of = as_of.replace(tzinfo=UTC) if as_of is not None and as_of.tzinfo is None else as_of  # SQLite text
        out.append(
            CurrentOccupancy(
                camera_id=camera.id,
                camera_name=camera.name,
                current_count=count,
                as_of=as_of,
                age_seconds=round((now - as_of).total_seconds(), 1) if as_of is not None else None,
                entries_today=int(entries),
                exits_today=int(exits),
                capacity=capacity,
                over_capacity=capacity is not None and count is not None and count > capacity,
            )
        )
    return out


# --- the jobs' work -----------------------------------------------------------------------------------------------


def hour_windows(slot: datetime, hours: int, settings: Settings) -> list[HourWindow]:
    """The site-local clock hours that ended by the slot's hour, newest ``hours`` of them, as UTC ranges. On a DST
    fall-back day the repeated local hour is one window of two UTC hours; on a spring-forward day the skipped hour
    has none."""
    tz = settings.site.tz
    boundary = slot.astimezone(tz).replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    merged: dict[tuple[date, int], HourWindow] = {}
    for back in range(hours, 0, -1):
        start = boundary - timedelta(hours=back)
        local = start.astimezone(tz)
        key = (local.date(), local.hour)
        earlier = merged.get(key)
        merged[key] = HourWindow(earlier.start if earlier else start, start + timedelta(hours=1), *key)
    return list(merged.values())


def roll_up_hours(session: Session, slot: datetime, settings: Settings) -> dict[str, Any]:
    windows = hour_windows(slot, settings.occupancy.late_hours + 1, settings)
    written = repository.roll_up_hours(session, windows)
    first, last = windows[0], windows[-1]
    return {
        "rows": written,
        "hours": len(windows),
        "from": f"{first.local_date} {first.hour:02d}:00",
        "to": f"{last.local_date} {last.hour:02d}:00",
    }


def reset_counts(session: Session, slot: datetime) -> dict[str, Any]:
    """The daily drift reset: a zero sample per enabled zone camera, keeping the count it discards; the running
    counting loops are told to start again from 0 — only where the reset is the camera's newest sample. A reset
    caught up at 10:30 after a counter kept sending since 03:00 is history: zeroing the live count then would be
    wrong."""
    written = repository.insert_resets(session, slot)
    newest = repository.latest_samples(session, [camera_id for camera_id, _ in written])
    for camera_id, discarded in written:
        newest_at = newest[camera_id][1]
        if (newest_at if newest_at.tzinfo else newest_at.replace(tzinfo=UTC)) > slot:
            continue  # a newer sample exists: the counter has moved on since the slot
        publish_after_commit(
            session, RESET.format(camera_id=camera_id), {"camera_id": camera_id, "discarded_count": discarded}
        )
        payload = {"camera_id": camera_id, "count": 0, "as_of": slot.isoformat()}
        publish_after_commit(session, LIVE_COUNT.format(camera_id=camera_id), payload, retain=True)
    return {"rows": len(written), "drift": {c: d for c, d in written}}


def previous_month(slot: datetime, settings: Settings) -> tuple[int, int]:
    local = slot.astimezone(settings.site.tz).date().replace(day=1) - timedelta(days=1)
    return local.year, local.month


def roll_up_month(session: Session, year: int, month: int) -> dict[str, Any]:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return {"rows": repository.roll_up_month(session, year, month, first, last), "month": f"{year}-{month:02d}"}


# --- reports --------------------------------------------------------------------------------------------------------


def _check_range(first: date, last: date, most_days: int = 366) -> None:
    if last < first:
        raise ValidationFailedError("date_to is before date_from", field="date_to")
    if (last - first).days >= most_days:
        raise ValidationFailedError(f"ask for at most {most_days} days at a time", field="date_to")


def _known_camera(session: Session, camera_id: str | None) -> None:
    if camera_id is not None and cameras.find_camera(session, camera_id) is None:
        raise NotFoundError(f"camera {camera_id!r} not found")


def hourly(session: Session, camera_id: str | None, first: date, last: date) -> Sequence[Any]:
    _check_range(first, last)
    _known_camera(session, camera_id)
    return repository.hourly(session, camera_id, first, last)


def daily(session: Session, camera_id: str | None, first: date, last: date) -> Sequence[Any]:
    _check_range(first, last)
    _known_camera(session, camera_id)
    return repository.daily(session, camera_id, first, last)


def monthly(session: Session, camera_id: str | None, first: tuple[int, int], last: tuple[int, int]) -> Sequence[Any]:
    if last < first:
        raise ValidationFailedError("the last month is before the first", field="to_month")
    _known_camera(session, camera_id)
    return repository.monthly(session, camera_id, first, last)


def heatmap(session: Session, camera_id: str, first: date, last: date) -> Sequence[Any]:
    _check_range(first, last)
    _known_camera(session, camera_id)
    return repository.heatmap(session, camera_id, first, last)


def drift(session: Session, since: datetime, until: datetime, camera_id: str | None) -> list[CameraDrift]:
    if until <= since:
        raise ValidationFailedError("'to' must be after 'from'", field="to")
    _known_camera(session, camera_id)
    by_camera: dict[str, list[DriftReset]] = {}
    for row in repository.resets(session, since, until, camera_id):
        by_camera.setdefault(row.camera_id, []).append(
            DriftReset(reset_at=row.timestamp, discarded_count=row.discarded_count or 0)
        )
    return [
        CameraDrift(
            camera_id=camera,
            resets=found,
            mean_abs_drift=round(sum(abs(r.discarded_count) for r in found) / len(found), 2) if found else None,
        )
        for camera, found in sorted(by_camera.items())
    ]


# --- capacity alerts --------------------------------------------------------------------------------------------------


def list_alerts(session: Session, page: PageParams, acknowledged: bool | None) -> tuple[Sequence[OccupancyAlert], int]:
    return repository.list_alerts(session, page, acknowledged)


def acknowledge_alert(session: Session, alert_id: int, user: User) -> OccupancyAlert:
    alert = repository.get_alert(session, alert_id)
    if alert is None:
        raise NotFoundError(f"occupancy alert {alert_id} not found")
    if alert.acknowledged_at is None:  # the first guard to acknowledge is the one on record
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = user.id
        session.flush()
    return alert
