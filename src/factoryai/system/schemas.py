"""system_log bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from factoryai.core.schemas import ReadModel


class SystemLogRead(ReadModel):
    id: int
    level: str
    source: str
    message: str
    details: dict[str, Any] | None
    created_at: datetime
