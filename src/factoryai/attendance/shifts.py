"""Pure shift arithmetic (no database, no clock): the spec's Module 3 Steps 3 to 5.

Shift times are wall-clock times in the site time zone; an end earlier than the start means the shift ends the next
day, and its attendance date is the day it starts. Instants in and out are timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ShiftRule:
    start: time
    end: time
    grace_minutes: int = 0
    early_exit_grace_minutes: int = 0
    window_before_minutes: int = 60

    @property
    def is_overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Occurrence:
    """One concrete run of a shift: the attendance date and its start and end instants (UTC)."""

    attendance_date: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CheckInVerdict:
    is_late: bool
    grace_period_applied: bool

    @property
    def status(self) -> str:
        return "LATE" if self.is_late else "PRESENT"


def occurrence_on(rule: ShiftRule, attendance_date: date, tz: ZoneInfo) -> Occurrence:
    """The run of the shift that starts on ``attendance_date`` (site-local)."""
    start = datetime.combine(attendance_date, rule.start, tzinfo=tz)
    end_date = attendance_date + timedelta(days=1) if rule.is_overnight else attendance_date
    end = datetime.combine(end_date, rule.end, tzinfo=tz)
    return Occurrence(attendance_date, start.astimezone(UTC), end.astimezone(UTC))


def occurrence_for_check_in(rule: ShiftRule, at: datetime, tz: ZoneInfo) -> Occurrence | None:
    """The run a check-in at ``at`` belongs to: its window opens ``window_before_minutes`` before the start
    and closes at the end. None when ``at`` falls in no run's window (too early for the next one, after the last).
    """
    window = timedelta(minutes=rule.window_before_minutes)
    local_day = at.astimezone(tz).date()
    candidates = [
        occ
        for occ in (occurrence_on(rule, local_day + timedelta(days=d), tz) for d in (-1, 0, 1))
        if occ.start - window <= at < occ.end
    ]
    # Windows can only overlap when the window is longer than the gap between runs; then the newer run wins,
    # since a check-in starts a run.
    return max(candidates, key=lambda occ: occ.start, default=None)


def next_window_opening(rule: ShiftRule, at: datetime, tz: ZoneInfo) -> datetime:
    """When the next check-in window opens after ``at`` (for a helpful 'too early' message)."""
    window = timedelta(minutes=rule.window_before_minutes)
    local_day = at.astimezone(tz).date()
    for d in range(0, 3):
        opening = occurrence_on(rule, local_day + timedelta(days=d), tz).start - window
        if opening > at:
            return opening
    return occurrence_on(rule, local_day + timedelta(days=3), tz).start - window


def evaluate_check_in(rule: ShiftRule, occ: Occurrence, at: datetime) -> CheckInVerdict:
    """Spec Step 4: on time iff ``at < start + grace``; the grace was needed iff ``start < at < start + grace``."""
    grace_end = occ.start + timedelta(minutes=rule.grace_minutes)
    return CheckInVerdict(is_late=not at < grace_end, grace_period_applied=occ.start < at < grace_end)


def is_early_exit(rule: ShiftRule, occ: Occurrence, at: datetime) -> bool:
    """Spec Step 5, with an optional grace: early iff ``at < end - early_exit_grace``."""
    return at < occ.end - timedelta(minutes=rule.early_exit_grace_minutes)
