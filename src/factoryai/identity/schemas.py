"""Identity bodies."""

from __future__ import annotations

from datetime import datetime

from factoryai.core.schemas import ReadModel


class AccessLogRead(ReadModel):
    id: int
    employee_id: int
    camera_id: str | None
    entry_time: datetime
    confidence: float | None
    face_id: str | None
    snapshot_path: str | None
