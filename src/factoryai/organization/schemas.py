"""Department, shift and employee bodies. Shift times are wall-clock times in the site time zone ("HH:MM" or
"HH:MM:SS")."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StringConstraints, computed_field, model_validator

from factoryai.core.schemas import (
    Bool,
    InputModel,
    IsoDate,
    IsoTime,
    Name,
    ReadModel,
    RefId,
    UpdateModel,
    name_type,
    text_type,
)

Email = Annotated[EmailStr, StringConstraints(max_length=100), AfterValidator(str.lower)]
Description = text_type(255)


class DepartmentCreate(InputModel):
    name: Name
    description: Description | None = None


class DepartmentUpdate(UpdateModel):
    nullable_fields = frozenset({"description"})

    name: Name | None = None
    description: Description | None = None


class DepartmentRead(ReadModel):
    id: int
    name: str
    description: str | None
    created_at: datetime


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a wall-clock time without a zone offset; the site time zone applies")
    if value.microsecond:
        raise ValueError("times have at most second precision")
    return value


WallClock = Annotated[IsoTime, AfterValidator(_wall_clock)]
ShiftName = name_type(50)
GraceMinutes = Annotated[int, Field(ge=0, le=240)]
WindowMinutes = Annotated[int, Field(ge=0, le=720)]


def shift_duration_minutes(start: time, end: time) -> int:
    """Length of a shift; an end earlier than the start is on the next day."""
    start_s = start.hour * 3600 + start.minute * 60 + start.second
    end_s = end.hour * 3600 + end.minute * 60 + end.second
    if end_s <= start_s:
        end_s += 24 * 3600
    return (end_s - start_s) // 60


class ShiftCreate(InputModel):
    shift_name: ShiftName
    start_time: WallClock = Field(description="Start, e.g. '08:00'.")
    end_time: WallClock = Field(description="End, e.g. '17:00'; earlier than start means it ends the next day.")
    grace_period_minutes: GraceMinutes = Field(0, description="Check-ins before start + grace are on time.")
    early_exit_grace_minutes: GraceMinutes = Field(0, description="Check-outs this close to the end are not early.")
    checkin_window_before_minutes: WindowMinutes = Field(
        60, description="How early before the start a check-in counts for this shift."
    )
    is_active: Bool = True

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
    is_active: Bool | None = None


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


class EmployeeCreate(InputModel):
    name: Name
    email: Email = Field(description="Unique, compared without regard to case.")
    shift_id: RefId | None = Field(None, description="The shift the employee works; needed for attendance.")
    department_id: RefId | None = None
    is_active: Bool = True
    joined_on: IsoDate | None = Field(
        None, description="First working day (site date); no absence is marked before it. Default: today."
    )


class EmployeeUpdate(UpdateModel):
    nullable_fields = frozenset({"shift_id", "department_id"})

    name: Name | None = None
    email: Email | None = None
    shift_id: RefId | None = None
    department_id: RefId | None = None
    is_active: Bool | None = None
    joined_on: IsoDate | None = None


class EmployeeRead(ReadModel):
    id: int
    name: str
    email: str
    shift_id: int | None
    department_id: int | None
    is_active: bool
    joined_on: date
    created_at: datetime
    updated_at: datetime
