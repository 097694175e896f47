"""Shifts (the attendance rules themselves arrive with the attendance issue)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from factoryai.attendance import repository
from factoryai.attendance.models import Shift
from factoryai.attendance.schemas import ShiftCreate, ShiftUpdate
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError
from factoryai.core.repository import blocking_references, describe_references
from factoryai.core.schemas import PageParams


def get_shift(session: Session, shift_id: int) -> Shift:
    shift = repository.get_shift(session, shift_id)
    if shift is None:
        raise NotFoundError(f"shift {shift_id} not found")
    return shift


def shift_exists(session: Session, shift_id: int) -> bool:
    return repository.get_shift(session, shift_id) is not None


def list_shifts(session: Session, page: PageParams, is_active: bool | None = None) -> tuple[Sequence[Shift], int]:
    return repository.list_shifts(session, page, is_active)


def _ensure_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = repository.get_shift_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise ConflictError(f"a shift named {existing.shift_name!r} already exists", details={"field": "shift_name"})


def create_shift(session: Session, data: ShiftCreate) -> Shift:
    _ensure_name_free(session, data.shift_name)
    shift = Shift(**data.model_dump())
    session.add(shift)
    session.flush()
    return shift


def update_shift(session: Session, shift_id: int, data: ShiftUpdate) -> Shift:
    shift = get_shift(session, shift_id)
    changes = data.changes()
    if "shift_name" in changes:
        _ensure_name_free(session, changes["shift_name"], shift.id)
    if changes.get("start_time", shift.start_time) == changes.get("end_time", shift.end_time):
        raise ValidationFailedError("start_time and end_time must differ", details={"field": "end_time"})
    for field, value in changes.items():
        setattr(shift, field, value)
    session.flush()
    return shift


def delete_shift(session: Session, shift_id: int) -> None:
    shift = get_shift(session, shift_id)
    refs = blocking_references(session, Shift, shift.id)
    if refs:
        raise ConflictError(
            f"shift {shift.shift_name!r} is still used by {describe_references(refs)}; "
            "reassign them or deactivate the shift (is_active=false)",
            details={"references": refs},
        )
    session.delete(shift)
    session.flush()
