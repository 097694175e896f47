"""A small site arranged directly in the database for tests of camera events: cameras by role, and an employee on
a day shift (08:00-17:00 site time) who can punch at AT_SHIFT_START."""

from __future__ import annotations

from datetime import time

from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.organization.models import Employee, Shift

AT_SHIFT_START = "2026-03-02T08:00:00+05:30"  # a Monday, 08:00 site time: the shift below starts then


def add_cameras(session: Session, **roles: str) -> None:
    """add_cameras(session, CAM_GATE="gate") adds camera CAM-GATE of role gate (underscores become dashes)."""
    for name, role in roles.items():
        camera_id = name.replace("_", "-")
        source = "synthetic://vehicles" if role == "gate" else "synthetic://people"
        session.add(Camera(id=camera_id, name=camera_id, source_url=source, role=role))
    session.flush()


def add_employee_on_day_shift(session: Session) -> int:
    shift = Shift(shift_name="General", start_time=time(8), end_time=time(17), grace_period_minutes=5)
    session.add(shift)
    session.flush()
    employee = Employee(name="Asha Rao", email="asha@example.com", shift_id=shift.id)
    session.add(employee)
    session.flush()
    return employee.id
