"""Department and employee bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from factoryai.core.schemas import InputModel, Name, ReadModel, RefId, UpdateModel

Email = Annotated[EmailStr, StringConstraints(max_length=100), AfterValidator(str.lower)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]


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


class EmployeeCreate(InputModel):
    name: Name
    email: Email = Field(description="Unique, compared without regard to case.")
    shift_id: RefId | None = Field(None, description="The shift the employee works; needed for attendance.")
    department_id: RefId | None = None
    is_active: bool = True


class EmployeeUpdate(UpdateModel):
    nullable_fields = frozenset({"shift_id", "department_id"})

    name: Name | None = None
    email: Email | None = None
    shift_id: RefId | None = None
    department_id: RefId | None = None
    is_active: bool | None = None


class EmployeeRead(ReadModel):
    id: int
    name: str
    email: str
    shift_id: int | None
    department_id: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
