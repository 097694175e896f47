"""Engine, session factory, declarative base and the column types every domain shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from factoryai.core.config import DatabaseSettings
from factoryai.core.events import PUBLISHER

# Stable constraint names so Alembic migrations are deterministic on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# BIGINT on PostgreSQL; SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamp stored in UTC on every engine.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone support, so the value is stored as naive UTC and
    made aware again on the way out. Naive datetimes are refused: their zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_db_engine(settings: DatabaseSettings) -> Engine:
    url = settings.url
    kwargs: dict[str, Any] = {"echo": settings.echo, "pool_pre_ping": settings.pool_pre_ping}
    if settings.is_sqlite:
        db_path = url.removeprefix("sqlite:///")
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout_seconds,
            pool_recycle=settings.pool_recycle_seconds,
            connect_args={"connect_timeout": settings.connect_timeout_seconds},
        )
    engine = create_engine(url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite (its implicit BEGIN breaks SAVEPOINTs) ...
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # ... and begin every transaction IMMEDIATE: it takes the write lock up front (waiting up to the busy
    # timeout), so a transaction that reads then writes can never fail half-way with "database is locked"
    # because another writer committed in between. SQLite is the embedded single-site default; this
    # serialises its transactions, PostgreSQL is the engine for concurrent production load.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: Engine, publisher: Any = None) -> sessionmaker[Session]:
    """Sessions for this engine; ``publisher`` (core.events) sends their events after each commit."""

    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False, info={PUBLISHER: publisher})


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The one commit point outside requests (CLI, jobs): commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
