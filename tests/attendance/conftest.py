"""Fixtures shared by the attendance tests: the day and night shifts most punches are made on."""

from __future__ import annotations

import pytest

from tests.attendance.helpers import new_shift


@pytest.fixture
def day_shift(client, admin_headers) -> int:
    """08:00-17:00, 5 minutes grace, check-in window opening 60 minutes before the start."""
    return new_shift(client, admin_headers, "Day", "08:00", "17:00", grace_period_minutes=5)


@pytest.fixture
def night_shift(client, admin_headers) -> int:
    """22:00-06:00 (ends the next day), 5 minutes grace."""
    return new_shift(client, admin_headers, "Night", "22:00", "06:00", grace_period_minutes=5)
