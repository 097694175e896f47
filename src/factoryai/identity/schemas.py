"""Identity bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

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
    def of(cls, row: FaceEnrollment, **extra: Any) -> Self:
        """``extra``: the fields a subclass adds."""
        box = BoxRead(left=row.box_left, top=row.box_top, width=row.box_width, height=row.box_height)
        return cls(
            id=row.id,
            employee_id=row.employee_id,
            engine=row.engine,
            source_name=row.source_name,
            box=box,
            created_at=row.created_at,
            **extra,
        )


class FaceEnrolledRead(FaceEnrollmentRead):
    """A photo just enrolled, with where the employee now stands (the same on every item of one answer)."""

    photos_enrolled: int = Field(description="Photos the employee now has enrolled on this engine, these included.")
    recommendation: str = Field(
        description="Advice for HR: 3-5 photos are recommended; with one, other photos of the person often fail to "
        "match."
    )


class FaceErasure(ReadModel):
    faces_removed: int
    snapshots_deleted: int


class NearestEmployee(ReadModel):
    """Who an unknown face came nearest to: a hint for HR assigning it, not a match."""

    employee_id: int
    similarity: float = Field(description="0-100, on the scale of a match's similarity.")
    reason: Literal["below_threshold", "ambiguous"] = Field(
        description="below_threshold: less similar than identity.match_threshold allows; ambiguous: similar enough, "
        "but a second employee was within identity.match_margin."
    )


class IdentifiedFace(ReadModel):
    box: BoxRead
    status: Literal["matched", "unknown"]
    employee_id: int | None = None
    similarity: float | None = Field(None, description="0-100; how each engine maps its score is in the README.")
    face_id: str | None = None
    nearest: NearestEmployee | None = Field(
        None,
        description="Unknown faces, for HR and admin callers, local engine: the nearest enrolled employee. Rekognition "
        "returns no candidate below its match threshold, so the aws engine never fills it.",
    )

    @classmethod
    def of(cls, result: FaceResult, *, with_nearest: bool = False) -> IdentifiedFace:
        """``with_nearest``: name the nearest employee of an unknown face (only HR may see who it resembles)."""
        box = BoxRead(left=result.box.left, top=result.box.top, width=result.box.width, height=result.box.height)
        if result.match is None:
            near = result.nearest if with_nearest else None
            if near is None:
                return cls(box=box, status="unknown")
            nearest = NearestEmployee(employee_id=near.employee_id, similarity=near.similarity, reason=near.reason)
            return cls(box=box, status="unknown", nearest=nearest)
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
