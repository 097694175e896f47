"""The events occupancy publishes (under mqtt.topic_prefix)."""

from __future__ import annotations

from factoryai.core.events import Topic

LIVE_COUNT = Topic(
    "occupancy/{camera_id}",
    "A zone's latest count (retained: a dashboard or building system that connects later gets it at once).",
    retain=True,
)
RESET = Topic(
    "occupancy/{camera_id}/reset",
    "The daily drift reset: a running counting loop sets its live count to 0 (the discarded count is included).",
)
OVER_CAPACITY = Topic(
    "alerts/occupancy",
    "A zone went over its capacity (fire safety): one alert per excursion, stored until acknowledged.",
)
TOPICS = (LIVE_COUNT, RESET, OVER_CAPACITY)
