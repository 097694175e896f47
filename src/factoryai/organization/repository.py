"""Database access for departments, shifts and employees."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from factoryai.core.repository import contains_pattern, paginate
from factoryai.core.schemas import PageParams
from factoryai.organization.models import Department, Employee, Shift


def get_department(session: Session, department_id: int) -> Department | None:
    return session.get(Department, department_id)


def get_department_by_name(session: Session, name: str) -> Department | None:
    return session.scalar(select(Department).where(func.lower(Department.name) == name.lower()))


def list_departments(session: Session, page: PageParams, q: str | None) -> tuple[Sequence[Department], int]:
    query = select(Department).order_by(Department.name, Department.id)
    if q:
        query = query.where(Department.name.ilike(contains_pattern(q), escape="\\"))
    return paginate(session, query, page)


def get_shift(session: Session, shift_id: int) -> Shift | None:
    return session.get(Shift, shift_id)


def get_shift_by_name(session: Session, name: str) -> Shift | None:
    return session.scalar(select(Shift).where(func.lower(Shift.shift_name) == name.lower()))


def list_shifts(session: Session, page: PageParams, is_active: bool | None) -> tuple[Sequence[Shift], int]:
    query = select(Shift).order_by(Shift.start_time, Shift.id)
    if is_active is not None:
        query = query.where(Shift.is_active == is_active)
    return paginate(session, query, page)


def get_employee(session: Session, employee_id: int) -> Employee | None:
    return session.get(Employee, employee_id)


def get_employee_by_email(session: Session, email: str) -> Employee | None:
    return session.scalar(select(Employee).where(Employee.email == email.lower()))


def list_employees(
    session: Session,
    page: PageParams,
    *,
    department_id: int | None = None,
    shift_id: int | None = None,
    is_active: bool | None = None,
    q: str | None = None,
) -> tuple[Sequence[Employee], int]:
    query = select(Employee).order_by(Employee.name, Employee.id)
    if department_id is not None:
        query = query.where(Employee.department_id == department_id)
    if shift_id is not None:
        query = query.where(Employee.shift_id == shift_id)
    if is_active is not None:
        query = query.where(Employee.is_active == is_active)
    if q:
        pattern = contains_pattern(q)
        query = query.where(or_(Employee.name.ilike(pattern, escape="\\"), Employee.email.ilike(pattern, escape="\\")))
    return paginate(session, query, page)
