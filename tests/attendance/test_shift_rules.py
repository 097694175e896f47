"""The pure shift rules (spec Module 3 Steps 3-5) at their edges, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from factoryai.attendance.shifts import (
    ShiftRule,
    evaluate_check_in,
    is_early_exit,
    next_window_opening,
    occurrence_for_check_in,
    occurrence_on,
)

IST = ZoneInfo("Asia/Kolkata")
DAY = ShiftRule(start=time(8), end=time(17), grace_minutes=5, early_exit_grace_minutes=10, window_before_minutes=60)
NIGHT = ShiftRule(start=time(22), end=time(6), grace_minutes=5, window_before_minutes=60)


def ist(*args: int) -> datetime:
    return datetime(*args, tzinfo=IST)


def test_occurrence_of_a_day_shift_is_in_utc() -> None:
    occ = occurrence_on(DAY, date(2026, 10, 5), IST)
    assert occ.start == datetime(2026, 10, 5, 2, 30, tzinfo=UTC)
    assert occ.end == datetime(2026, 10, 5, 11, 30, tzinfo=UTC)


def test_overnight_shift_ends_the_next_day() -> None:
    occ = occurrence_on(NIGHT, date(2026, 10, 5), IST)
    assert occ.start == ist(2026, 10, 5, 22)
    assert occ.end == ist(2026, 10, 6, 6)


@pytest.mark.parametrize(
    ("at", "late", "grace_applied"),
    [
        (ist(2026, 10, 5, 7, 59, 59), False, False),
        (ist(2026, 10, 5, 8, 0, 0), False, False),  # exactly at the start: on time, no grace needed
        (ist(2026, 10, 5, 8, 0, 1), False, True),
        (ist(2026, 10, 5, 8, 3, 45), False, True),  # the spec's example
        (ist(2026, 10, 5, 8, 4, 59), False, True),
        (ist(2026, 10, 5, 8, 5, 0), True, False),  # the spec's rule: check_in < start + grace, so 08:05:00 is late
        (ist(2026, 10, 5, 8, 5, 1), True, False),
    ],
)
def test_grace_period_edges(at: datetime, late: bool, grace_applied: bool) -> None:
    occ = occurrence_for_check_in(DAY, at, IST)
    assert occ is not None
    verdict = evaluate_check_in(DAY, occ, at)
    assert (verdict.is_late, verdict.grace_period_applied) == (late, grace_applied)
    assert verdict.status == ("LATE" if late else "PRESENT")


def test_check_in_window_opens_exactly_window_minutes_before_start() -> None:
    assert occurrence_for_check_in(DAY, ist(2026, 10, 5, 7, 0, 0), IST) is not None
    assert occurrence_for_check_in(DAY, ist(2026, 10, 5, 6, 59, 59), IST) is None
    assert next_window_opening(DAY, ist(2026, 10, 5, 6, 59, 59), IST) == ist(2026, 10, 5, 7)


def test_window_closes_at_the_shift_end() -> None:
    assert occurrence_for_check_in(DAY, ist(2026, 10, 5, 16, 59, 59), IST) is not None
    assert occurrence_for_check_in(DAY, ist(2026, 10, 5, 17, 0, 0), IST) is None
    assert next_window_opening(DAY, ist(2026, 10, 5, 17), IST) == ist(2026, 10, 6, 7)


@pytest.mark.parametrize(
    ("at", "attendance_date", "late"),
    [
        (ist(2026, 10, 5, 21, 0), date(2026, 10, 5), False),  # window opens
        (ist(2026, 10, 5, 23, 59), date(2026, 10, 5), True),
        (ist(2026, 10, 6, 1, 0), date(2026, 10, 5), True),  # after midnight: still the run that began on the 5th
        (ist(2026, 10, 6, 5, 59, 59), date(2026, 10, 5), True),
    ],
)
def test_overnight_check_in_belongs_to_its_start_day(at: datetime, attendance_date: date, late: bool) -> None:
    occ = occurrence_for_check_in(NIGHT, at, IST)
    assert occ is not None
    assert occ.attendance_date == attendance_date
    assert evaluate_check_in(NIGHT, occ, at).is_late is late


def test_window_that_crosses_midnight_belongs_to_the_next_date() -> None:
    early = ShiftRule(start=time(0, 30), end=time(8, 30), window_before_minutes=60)
    occ = occurrence_for_check_in(early, ist(2026, 10, 5, 23, 45), IST)
    assert occ is not None
    assert occ.attendance_date == date(2026, 10, 6)


def test_the_same_instant_in_any_offset_gives_the_same_verdict() -> None:
    instants = [
        datetime(2026, 10, 5, 2, 34, tzinfo=UTC),
        ist(2026, 10, 5, 8, 4),
        datetime(2026, 10, 4, 22, 34, tzinfo=ZoneInfo("America/New_York")),
    ]
    results = set()
    for at in instants:
        occ = occurrence_for_check_in(DAY, at, IST)
        assert occ is not None
        verdict = evaluate_check_in(DAY, occ, at)
        results.add((occ.attendance_date, verdict.is_late, verdict.grace_period_applied))
    assert results == {(date(2026, 10, 5), False, True)}


@pytest.mark.parametrize(
    ("at", "early"),
    [
        (ist(2026, 10, 5, 16, 45), True),  # the spec's example, beyond the 10 min early-exit grace
        (ist(2026, 10, 5, 16, 49, 59), True),
        (ist(2026, 10, 5, 16, 50), False),  # end - grace exactly is not early
        (ist(2026, 10, 5, 17, 30), False),
    ],
)
def test_early_exit_with_grace(at: datetime, early: bool) -> None:
    assert is_early_exit(DAY, occurrence_on(DAY, date(2026, 10, 5), IST), at) is early


def test_overnight_early_exit_is_measured_against_the_next_morning() -> None:
    occ = occurrence_on(NIGHT, date(2026, 10, 5), IST)
    assert is_early_exit(NIGHT, occ, ist(2026, 10, 6, 5, 50))
    assert not is_early_exit(NIGHT, occ, ist(2026, 10, 6, 6, 0))


def test_dst_zone_uses_local_wall_clock() -> None:
    berlin = ZoneInfo("Europe/Berlin")  # 2026-10-25: clocks go back from 03:00 to 02:00
    occ = occurrence_on(NIGHT, date(2026, 10, 24), berlin)
    assert occ.end - occ.start == timedelta(hours=9)  # a 22:00-06:00 shift lasts 9 real hours that night
