"""Identity bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from factoryai.core.schemas import BoxRead, ReadModel
from factoryai.identity.engines.base import FaceResult
from factoryai.identity.models import FaceEnrollment


class AccessLogRead(ReadModel):
    id: int
    employee_id: int
    camera_id: str | None
    entry_time: datetime
    confidence: float | None
    face_id: str | None
    snapshot_path: str | None


class FaceEnrollmentRead(ReadModel):
    """An enrolled photo: where its face was, never the template itself."""

    id: int
    employee_id: int
    engine: str
    source_name: str | None
    box: BoxRead
    created_at: datetime

    @classmethod
    def of(cls, row: FaceEnrollment) -> FaceEnrollmentRead:
        box = BoxRead(left=row.box_left, top=row.box_top, width=row.box_width, height=row.box_height)
        return cls(
            id=row.id,
            employee_id=row.employee_id,
            engine=row.engine,
            source_name=row.source_name,
            box=box,
            created_at=row.created_at,
        )


class FaceErasure(ReadModel):
    faces_removed: int
    snapshots_deleted: int


class IdentifiedFace(ReadModel):
    box: BoxRead
    status: Literal["matched", "unknown"]
    employee_id: int | None = None
    similarity: float | None = Field(None, description="0-100; how each engine maps its score is in the README.")
    face_id: str | None = None

    @classmethod
    def of(cls, result: FaceResult) -> IdentifiedFace:
        box = BoxRead(left=result.box.left, top=result.box.top, width=result.box.width, height=result.box.height)
        if result.match is None:
            return cls(box=box, status="unknown")
        return cls(
            box=box,
            status="matched",
            employee_id=result.match.employee_id,
            similarity=round(result.match.similarity, 2),
            face_id=result.match.face_id,
        )


class IdentifyResult(ReadModel):
    engine: str
    faces: list[IdentifiedFace]


class UnknownFaceRead(ReadModel):
    id: int
    camera_id: str | None
    detected_at: datetime
    snapshot_path: str | None
    status: str
    assigned_employee_id: int | None
    assigned_by_id: int | None
    assigned_at: datetime | None


class PendingRecognitionRead(ReadModel):
    """A camera frame kept while the face engine was unavailable, and what became of it."""

    id: int
    camera_id: str | None
    captured_at: datetime
    status: str
    attempts: int
    last_error: str | None
    processed_at: datetime | None
    created_at: datetime
