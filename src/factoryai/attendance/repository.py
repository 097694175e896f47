"""Database access for attendance records and corrections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceCorrection, AttendanceRecord
from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams
from factoryai.organization.models import Department, Employee, Shift


def employee_with_shift_for_update(session: Session, employee_id: int) -> tuple[Employee, Shift | None] | None:
    """The employee and their shift in one round trip, the employee row locked until the transaction ends.

    Every writer of attendance_record for an employee (punches, mark-absent) holds this lock, so one
    employee's records are decided one request at a time across API processes. (SQLite has no row locks;
    its transactions are serialised whole, see core.db.)
    """
    query = (
        select(Employee, Shift)
        .outerjoin(Shift, Shift.id == Employee.shift_id)
        .where(Employee.id == employee_id)
        .with_for_update(of=Employee)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def records_around(
    session: Session, employee_id: int, after: datetime, before: datetime, dates: Sequence[date]
) -> Sequence[AttendanceRecord]:
    """In one query: the employee's records with a check-in inside (after, before), and those of the dates."""
    return session.scalars(
        select(AttendanceRecord).where(
            AttendanceRecord.employee_id == employee_id,
            or_(
                and_(AttendanceRecord.check_in_time > after, AttendanceRecord.check_in_time < before),
                AttendanceRecord.attendance_date.in_(dates),
            ),
        )
    ).all()


def get_record(session: Session, record_id: int) -> AttendanceRecord | None:
    return session.get(AttendanceRecord, record_id)


def get_record_for_date(session: Session, employee_id: int, attendance_date: date) -> AttendanceRecord | None:
    return session.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.employee_id == employee_id, AttendanceRecord.attendance_date == attendance_date
        )
    )


def latest_check_in(session: Session, employee_id: int, before: datetime, after: datetime) -> AttendanceRecord | None:
    """The employee's latest check-in strictly inside (after, before)."""
    return session.scalar(
        select(AttendanceRecord)
        .where(
            AttendanceRecord.employee_id == employee_id,
            AttendanceRecord.check_in_time < before,
            AttendanceRecord.check_in_time > after,
        )
        .order_by(AttendanceRecord.check_in_time.desc())
        .limit(1)
    )


def records_query(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    employee_id: int | None = None,
    department_id: int | None = None,
    status: str | None = None,
) -> Select[tuple[AttendanceRecord]]:
    query = select(AttendanceRecord).order_by(AttendanceRecord.attendance_date.desc(), AttendanceRecord.id.desc())
    if date_from is not None:
        query = query.where(AttendanceRecord.attendance_date >= date_from)
    if date_to is not None:
        query = query.where(AttendanceRecord.attendance_date <= date_to)
    if employee_id is not None:
        query = query.where(AttendanceRecord.employee_id == employee_id)
    if department_id is not None:
        query = query.join(Employee, Employee.id == AttendanceRecord.employee_id).where(
            Employee.department_id == department_id
        )
    if status is not None:
        query = query.where(AttendanceRecord.status == status)
    return query


def list_records(session: Session, page: PageParams, **filters: object) -> tuple[Sequence[AttendanceRecord], int]:
    return paginate(session, records_query(**filters), page)  # type: ignore[arg-type]


def all_records(session: Session, limit: int, **filters: object) -> Sequence[AttendanceRecord]:
    return session.scalars(records_query(**filters).limit(limit)).all()  # type: ignore[arg-type]


def employees_missing_record(session: Session, attendance_date: date) -> Sequence[tuple[Employee, Shift]]:
    """Active employees, joined by the date, on an active shift, who have no record for the date."""
    has_record = select(AttendanceRecord.id).where(
        AttendanceRecord.employee_id == Employee.id, AttendanceRecord.attendance_date == attendance_date
    )
    query = (
        select(Employee, Shift)
        .join(Shift, Shift.id == Employee.shift_id)
        .where(
            Employee.is_active.is_(True),
            Employee.joined_on <= attendance_date,
            Shift.is_active.is_(True),
            ~has_record.exists(),
        )
        .order_by(Employee.id)
    )
    return session.execute(query).all()  # type: ignore[return-value]


def register_rows(
    session: Session, attendance_date: date, department_id: int | None
) -> Sequence[tuple[Employee, Shift | None, AttendanceRecord | None]]:
    """Every active employee who had joined by the date (or anyone with a record that day), with their shift and
    that day's record."""
    record_join = and_(AttendanceRecord.employee_id == Employee.id, AttendanceRecord.attendance_date == attendance_date)
    query = (
        select(Employee, Shift, AttendanceRecord)
        .outerjoin(Shift, Shift.id == Employee.shift_id)
        .outerjoin(AttendanceRecord, record_join)
        .where(
            (Employee.is_active.is_(True) & (Employee.joined_on <= attendance_date)) | AttendanceRecord.id.is_not(None)
        )
        .order_by(Employee.name, Employee.id)
    )
    if department_id is not None:
        query = query.where(Employee.department_id == department_id)
    return session.execute(query).all()  # type: ignore[return-value]


def employees_for_report(session: Session, last_day: date, department_id: int | None) -> Sequence[Employee]:
    """Active employees who had joined by the period's last day."""
    query = (
        select(Employee)
        .where(Employee.is_active.is_(True), Employee.joined_on <= last_day)
        .order_by(Employee.name, Employee.id)
    )
    if department_id is not None:
        query = query.where(Employee.department_id == department_id)
    return session.scalars(query).all()


def month_rows(
    session: Session, first: date, last: date, department_id: int | None
) -> Sequence[tuple[Employee, AttendanceRecord]]:
    query = (
        select(Employee, AttendanceRecord)
        .join(AttendanceRecord, AttendanceRecord.employee_id == Employee.id)
        .where(AttendanceRecord.attendance_date >= first, AttendanceRecord.attendance_date <= last)
        .order_by(Employee.name, Employee.id, AttendanceRecord.attendance_date)
    )
    if department_id is not None:
        query = query.where(Employee.department_id == department_id)
    return session.execute(query).all()  # type: ignore[return-value]


def department_names(session: Session) -> dict[int, str]:
    """Every department's name by id, for reports (a site has tens of departments, not thousands)."""
    return {row.id: row.name for row in session.execute(select(Department.id, Department.name))}


def corrections_for(session: Session, record_id: int) -> Sequence[AttendanceCorrection]:
    return session.scalars(
        select(AttendanceCorrection)
        .where(AttendanceCorrection.attendance_id == record_id)
        .order_by(AttendanceCorrection.changed_at, AttendanceCorrection.id)
    ).all()
