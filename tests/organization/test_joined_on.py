"""An employee's start date (joined_on): no absence is marked, registered or summarised before it, so a fresh
install does not mark everyone absent for the days before it existed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from datetime import time as clock_time

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from factoryai.attendance import reports
from factoryai.attendance import service as attendance
from factoryai.attendance.models import AttendanceRecord
from factoryai.core import migrate
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.organization.models import Employee, Shift
from factoryai.seed import seed_demo
from tests.conftest import BACKENDS
from tests.db_helpers import count_rows

MONDAY = date(2026, 11, 2)
LATER = datetime(2026, 11, 20, 12, tzinfo=UTC)


def employee_joining(session: Session, joined_on: date, email: str = "new@example.com") -> int:
    shift = session.query(Shift).one_or_none() or Shift(
        shift_name="Day", start_time=clock_time(8), end_time=clock_time(17)
    )
    session.add(shift)
    session.flush()
    employee = Employee(name="New Starter", email=email, shift_id=shift.id, joined_on=joined_on)
    session.add(employee)
    session.commit()
    return employee.id


def test_no_absence_is_marked_before_the_first_day(session: Session, settings: Settings) -> None:
    starter = employee_joining(session, MONDAY)
    before = attendance.mark_absent(session, date(2026, 10, 30), settings, now=LATER)
    on_the_day = attendance.mark_absent(session, MONDAY, settings, now=LATER)
    session.commit()
    assert (before.marked_absent, on_the_day.marked_absent) == (0, 1)
    assert session.query(AttendanceRecord).one().employee_id == starter


def test_the_register_and_the_summary_leave_out_days_before_joining(session: Session, settings: Settings) -> None:
    employee_joining(session, MONDAY)
    assert reports.daily_register(session, date(2026, 10, 30), settings).rows == []
    assert [r.status for r in reports.daily_register(session, MONDAY, settings).rows] == ["ABSENT"]
    assert reports.monthly_summary(session, 2026, 10).rows == []
    assert [r.employee_name for r in reports.monthly_summary(session, 2026, 11).rows] == ["New Starter"]


def test_the_api_defaults_the_start_to_the_site_date_and_hr_can_move_it(client, admin_headers) -> None:
    body = {"name": "Asha", "email": "asha@example.com"}
    created = client.post("/api/v1/employees", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["joined_on"] == utcnow().astimezone(load_settings().site.tz).date().isoformat()
    moved = client.patch(
        f"/api/v1/employees/{created.json()['id']}", json={"joined_on": "2025-04-01"}, headers=admin_headers
    )
    assert moved.json()["joined_on"] == "2025-04-01"
    given = client.post(
        "/api/v1/employees", json={**body, "email": "b@example.com", "joined_on": "2024-01-15"}, headers=admin_headers
    )
    assert given.json()["joined_on"] == "2024-01-15"


def test_a_fresh_demo_install_marks_nobody_absent_for_yesterday(session: Session, settings: Settings) -> None:
    seed_demo(session, employees=6, today=MONDAY)
    session.commit()
    run = attendance.mark_absent(session, date(2026, 11, 1), settings, now=LATER)
    assert run.marked_absent == 0
    assert count_rows(session, AttendanceRecord) == 0


@pytest.fixture(params=BACKENDS)
def at_0004(request: pytest.FixtureRequest, make_database: Callable[[str], str]) -> Iterator[Engine]:
    engine = create_db_engine(load_settings(database={"url": make_database(request.param)}).database)
    migrate.upgrade(engine, "0004")
    yield engine
    engine.dispose()


def test_the_migration_dates_existing_employees_from_when_they_were_entered(at_0004: Engine) -> None:
    entered = datetime(2025, 3, 9, 10, 30, tzinfo=UTC)
    if at_0004.dialect.name == "sqlite":
        entered = entered.replace(tzinfo=None)  # stored as naive UTC there (core.db.UTCDateTime)
    with at_0004.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employee (name, email, is_active, created_at, updated_at) "
                "VALUES ('Old Hand', 'old@example.com', true, :at, :at)"
            ),
            {
                "at": datetime(2025, 3, 9, 10, 30)
                if at_0004.dialect.name == "sqlite"
                else datetime(2025, 3, 9, 10, 30, tzinfo=UTC)
            },
        )
    migrate.upgrade(at_0004)
    with create_session_factory(at_0004)() as session:
        assert session.query(Employee).one().joined_on == date(2025, 3, 9)
