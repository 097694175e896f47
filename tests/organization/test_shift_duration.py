"""shift_duration_minutes: wall-clock arithmetic, an end at or before the start is on the next day."""

from __future__ import annotations

from datetime import time

import pytest

from factoryai.organization.schemas import shift_duration_minutes


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        pytest.param(time(8, 0), time(17, 0), 540, id="day"),
        pytest.param(time(9, 15), time(9, 45), 30, id="half-hour"),
        pytest.param(time(0, 0), time(23, 59), 1439, id="whole-day-but-a-minute"),
        pytest.param(time(6, 0), time(14, 0), 480, id="early"),
    ],
)
def test_day_shift(start: time, end: time, minutes: int) -> None:
    assert shift_duration_minutes(start, end) == minutes


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        pytest.param(time(22, 0), time(6, 0), 480, id="night"),
        pytest.param(time(18, 30), time(2, 45), 495, id="evening-into-night"),
        pytest.param(time(23, 59), time(0, 0), 1, id="minute-before-midnight-to-midnight"),
        pytest.param(time(23, 0), time(0, 30), 90, id="across-midnight"),
        pytest.param(time(0, 1), time(0, 0), 1439, id="ends-a-minute-before-it-starts"),
    ],
)
def test_overnight_shift_ends_the_next_day(start: time, end: time, minutes: int) -> None:
    assert shift_duration_minutes(start, end) == minutes


def test_ending_at_midnight_is_not_a_zero_length_shift() -> None:
    assert shift_duration_minutes(time(16, 0), time(0, 0)) == 480


def test_start_equal_to_end_counts_as_a_full_day() -> None:
    # The API refuses such a shift; the arithmetic itself reads it as ending 24 hours later.
    assert shift_duration_minutes(time(8, 0), time(8, 0)) == 1440


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        pytest.param(time(8, 0, 30), time(9, 0, 30), 60, id="same-seconds"),
        pytest.param(time(8, 0, 30), time(9, 0, 0), 59, id="half-minute-short-rounds-down"),
        pytest.param(time(8, 0, 0), time(8, 0, 59), 0, id="under-a-minute"),
        pytest.param(time(7, 59, 59), time(8, 0, 59), 1, id="one-minute-across-the-hour"),
        pytest.param(time(23, 59, 30), time(0, 0, 30), 1, id="overnight-with-seconds"),
        pytest.param(time(22, 0, 30), time(6, 0, 0), 479, id="night-half-minute-short"),
        pytest.param(time(23, 59, 59), time(0, 0, 0), 0, id="last-second-of-the-day"),
    ],
)
def test_seconds_are_taken_into_account(start: time, end: time, minutes: int) -> None:
    assert shift_duration_minutes(start, end) == minutes


def test_microseconds_are_ignored() -> None:
    assert shift_duration_minutes(time(8, 0, 0, 999_999), time(9, 0, 0, 1)) == 60


def test_returns_an_int() -> None:
    assert type(shift_duration_minutes(time(8, 0), time(17, 0))) is int


def test_duration_and_its_complement_make_a_day() -> None:
    for start, end in [(time(8, 0), time(17, 0)), (time(22, 0), time(6, 0)), (time(3, 17), time(3, 18))]:
        assert shift_duration_minutes(start, end) + shift_duration_minutes(end, start) == 24 * 60
