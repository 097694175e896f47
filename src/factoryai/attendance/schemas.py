"""Shift bodies. Times are wall-clock times in the site time zone ("HH:MM" or "HH:MM:SS")."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints, computed_field, model_validator

from factoryai.attendance.models import AttendanceStatus
from factoryai.attendance.shifts import shift_duration_minutes
from factoryai.core.schemas import BoxRead, InputModel, ReadModel, RefId, UpdateModel


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a wall-clock time without a zone offset; the site time zone applies")
    if value.microsecond:
        raise ValueError("times have at most second precision")
    return value


WallClock = Annotated[time, AfterValidator(_wall_clock)]
ShiftName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
GraceMinutes = Annotated[int, Field(ge=0, le=240)]
WindowMinutes = Annotated[int, Field(ge=0, le=720)]


class ShiftCreate(InputModel):
    shift_name: ShiftName
    start_time: WallClock = Field(description="Start, e.g. '08:00'.")
    end_time: WallClock = Field(description="End, e.g. '17:00'; earlier than start means it ends the next day.")
    grace_period_minutes: GraceMinutes = Field(0, description="Check-ins before start + grace are on time.")
    early_exit_grace_minutes: GraceMinutes = Field(0, description="Check-outs this close to the end are not early.")
    checkin_window_before_minutes: WindowMinutes = Field(
        60, description="How early before the start a check-in counts for this shift."
    )
    is_active: bool = True

    @model_validator(mode="after")
    def _not_zero_length(self) -> ShiftCreate:
        if self.start_time == self.end_time:
            raise ValueError("start_time and end_time must differ")
        return self


class ShiftUpdate(UpdateModel):
    shift_name: ShiftName | None = None
    start_time: WallClock | None = None
    end_time: WallClock | None = None
    grace_period_minutes: GraceMinutes | None = None
    early_exit_grace_minutes: GraceMinutes | None = None
    checkin_window_before_minutes: WindowMinutes | None = None
    is_active: bool | None = None


class ShiftRead(ReadModel):
    id: int
    shift_name: str
    start_time: time
    end_time: time
    grace_period_minutes: int
    early_exit_grace_minutes: int
    checkin_window_before_minutes: int
    is_active: bool
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_overnight(self) -> bool:
        return self.end_time < self.start_time

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_minutes(self) -> int:
        return shift_duration_minutes(self.start_time, self.end_time)


class PunchRequest(InputModel):
    employee_id: RefId
    timestamp: AwareDatetime | None = Field(
        None, description="When the punch happened, ISO-8601 with a UTC offset; defaults to now."
    )
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = Field(
        None, description="The camera that saw the employee. Punches at an 'exit' camera are check-outs."
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


class AttendanceCorrectionCreate(InputModel):
    """An HR correction. Fields not sent stay as they are; times re-derive status and flags unless those are sent."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
    check_in_time: AwareDatetime | None = None
    check_out_time: AwareDatetime | None = None
    status: AttendanceStatus | None = None
    is_early_exit: bool | None = None
    flagged_for_review: bool | None = None

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
    employee_id: int
    employee_name: str
    department_id: int | None
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
