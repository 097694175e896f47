"""Attendance reports: the daily register and the monthly summary (JSON, and rows for CSV/XLSX)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from factoryai.attendance import repository
from factoryai.attendance.models import AttendanceRecord, AttendanceStatus
from factoryai.attendance.schemas import DailyRegister, MonthlySummary, MonthlySummaryRow, RegisterRow
from factoryai.attendance.service import is_expected_at_work
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.organization.models import Employee

_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

EXPORT_LIMIT = 100_000


# Exported times are site wall-clock times without an offset (spreadsheets cannot hold one): the header names the
# zone, so a file read elsewhere (head office, another site) is not misread.
def record_columns(settings: Settings) -> tuple[str, ...]:
    zone = settings.site.timezone
    return (
        "id",
        "employee_id",
        "attendance_date",
        "status",
        f"check_in ({zone})",
        f"check_out ({zone})",
        "grace_period_applied",
        "is_early_exit",
        "flagged_for_review",
        "shift_id",
    )


def register_columns(settings: Settings) -> tuple[str, ...]:
    zone = settings.site.timezone
    return (
        "employee_id",
        "employee",
        "department_id",
        "department",
        "shift",
        "status",
        f"check_in ({zone})",
        f"check_out ({zone})",
        "early_exit",
    )


SUMMARY_COLUMNS = (
    "employee_id",
    "employee",
    "department_id",
    "department",
    "days_present",
    "days_late",
    "days_absent",
    "early_exits",
    "hours_worked",
)


def _local(value: datetime | None, settings: Settings) -> datetime | None:
    return value.astimezone(settings.site.tz) if value is not None else None


def record_rows(records: list[AttendanceRecord], settings: Settings) -> list[tuple[Any, ...]]:
    return [
        (
            r.id,
            r.employee_id,
            r.attendance_date,
            r.status,
            _local(r.check_in_time, settings),
            _local(r.check_out_time, settings),
            r.grace_period_applied,
            r.is_early_exit,
            r.flagged_for_review,
            r.shift_id,
        )
        for r in records
    ]


def daily_register(
    session: Session, attendance_date: date, settings: Settings, department_id: int | None = None
) -> DailyRegister:
    """Every active employee's standing for one date: PRESENT/LATE/ABSENT from their record; without one,
    ABSENT exactly when the mark-absent run would mark them, NOT_YET while their shift has not ended, else OFF
    (weekly off, no active shift, not yet on the books)."""
    now = utcnow()
    rows = []
    totals: dict[str, int] = defaultdict(int)
    departments = repository.department_names(session)
    for employee, shift, record in repository.register_rows(session, attendance_date, department_id):
        if record is not None:
            status = record.status
        elif is_expected_at_work(employee, shift, attendance_date, settings, now):
            status = AttendanceStatus.ABSENT.value
        elif shift is not None and is_expected_at_work(employee, shift, attendance_date, settings, _FAR_FUTURE):
            status = "NOT_YET"  # would be expected once the run is over
        else:
            status = "OFF"
        totals[status] += 1
        rows.append(
            RegisterRow(
                attendance_id=record.id if record else None,
                employee_id=employee.id,
                employee_name=employee.name,
                department_id=employee.department_id,
                department_name=departments.get(employee.department_id),
                shift_id=shift.id if shift else None,
                shift_name=shift.shift_name if shift else None,
                status=status,
                check_in_time=record.check_in_time if record else None,
                check_out_time=record.check_out_time if record else None,
                is_early_exit=bool(record and record.is_early_exit),
                flagged_for_review=bool(record and record.flagged_for_review),
            )
        )
    return DailyRegister(attendance_date=attendance_date, rows=rows, totals=dict(totals))


def register_export_rows(register: DailyRegister, settings: Settings) -> list[tuple[Any, ...]]:
    return [
        (
            r.employee_id,
            r.employee_name,
            r.department_id,
            r.department_name,
            r.shift_name,
            r.status,
            _local(r.check_in_time, settings),
            _local(r.check_out_time, settings),
            r.is_early_exit,
        )
        for r in register.rows
    ]


def _empty_summary(employee: Employee, departments: dict[int, str]) -> dict[str, Any]:
    return {
        "employee_id": employee.id,
        "employee_name": employee.name,
        "department_id": employee.department_id,
        "department_name": departments.get(employee.department_id),  # type: ignore[arg-type]
        "days_present": 0,
        "days_late": 0,
        "days_absent": 0,
        "early_exits": 0,
        "seconds": 0.0,
    }


def monthly_summary(session: Session, year: int, month: int, department_id: int | None = None) -> MonthlySummary:
    """Per employee: every active one who had joined by the month's end (zeros included) and anyone with records
    that month."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    departments = repository.department_names(session)
    per_employee = {
        e.id: _empty_summary(e, departments) for e in repository.employees_for_report(session, last, department_id)
    }
    for employee, record in repository.month_rows(session, first, last, department_id):
        row = per_employee.setdefault(employee.id, _empty_summary(employee, departments))
        if record.status == AttendanceStatus.ABSENT:
            row["days_absent"] += 1
        else:
            row["days_present"] += 1
            row["days_late"] += record.status == AttendanceStatus.LATE
        row["early_exits"] += record.is_early_exit
        if record.check_in_time is not None and record.check_out_time is not None:
            row["seconds"] += (record.check_out_time - record.check_in_time).total_seconds()
    ordered = sorted(per_employee.values(), key=lambda r: (r["employee_name"], r["employee_id"]))
    rows = [
        MonthlySummaryRow(**{k: v for k, v in r.items() if k != "seconds"}, hours_worked=round(r["seconds"] / 3600, 2))
        for r in ordered
    ]
    return MonthlySummary(year=year, month=month, rows=rows)


def summary_export_rows(summary: MonthlySummary) -> list[tuple[Any, ...]]:
    return [
        (
            r.employee_id,
            r.employee_name,
            r.department_id,
            r.department_name,
            r.days_present,
            r.days_late,
            r.days_absent,
            r.early_exits,
            r.hours_worked,
        )
        for r in summary.rows
    ]
