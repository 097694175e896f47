"""The double-entry rule lives in the database: concurrent punches, several processes and restarts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from factoryai.api.app import create_app
from factoryai.attendance import service
from factoryai.attendance.models import AttendanceRecord
from factoryai.attendance.schemas import PunchRequest
from factoryai.core.config import Settings
from factoryai.core.db import create_db_engine, create_session_factory
from factoryai.organization.models import Employee, Shift

CHECK_IN = datetime(2026, 10, 5, 2, 33, tzinfo=UTC)  # 08:03 IST


def _employee(session: Session) -> int:
    shift = Shift(shift_name="General", start_time=time(8), end_time=time(17), grace_period_minutes=5)
    session.add(shift)
    session.flush()
    employee = Employee(name="Asha Rao", email="asha@example.com", shift_id=shift.id)
    session.add(employee)
    session.commit()
    return employee.id


def _records(engine: Engine, employee_id: int) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).where(AttendanceRecord.employee_id == employee_id))


def test_fifty_concurrent_identical_check_ins_leave_one_record(
    session: Session, settings: Settings, db_url: str, clean_db: Engine
) -> None:
    employee_id = _employee(session)
    # Separate engine and pool: 50 real connections racing, as 50 API requests would.
    engine = create_db_engine(settings.database.model_copy(update={"pool_size": 50}))
    factory = create_session_factory(engine)
    start = threading.Barrier(50)

    def one(i: int) -> bool:
        # Timestamps a few seconds apart, as several cameras seeing the same face would send.
        data = PunchRequest(employee_id=employee_id, timestamp=CHECK_IN.replace(second=i % 10))
        start.wait()
        with factory() as s:
            result = service.punch(s, data, settings)
            s.commit()
        return result.skipped_duplicate

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            skipped = list(pool.map(one, range(50)))
    finally:
        engine.dispose()
    assert skipped.count(False) == 1
    assert skipped.count(True) == 49
    assert _records(clean_db, employee_id) == 1


def test_duplicate_rule_survives_a_restart(session: Session, settings: Settings, clean_db: Engine, make_user) -> None:
    employee_id = _employee(session)
    headers = make_user("hr")
    body = {"employee_id": employee_id, "timestamp": CHECK_IN.isoformat()}

    with TestClient(create_app(settings, engine=clean_db)) as first:
        created = first.post("/api/v1/attendance/check-in", json=body, headers=headers)
        assert created.status_code == 200, created.text
        assert created.json()["skipped_duplicate"] is False

    # A new process: fresh app, fresh engine and pool, nothing shared in memory.
    engine = create_db_engine(settings.database)
    try:
        later = {"employee_id": employee_id, "timestamp": CHECK_IN.replace(hour=8).isoformat()}  # 13:33 IST
        with TestClient(create_app(settings, engine=engine)) as second:
            again = second.post("/api/v1/attendance/check-in", json=later, headers=headers)
    finally:
        engine.dispose()
    assert again.status_code == 200, again.text
    assert again.json()["skipped_duplicate"] is True
    assert again.json()["attendance_id"] == created.json()["attendance_id"]
    assert _records(clean_db, employee_id) == 1
