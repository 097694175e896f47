"""Query helpers every repository uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, inspect, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from factoryai.core.errors import ConflictError, problem
from factoryai.core.schemas import PageParams

M = TypeVar("M")


def paginate(session: Session, query: Select[tuple[M]], page: PageParams) -> tuple[Sequence[M], int]:
    """Rows of one page and the total count of the unpaginated query."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(page.limit).offset(page.offset)).all()
    return rows, total


def blocking_references(session: Session, model: type[Any], pk: Any) -> dict[str, int]:
    """Rows in other tables whose RESTRICT foreign keys point at this row, counted per table.

    Read from the metadata, so a new table that references employees or cameras is covered without
    touching the delete code; services turn the result into a 409 that says what is in the way.
    A row that points at the target through several columns (check-in and check-out camera) counts once.
    """
    target = model.__table__
    counts: dict[str, int] = {}
    for table in target.metadata.sorted_tables:
        columns = [
            fk.parent
            for fk in table.foreign_keys
            if fk.column.table is target and (fk.ondelete or "RESTRICT").upper() in ("RESTRICT", "NO ACTION")
        ]
        if not columns:
            continue
        n = session.scalar(select(func.count()).select_from(table).where(or_(*(c == pk for c in columns)))) or 0
        if n:
            counts[table.name] = n
    return counts


def describe_references(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table.replace('_', ' ')} row{'s' if n != 1 else ''}" for table, n in sorted(counts.items()))


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with the user's % and _ taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def delete_unless_referenced(session: Session, row: Any, message: Callable[[str], str]) -> None:
    """Delete a row, or raise 409 when RESTRICT references would block it.

    ``message`` gets the description of what is in the way ("3 employee rows") and returns the sentence a
    person reads, including what to do instead (deactivate, move them first, ...).
    """
    raise_if_referenced(session, row, message)
    session.delete(row)
    session.flush()


def raise_if_referenced(session: Session, row: Any, message: Callable[[str], str]) -> None:
    """The 409 delete_unless_referenced would give, before anything outside the database is touched."""
    refs = blocking_references(session, type(row), inspect(row).identity[0])
    if refs:
        details = [problem("", describe_references({t: n}), table=t, count=n) for t, n in sorted(refs.items())]
        raise ConflictError(message(describe_references(refs)), details=details)


IN_CHUNK = 500  # values per IN (...): far below every engine's bind-parameter limit


def null_where_in(session: Session, columns: Sequence[InstrumentedAttribute[Any]], values: Sequence[str]) -> int:
    """Set each column to NULL where it holds one of `values` (e.g. references to deleted files); rows changed."""
    changed = 0
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        for column in columns:
            stmt = update(column.class_).where(column.in_(chunk)).values({column.key: None})
            changed += session.execute(stmt).rowcount
    return changed
