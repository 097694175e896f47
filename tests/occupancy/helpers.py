"""Arranging zone cameras and samples for the occupancy tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.attendance.helpers import new_camera

LOGS = "/api/v1/occupancy/logs"


def zone(client: Any, headers: dict[str, str], camera_id: str = "CAM-HALL", **settings: Any) -> str:
    extra = {"settings": settings} if settings else {}
    return new_camera(client, headers, camera_id, role="zone", **extra)


def sample(camera_id: str, at: datetime | str, count: int, entries: int = 0, exits: int = 0) -> dict[str, Any]:
    return {
        "camera_id": camera_id,
        "timestamp": at if isinstance(at, str) else at.isoformat(),
        "current_count": count,
        "entries": entries,
        "exits": exits,
    }


def post_samples(client: Any, headers: dict[str, str], samples: list[dict[str, Any]]) -> Any:
    return client.post(LOGS, json={"samples": samples}, headers=headers)
