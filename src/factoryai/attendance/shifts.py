"""Pure shift arithmetic (no database): wall-clock times in the site zone, overnight shifts."""

from __future__ import annotations

from datetime import time


def shift_duration_minutes(start: time, end: time) -> int:
    """Length of a shift; an end earlier than the start is on the next day."""
    start_s = start.hour * 3600 + start.minute * 60 + start.second
    end_s = end.hour * 3600 + end.minute * 60 + end.second
    if end_s <= start_s:
        end_s += 24 * 3600
    return (end_s - start_s) // 60
