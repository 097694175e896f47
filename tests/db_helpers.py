"""Reading committed rows in tests without holding a lock the API needs.

SQLite transactions begin IMMEDIATE (core.db), so a test session that keeps a transaction open would make every
API write wait; these helpers end the read's transaction before and after.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def count_rows(session: Session, model: type[Any], **where: Any) -> int:
    """Committed rows of a table, optionally filtered by column values."""
    session.rollback()
    try:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query) or 0
    finally:
        session.rollback()


def stored(session: Session, model: type[Any], pk: Any) -> dict[str, Any] | None:
    """The committed column values of one row (None when there is none)."""
    session.rollback()
    try:
        session.expire_all()
        row = session.get(model, pk)
        return None if row is None else {c.key: getattr(row, c.key) for c in model.__table__.columns}
    finally:
        session.rollback()
