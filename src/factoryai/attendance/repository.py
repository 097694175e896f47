"""Database access for shifts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factoryai.attendance.models import Shift
from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams


def get_shift(session: Session, shift_id: int) -> Shift | None:
    return session.get(Shift, shift_id)


def get_shift_by_name(session: Session, name: str) -> Shift | None:
    return session.scalar(select(Shift).where(func.lower(Shift.shift_name) == name.lower()))


def list_shifts(session: Session, page: PageParams, is_active: bool | None) -> tuple[Sequence[Shift], int]:
    query = select(Shift).order_by(Shift.start_time, Shift.id)
    if is_active is not None:
        query = query.where(Shift.is_active == is_active)
    return paginate(session, query, page)
