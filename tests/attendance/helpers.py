"""Attendance test helpers: site-time instants, API-made shifts, employees, cameras and keys, punches, stored rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.identity.models import AccessLog
from tests.db_helpers import count_rows

SITE = ZoneInfo("Asia/Kolkata")
CHECK_IN = "/api/v1/attendance/check-in"
CHECK_OUT = "/api/v1/attendance/check-out"


def ist(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str:
    """A site-local (IST, +05:30) instant as ISO-8601 with its offset."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SITE).isoformat()


def instant(value: str) -> datetime:
    """An ISO-8601 string from a request or response as an aware datetime in UTC."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed.astimezone(UTC)


def post_created(client: Any, url: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_shift(
    client: Any, headers: dict[str, str], name: str = "General", start: str = "08:00", end: str = "17:00", **extra: Any
) -> int:
    return post_created(client, "/api/v1/shifts", headers, shift_name=name, start_time=start, end_time=end, **extra)[
        "id"
    ]


def new_department(client: Any, headers: dict[str, str], name: str) -> int:
    return post_created(client, "/api/v1/departments", headers, name=name)["id"]


_emails = iter(range(1, 1_000_000))


def new_employee(
    client: Any, headers: dict[str, str], shift_id: int | None, name: str = "Ann Lee", **extra: Any
) -> int:
    extra.setdefault("email", f"employee{next(_emails)}@example.com")
    # On the books since before every date these tests punch or mark (the default start is the real today).
    extra.setdefault("joined_on", "2026-01-01")
    return post_created(client, "/api/v1/employees", headers, name=name, shift_id=shift_id, **extra)["id"]


def new_camera(client: Any, headers: dict[str, str], camera_id: str, role: str = "entrance", **extra: Any) -> str:
    return post_created(
        client,
        "/api/v1/cameras",
        headers,
        id=camera_id,
        name=camera_id,
        source_url="rtsp://10.0.0.5/s",
        role=role,
        **extra,
    )["id"]


def ingest_key_headers(client: Any, admin_headers: dict[str, str], scopes: list[str] | None = None) -> dict[str, str]:
    key = post_created(client, "/api/v1/api-keys", admin_headers, name="gate box", scopes=scopes or ["ingest"])
    return {"X-API-Key": key["key"]}


def punch(
    client: Any, headers: dict[str, str], employee_id: int, timestamp: str | None, url: str = CHECK_IN, **extra: Any
) -> Any:
    body: dict[str, Any] = {"employee_id": employee_id, **extra}
    if timestamp is not None:
        body["timestamp"] = timestamp
    return client.post(url, json=body, headers=headers)


def punched(
    client: Any, headers: dict[str, str], employee_id: int, timestamp: str | None, url: str = CHECK_IN, **extra: Any
) -> dict[str, Any]:
    response = punch(client, headers, employee_id, timestamp, url, **extra)
    assert response.status_code == 200, response.text
    return response.json()


def all_rows(session: Session, model: type[Any]) -> list[dict[str, Any]]:
    session.rollback()
    try:
        session.expire_all()
        rows = session.scalars(select(model).order_by(model.id)).all()
        return [{c.key: getattr(row, c.key) for c in model.__table__.columns} for row in rows]
    finally:
        session.rollback()


def record_for(session: Session, employee_id: int, attendance_date: date) -> dict[str, Any] | None:
    session.rollback()
    try:
        session.expire_all()
        row = session.scalar(
            select(AttendanceRecord).where(
                AttendanceRecord.employee_id == employee_id, AttendanceRecord.attendance_date == attendance_date
            )
        )
        return None if row is None else {c.key: getattr(row, c.key) for c in AttendanceRecord.__table__.columns}
    finally:
        session.rollback()


def assert_nothing_written(session: Session) -> None:
    assert count_rows(session, AttendanceRecord) == 0
    assert count_rows(session, AccessLog) == 0
