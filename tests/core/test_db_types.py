"""UTCDateTime: aware in, aware UTC out, naive refused, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from factoryai.accounts.models import LoginFailure
from factoryai.core.db import UTCDateTime, create_session_factory
from factoryai.system.models import SystemLog

IST = timezone(timedelta(hours=5, minutes=30))
EST = timezone(timedelta(hours=-5))


def fresh_session(engine: Engine) -> Session:
    """A second session, so values come from the database and not from the first one's identity map."""
    return create_session_factory(engine)()


def log(created_at: datetime, message: str = "m") -> SystemLog:
    return SystemLog(level="INFO", source="test", message=message, created_at=created_at)


# --- pure type behaviour ------------------------------------------------------------------------------


def test_bind_param_converts_to_utc_naive_for_sqlite_and_aware_for_postgresql() -> None:
    value = datetime(2024, 3, 1, 10, 0, 0, 123456, tzinfo=IST)
    column_type = UTCDateTime()
    on_sqlite = column_type.process_bind_param(value, sqlite.dialect())
    on_postgresql = column_type.process_bind_param(value, postgresql.dialect())
    assert on_sqlite == datetime(2024, 3, 1, 4, 30, 0, 123456)
    assert on_sqlite.tzinfo is None
    assert on_postgresql == value
    assert on_postgresql.utcoffset() == timedelta(0)


def test_bind_param_refuses_naive_and_passes_none() -> None:
    column_type = UTCDateTime()
    with pytest.raises(ValueError, match="naive datetime"):
        column_type.process_bind_param(datetime(2024, 1, 1), sqlite.dialect())
    assert column_type.process_bind_param(None, sqlite.dialect()) is None
    assert column_type.process_result_value(None, sqlite.dialect()) is None


def test_result_value_is_always_aware_utc() -> None:
    column_type = UTCDateTime()
    naive = column_type.process_result_value(datetime(2024, 1, 1, 12), sqlite.dialect())
    assert naive == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert naive.tzinfo is UTC
    offset = column_type.process_result_value(datetime(2024, 1, 1, 17, 30, tzinfo=IST), postgresql.dialect())
    assert offset == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert offset.utcoffset() == timedelta(0)


# --- round trips through the real engines -------------------------------------------------------------


def test_offset_datetime_round_trips_as_the_same_instant_in_utc(session: Session, clean_db: Engine) -> None:
    given = datetime(2024, 3, 1, 10, 0, 0, 250000, tzinfo=IST)
    session.add(log(given))
    session.commit()

    with fresh_session(clean_db) as s:
        stored = s.scalars(select(SystemLog.created_at)).one()
    assert stored == given  # same instant
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert (stored.year, stored.month, stored.day, stored.hour, stored.minute) == (2024, 3, 1, 4, 30)
    assert stored.microsecond == 250000


def test_storage_is_utc(session: Session, clean_db: Engine, backend: str) -> None:
    session.add(log(datetime(2024, 3, 1, 10, 0, tzinfo=IST)))
    session.commit()
    with clean_db.connect() as conn:
        if backend == "sqlite":
            raw = conn.execute(text("SELECT created_at FROM system_log")).scalar_one()
            assert str(raw).startswith("2024-03-01 04:30:00")
        else:
            raw = conn.execute(
                text("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM system_log")
            )
            assert raw.scalar_one() == "2024-03-01 04:30"


def test_zoneinfo_datetime_round_trips(session: Session, clean_db: Engine) -> None:
    given = datetime(2024, 7, 4, 9, 15, tzinfo=ZoneInfo("America/New_York"))  # EDT, UTC-4
    session.add(LoginFailure(client_key="10.0.0.1", username="x", occurred_at=given))
    session.commit()
    with fresh_session(clean_db) as s:
        stored = s.scalars(select(LoginFailure.occurred_at)).one()
    assert stored == datetime(2024, 7, 4, 13, 15, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_reloaded_orm_object_is_aware_utc(session: Session, clean_db: Engine) -> None:
    session.add(LoginFailure(client_key="k", username=None, occurred_at=datetime(2024, 1, 1, 0, 0, tzinfo=EST)))
    session.commit()
    with fresh_session(clean_db) as s:
        row = s.scalars(select(LoginFailure)).one()
    assert row.occurred_at == datetime(2024, 1, 1, 5, 0, tzinfo=UTC)
    assert row.occurred_at.utcoffset() == timedelta(0)


def test_default_timestamp_is_aware_utc(session: Session, clean_db: Engine) -> None:
    before = datetime.now(UTC)
    session.add(SystemLog(level="INFO", source="test", message="default"))
    session.commit()
    after = datetime.now(UTC)
    with fresh_session(clean_db) as s:
        stored = s.scalars(select(SystemLog.created_at)).one()
    assert stored.utcoffset() == timedelta(0)
    # PostgreSQL keeps microseconds; allow for nothing more than that.
    assert before - timedelta(seconds=1) <= stored <= after + timedelta(seconds=1)


def test_naive_datetime_is_refused_on_insert(session: Session, clean_db: Engine) -> None:
    session.add(log(datetime(2024, 3, 1, 10, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()
    session.rollback()
    with fresh_session(clean_db) as s:
        assert s.scalar(select(func.count()).select_from(SystemLog)) == 0


def test_naive_datetime_refused_alongside_valid_rows_writes_nothing(session: Session, clean_db: Engine) -> None:
    session.add(log(datetime(2024, 3, 1, 10, 0, tzinfo=UTC), "ok"))
    session.add(LoginFailure(client_key="k", username="u", occurred_at=datetime(2024, 3, 1)))
    with pytest.raises(StatementError):
        session.commit()
    session.rollback()
    with fresh_session(clean_db) as s:
        assert s.scalar(select(func.count()).select_from(SystemLog)) == 0
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_naive_datetime_is_refused_on_update(session: Session, clean_db: Engine) -> None:
    entry = log(datetime(2024, 3, 1, 10, 0, tzinfo=UTC))
    session.add(entry)
    session.commit()
    entry.created_at = datetime(2025, 1, 1)
    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()
    session.rollback()
    with fresh_session(clean_db) as s:
        assert s.scalars(select(SystemLog.created_at)).one() == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_naive_datetime_is_refused_in_a_filter(session: Session) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        session.scalars(select(SystemLog).where(SystemLog.created_at < datetime(2024, 1, 1))).all()


def test_ordering_and_comparison_across_offsets(session: Session, clean_db: Engine) -> None:
    # Wall-clock order (10:00, 05:00, 23:00) is the opposite of real order for the first two.
    ist = datetime(2024, 3, 1, 10, 0, tzinfo=IST)  # 04:30Z
    utc = datetime(2024, 3, 1, 5, 0, tzinfo=UTC)  # 05:00Z
    est = datetime(2024, 2, 29, 23, 0, tzinfo=EST)  # 04:00Z on 1 March
    session.add_all([log(ist, "ist"), log(utc, "utc"), log(est, "est")])
    session.commit()

    with fresh_session(clean_db) as s:
        ordered = s.scalars(select(SystemLog.message).order_by(SystemLog.created_at)).all()
        assert ordered == ["est", "ist", "utc"]

        # 09:45 IST == 04:15Z: after "est" (04:00Z), before "ist" (04:30Z).
        cutoff = datetime(2024, 3, 1, 9, 45, tzinfo=IST)
        later = s.scalars(
            select(SystemLog.message).where(SystemLog.created_at > cutoff).order_by(SystemLog.created_at)
        ).all()
        assert later == ["ist", "utc"]

        # Equality matches the same instant written with another offset.
        same = s.scalars(
            select(SystemLog.message).where(SystemLog.created_at == datetime(2024, 3, 1, 4, 30, tzinfo=UTC))
        ).all()
        assert same == ["ist"]

        newest = s.scalar(select(func.max(SystemLog.created_at)))
        assert newest == utc  # max() keeps the column type, so the result is aware UTC too
        assert newest.utcoffset() == timedelta(0)


def test_range_query_across_midnight_in_another_zone(session: Session, clean_db: Engine) -> None:
    # 1 March 00:30 in India is still 29 February in UTC; a site-day query must catch it.
    early_ist = datetime(2024, 3, 1, 0, 30, tzinfo=IST)
    session.add_all([log(early_ist, "in"), log(datetime(2024, 3, 2, 0, 30, tzinfo=IST), "out")])
    session.commit()
    day_start = datetime(2024, 3, 1, tzinfo=IST)
    day_end = day_start + timedelta(days=1)
    with fresh_session(clean_db) as s:
        rows = s.scalars(
            select(SystemLog.message).where(SystemLog.created_at >= day_start, SystemLog.created_at < day_end)
        ).all()
    assert rows == ["in"]
