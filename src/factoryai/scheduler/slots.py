"""A job's time slots: its cron trigger in the site time zone, the latest fire time, and the slots a catch-up
considers. Values in, values out: which of them are already claimed is the runner's question to the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from factoryai.core.config import Settings
from factoryai.core.jobs import Job

# A job firing more often than this within scheduler.catch_up_days (one a minute over 7 days is 10,080) catches up
# only its latest slot: walking the cron (~20 µs a fire time) and replaying that many runs would cost more than
# such a job's slots are worth. start_scheduler says so in the log.
MAX_CATCH_UP_SLOTS = 10_000

_LOOK_BACK = (timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(days=31))


def trigger_for(job: Job, settings: Settings) -> CronTrigger:
    return CronTrigger(**job.cron, timezone=settings.site.tz)


def latest_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest fire time at or before ``now`` (within the last 31 days).

    Cron triggers only step forwards, so look back over growing spans and walk forward inside the first span
    that holds a fire time: a handful of steps whether the job fires every second or once a month.
    """
    for span in _LOOK_BACK:
        fire = trigger.get_next_fire_time(None, now - span)
        if fire is None or fire > now:
            continue
        latest = fire
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return latest
    return None


def fire_times(trigger: CronTrigger, start: datetime, end: datetime, limit: int) -> list[datetime] | None:
    """Every fire time in [start, end], oldest first; None when there are more than ``limit``."""
    times: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= end:
        if len(times) == limit:
            return None
        times.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return times


def is_fire_time(trigger: CronTrigger, slot: datetime) -> bool:
    return trigger.get_next_fire_time(None, slot) == slot


def catch_up_slots(job: Job, trigger: CronTrigger, now: datetime, catch_up_days: int) -> list[datetime]:
    """The slots a catch-up at ``now`` considers, oldest first, in UTC: every fire time of the last
    ``catch_up_days`` for an "all" job, only the latest for a "latest" one (or one firing too often to replay).
    The latest slot is always among them, even when it lies further back than the window (a monthly job)."""
    latest = latest_slot(trigger, now)
    if latest is None:
        return []
    times = None
    if job.catch_up == "all":
        times = fire_times(trigger, now - timedelta(days=catch_up_days), now, MAX_CATCH_UP_SLOTS)
    return [t.astimezone(UTC) for t in (times or [latest])]


def replays_every_slot(job: Job, trigger: CronTrigger, now: datetime, catch_up_days: int) -> bool:
    """False for an "all" job that fires more than MAX_CATCH_UP_SLOTS times in the window (it catches up its latest
    slot only)."""
    if job.catch_up != "all":
        return False
    return fire_times(trigger, now - timedelta(days=catch_up_days), now, MAX_CATCH_UP_SLOTS) is not None


def lease_expiry(lease_expires_at: datetime | None, started_at: datetime, lease_seconds: int) -> datetime:
    """When a running claim stops being its runner's. Claims taken before leases existed have none: they count as
    expired ``lease_seconds`` after they started."""
    return lease_expires_at or started_at + timedelta(seconds=lease_seconds)
