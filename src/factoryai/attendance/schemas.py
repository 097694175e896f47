"""Punch, attendance record, correction and report bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from factoryai.attendance.models import AttendanceStatus
from factoryai.core.schemas import AwareIsoDateTime, Bool, BoxRead, InputModel, ReadModel, RefId, UpdateModel, text_type
from factoryai.identity.schemas import UnknownFaceRead


class PunchRequest(InputModel):
    employee_id: RefId
    timestamp: AwareIsoDateTime | None = Field(
        None, description="When the punch happened, ISO-8601 with a UTC offset; defaults to now."
    )
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = Field(
        None,
        description="The camera that saw the employee: an enabled 'entrance' or 'exit' camera. Punches at an "
        "'exit' camera are check-outs.",
    )
    confidence: float | None = Field(
        None, ge=0, le=100, description="Face-match similarity 0-100, when a recognition produced the punch."
    )
    face_id: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="Face engine's id of the matched face; with confidence, the punch is also access-logged."
    )


class PunchResult(ReadModel):
    """The spec's check-in result fields plus the record they describe."""

    action: Literal["check_in", "check_out"]
    attendance_id: int
    employee_id: int
    attendance_date: date
    shift_id: int | None
    check_in_time: datetime | None
    check_out_time: datetime | None
    status: AttendanceStatus
    is_late: bool
    is_early_exit: bool
    grace_period_applied: bool
    flagged_for_review: bool
    skipped_duplicate: bool = Field(description="True when nothing was recorded because this punch repeats one.")


class AttendanceRead(ReadModel):
    id: int
    employee_id: int
    shift_id: int | None
    attendance_date: date
    check_in_time: datetime | None
    check_out_time: datetime | None
    status: AttendanceStatus
    grace_period_applied: bool
    is_early_exit: bool
    flagged_for_review: bool
    check_in_camera_id: str | None
    check_out_camera_id: str | None
    created_at: datetime
    updated_at: datetime


CorrectionReason = text_type(500, min_length=3)


class AttendanceCorrectionCreate(UpdateModel):
    """An HR correction. Fields not sent stay as they are; times re-derive status and flags unless those are sent.
    Only the times may be cleared with null (no check-in, no check-out)."""

    nullable_fields = frozenset({"check_in_time", "check_out_time"})

    reason: CorrectionReason
    check_in_time: AwareIsoDateTime | None = None
    check_out_time: AwareIsoDateTime | None = None
    status: AttendanceStatus | None = None
    is_early_exit: Bool | None = None
    flagged_for_review: Bool | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> AttendanceCorrectionCreate:
        if not (self.model_fields_set - {"reason"}):
            raise ValueError("a correction must change at least one field besides reason")
        return self


class CorrectionRead(ReadModel):
    id: int
    changed_by_username: str
    changed_at: datetime
    reason: str
    changes: dict[str, dict[str, Any]]


class AttendanceHistory(ReadModel):
    attendance_id: int
    original: dict[str, Any] = Field(description="The values before the first correction (current if never corrected).")
    current: AttendanceRead
    corrections: list[CorrectionRead]


class AbsenceRun(ReadModel):
    attendance_date: date
    marked_absent: int
    skipped_reason: str | None = Field(None, description="Why nobody was marked (weekly off, shifts not over yet).")


class RegisterRow(ReadModel):
    attendance_id: int | None = Field(None, description="The day's attendance record, if there is one.")
    employee_id: int
    employee_name: str
    department_id: int | None
    department_name: str | None
    shift_id: int | None
    shift_name: str | None
    status: Literal["PRESENT", "LATE", "ABSENT", "NOT_YET", "OFF"]
    check_in_time: datetime | None
    check_out_time: datetime | None
    is_early_exit: bool
    flagged_for_review: bool


class DailyRegister(ReadModel):
    attendance_date: date
    rows: list[RegisterRow]
    totals: dict[str, int]


class MonthlySummaryRow(ReadModel):
    employee_id: int
    employee_name: str
    department_id: int | None
    department_name: str | None
    days_present: int = Field(description="Days with a check-in, on time or late.")
    days_late: int
    days_absent: int
    early_exits: int
    hours_worked: float = Field(description="Sum of check-out minus check-in over days with both.")


class MonthlySummary(ReadModel):
    year: int
    month: int
    rows: list[MonthlySummaryRow]


class FacePunchFace(ReadModel):
    """One face of a camera image: the punch it produced, or the unknown-face row HR will see, or why not."""

    box: BoxRead
    status: Literal["matched", "unknown"]
    employee_id: int | None = None
    similarity: float | None = None
    punch: PunchResult | None = None
    unknown_face_id: int | None = None
    error: str | None = Field(None, description="Why a matched face made no punch (no shift, inactive, ...).")


class FacePunchResult(ReadModel):
    status: Literal["processed", "pending"] = Field(
        description="'pending': the face engine was unavailable; the image is kept and re-processed by a job."
    )
    faces: list[FacePunchFace]
    pending_id: int | None = None


class UnknownFaceAssign(InputModel):
    employee_id: RefId
    record_attendance: Bool = Field(True, description="Record the punch as of when the face was seen.")
    enroll: Bool = Field(False, description="Also enrol the face crop as a photo of this employee.")


class UnknownFaceAssigned(ReadModel):
    unknown: UnknownFaceRead
    punch: PunchResult | None
    enrollment_id: int | None


EventId = Annotated[str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class FaceTrack(InputModel):
    """One tracked person at an entrance or exit camera, from a camera worker: its best head-and-shoulders crops."""

    event_id: EventId = Field(description="Made on the worker (a UUID); the API handles each id once.")
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    timestamp: AwareIsoDateTime = Field(description="When the person was first seen, ISO-8601 with a UTC offset.")
    images: list[Annotated[str, StringConstraints(min_length=4, max_length=2_000_000)]] = Field(
        min_length=1, max_length=5, description="Base64 JPEG crops, best first: tried in order until one matches."
    )


class FaceTrackResult(ReadModel):
    event_id: str
    outcome: Literal["matched", "unknown", "pending", "no_face", "unmatched", "processed"] = Field(
        description="matched: punched (or refused by the rules); unknown: kept for HR; pending: the face engine was "
        "down, kept for the retry job; no_face: no face in any crop; processed: a re-sent event handled before."
    )
    attempts: int = Field(description="Crops tried (identify calls).")
    duplicate: bool = Field(description="This event id was handled before; nothing was done again.")
