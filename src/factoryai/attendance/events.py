"""The events attendance publishes (under mqtt.topic_prefix): what a turnstile display, a payroll bridge or the
dashboard listens to."""

from __future__ import annotations

from factoryai.core.events import Topic

PUNCH = Topic(
    "attendance/punch",
    "A check-in or check-out was recorded (not a skipped duplicate): employee, kind, time, status, camera.",
)
ABSENCES = Topic(
    "attendance/absences",
    "The absence run marked employees ABSENT for a day: the date and who.",
)
TOPICS = (PUNCH, ABSENCES)
