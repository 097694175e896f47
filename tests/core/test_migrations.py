"""Alembic migrations on a fresh database of each engine: complete, reversible, matching the models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

import factoryai.models  # noqa: F401 - registers every table on the metadata
from factoryai.api.app import SchemaOutdatedError, create_app
from factoryai.cameras.models import Camera
from factoryai.core import migrate
from factoryai.core.config import load_settings
from factoryai.core.db import Base, create_db_engine, create_session_factory
from factoryai.occupancy.models import OccupancyDailyAggregate, OccupancyMonthlyAggregate
from factoryai.system.models import SystemLog
from factoryai.vehicles.models import VehicleLog
from tests.conftest import ADMIN_PASSWORD, BACKENDS

SPEC_TABLES = {
    "employee",
    "shift",
    "attendance_record",
    "occupancy_log",
    "occupancy_daily_aggregate",
    "occupancy_monthly_aggregate",
    "vehicle_log",
    "access_log",
    "unknown_attendance",
    "department",
    "camera",
    "system_log",
    "users",
    "api_key",
}
# Tables that grow with every event: their ids must not run out at 2**31.
LOG_TABLES = (
    "attendance_record",
    "occupancy_log",
    "occupancy_daily_aggregate",
    "occupancy_monthly_aggregate",
    "vehicle_log",
    "access_log",
    "unknown_attendance",
    "system_log",
    "login_failure",
)


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, make_database: Callable[[str], str]) -> Iterator[Engine]:
    """An engine on a brand-new, empty database (not migrated)."""
    engine = create_db_engine(load_settings(database={"url": make_database(request.param)}).database)
    yield engine
    engine.dispose()


@pytest.fixture
def migrated_engine(empty_engine: Engine) -> Engine:
    migrate.upgrade(empty_engine)
    return empty_engine


def app_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def schema_differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def add_camera(engine: Engine, camera_id: str = "CAM-1") -> None:
    with create_session_factory(engine)() as s:
        s.add(Camera(id=camera_id, name=camera_id, source_url="synthetic://people", role="entrance", settings={}))
        s.commit()


# --- upgrade / downgrade ------------------------------------------------------------------------------


def test_upgrade_matches_the_models(migrated_engine: Engine) -> None:
    assert schema_differences(migrated_engine) == []


def test_pending_revisions_before_and_after_upgrade(empty_engine: Engine) -> None:
    assert migrate.pending_revisions(empty_engine) is True
    migrate.upgrade(empty_engine)
    assert migrate.pending_revisions(empty_engine) is False


def test_upgrade_is_idempotent(migrated_engine: Engine) -> None:
    migrate.upgrade(migrated_engine)
    assert migrate.pending_revisions(migrated_engine) is False
    assert app_tables(migrated_engine) >= SPEC_TABLES


def test_upgrade_creates_every_spec_table_and_every_model_table(migrated_engine: Engine) -> None:
    tables = app_tables(migrated_engine)
    assert tables >= SPEC_TABLES, SPEC_TABLES - tables
    assert tables == set(Base.metadata.tables)


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(migrated_engine: Engine) -> None:
    migrate.downgrade(migrated_engine, "base")
    assert app_tables(migrated_engine) == set()
    assert migrate.pending_revisions(migrated_engine) is True

    migrate.upgrade(migrated_engine)
    assert migrate.pending_revisions(migrated_engine) is False
    assert app_tables(migrated_engine) >= SPEC_TABLES
    # The re-created schema is usable.
    add_camera(migrated_engine)
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM camera")).scalar_one() == 1


# --- keys and column types ----------------------------------------------------------------------------


def unique_column_sets(engine: Engine, table: str) -> list[set[str]]:
    return [set(uc["column_names"]) for uc in inspect(engine).get_unique_constraints(table)]


def test_aggregate_unique_keys_exist(migrated_engine: Engine) -> None:
    assert {"camera_id", "occupancy_date", "hour"} in unique_column_sets(migrated_engine, "occupancy_daily_aggregate")
    assert {"camera_id", "year", "month"} in unique_column_sets(migrated_engine, "occupancy_monthly_aggregate")


def daily(hour: int, day: date = date(2024, 3, 1), camera_id: str = "CAM-1") -> OccupancyDailyAggregate:
    return OccupancyDailyAggregate(
        camera_id=camera_id,
        occupancy_date=day,
        hour=hour,
        avg_occupancy=1.5,
        max_occupancy=3,
        min_occupancy=0,
        total_entries=4,
        total_exits=4,
        sample_count=10,
    )


def monthly(year: int, month: int, camera_id: str = "CAM-1") -> OccupancyMonthlyAggregate:
    return OccupancyMonthlyAggregate(
        camera_id=camera_id, year=year, month=month, avg_occupancy=2.0, max_occupancy=5, total_entries=1, total_exits=1
    )


def test_daily_aggregate_rejects_duplicate_camera_date_hour(migrated_engine: Engine) -> None:
    add_camera(migrated_engine)
    add_camera(migrated_engine, "CAM-2")
    factory = create_session_factory(migrated_engine)
    with factory() as s:
        # Same camera and date, other hour; other camera, same hour; other date: all allowed.
        s.add_all([daily(8), daily(9), daily(8, camera_id="CAM-2"), daily(8, day=date(2024, 3, 2))])
        s.commit()
    with factory() as s:
        s.add(daily(8))
        with pytest.raises(IntegrityError):
            s.commit()
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM occupancy_daily_aggregate")).scalar_one() == 4


def test_monthly_aggregate_rejects_duplicate_camera_year_month(migrated_engine: Engine) -> None:
    add_camera(migrated_engine)
    factory = create_session_factory(migrated_engine)
    with factory() as s:
        s.add_all([monthly(2024, 1), monthly(2024, 2), monthly(2025, 1)])
        s.commit()
    with factory() as s:
        s.add(monthly(2024, 2))
        with pytest.raises(IntegrityError):
            s.commit()
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM occupancy_monthly_aggregate")).scalar_one() == 3


def test_aggregate_check_constraints(migrated_engine: Engine) -> None:
    add_camera(migrated_engine)
    factory = create_session_factory(migrated_engine)
    with factory() as s:
        s.add(daily(24))
        with pytest.raises(IntegrityError):
            s.commit()
    with factory() as s:
        s.add(monthly(2024, 13))
        with pytest.raises(IntegrityError):
            s.commit()


def test_log_tables_id_types(migrated_engine: Engine) -> None:
    """BIGINT on PostgreSQL; on SQLite exactly INTEGER (only INTEGER PRIMARY KEY is the 64-bit rowid alias)."""
    inspector = inspect(migrated_engine)
    on_postgresql = migrated_engine.dialect.name == "postgresql"
    for table in LOG_TABLES:
        id_column = next(c for c in inspector.get_columns(table) if c["name"] == "id")
        if on_postgresql:
            assert isinstance(id_column["type"], sa.BigInteger), (table, id_column["type"])
        else:
            assert isinstance(id_column["type"], sa.Integer), (table, id_column["type"])
            assert not isinstance(id_column["type"], sa.BigInteger), (table, id_column["type"])
    # Reference tables keep plain INTEGER ids.
    employee_id = next(c for c in inspector.get_columns("employee") if c["name"] == "id")
    assert not isinstance(employee_id["type"], sa.BigInteger)


def test_log_table_ids_autoincrement(migrated_engine: Engine) -> None:
    """BIGINT on PostgreSQL, INTEGER PRIMARY KEY on SQLite: either way the database assigns the ids."""
    with create_session_factory(migrated_engine)() as s:
        rows = [
            SystemLog(level="INFO", source="t", message=str(i), created_at=datetime(2024, 1, 1, tzinfo=UTC))
            for i in range(3)
        ]
        s.add_all(rows)
        s.commit()
        ids = [r.id for r in rows]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == 3


def test_vehicle_log_keeps_history_when_its_camera_is_deleted(migrated_engine: Engine) -> None:
    """The models declare ON DELETE RESTRICT for history rows; the migrated database must agree."""
    add_camera(migrated_engine, "CAM-GATE")
    with create_session_factory(migrated_engine)() as s:
        s.add(
            VehicleLog(
                plate_number="MH12AB1234",
                ocr_confidence=0.95,
                status="AUTHORIZED",
                timestamp=datetime(2024, 1, 1, tzinfo=UTC),
                camera_id="CAM-GATE",
            )
        )
        s.commit()
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(text("DELETE FROM camera WHERE id = 'CAM-GATE'"))
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT camera_id FROM vehicle_log")).scalar_one() == "CAM-GATE"


# --- the app refuses an outdated schema ---------------------------------------------------------------


def app_settings(engine: Engine):
    return load_settings(
        database={"url": engine.url.render_as_string(hide_password=False)},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD},
    )


def test_app_refuses_to_start_on_an_unmigrated_database(empty_engine: Engine) -> None:
    app = create_app(app_settings(empty_engine), engine=empty_engine)
    with pytest.raises(SchemaOutdatedError, match="db upgrade"), TestClient(app):
        pass
    # Refusing must not have written anything (no bootstrap admin, no tables).
    assert app_tables(empty_engine) == set()


def test_app_refuses_to_start_after_a_downgrade(migrated_engine: Engine) -> None:
    migrate.downgrade(migrated_engine, "base")
    app = create_app(app_settings(migrated_engine), engine=migrated_engine)
    with pytest.raises(SchemaOutdatedError), TestClient(app):
        pass


def test_app_starts_once_migrated(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    app = create_app(app_settings(empty_engine), engine=empty_engine)
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["admin"]
