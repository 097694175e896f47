"""Departments, shifts and employees: uniqueness, references and what blocks a delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy.orm import Session

from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError
from factoryai.core.repository import delete_unless_referenced, raise_if_referenced
from factoryai.core.schemas import PageParams
from factoryai.organization import repository
from factoryai.organization.models import Department, Employee, Shift
from factoryai.organization.schemas import (
    DepartmentCreate,
    DepartmentUpdate,
    EmployeeCreate,
    EmployeeUpdate,
    ShiftCreate,
    ShiftUpdate,
)


def get_department(session: Session, department_id: int) -> Department:
    department = repository.get_department(session, department_id)
    if department is None:
        raise NotFoundError(f"department {department_id} not found")
    return department


def list_departments(session: Session, page: PageParams, q: str | None = None) -> tuple[Sequence[Department], int]:
    return repository.list_departments(session, page, q)


def _ensure_department_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = repository.get_department_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise ConflictError(f"a department named {existing.name!r} already exists", field="name")


def create_department(session: Session, data: DepartmentCreate) -> Department:
    _ensure_department_name_free(session, data.name)
    department = Department(name=data.name, description=data.description)
    session.add(department)
    session.flush()
    return department


def update_department(session: Session, department_id: int, data: DepartmentUpdate) -> Department:
    department = get_department(session, department_id)
    changes = data.changes()
    if "name" in changes:
        _ensure_department_name_free(session, changes["name"], department.id)
    for field, value in changes.items():
        setattr(department, field, value)
    session.flush()
    return department


def delete_department(session: Session, department_id: int) -> None:
    department = get_department(session, department_id)
    delete_unless_referenced(
        session,
        department,
        lambda refs: f"department {department.name!r} is still used by {refs}; move them first",
    )


def get_shift(session: Session, shift_id: int) -> Shift:
    shift = repository.get_shift(session, shift_id)
    if shift is None:
        raise NotFoundError(f"shift {shift_id} not found")
    return shift


def list_shifts(session: Session, page: PageParams, is_active: bool | None = None) -> tuple[Sequence[Shift], int]:
    return repository.list_shifts(session, page, is_active)


def _ensure_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = repository.get_shift_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise ConflictError(f"a shift named {existing.shift_name!r} already exists", field="shift_name")


def create_shift(session: Session, data: ShiftCreate) -> Shift:
    _ensure_name_free(session, data.shift_name)
    shift = Shift(**data.model_dump())
    session.add(shift)
    session.flush()
    return shift


def update_shift(session: Session, shift_id: int, data: ShiftUpdate) -> Shift:
    shift = get_shift(session, shift_id)
    changes = data.changes()
    if "shift_name" in changes:
        _ensure_name_free(session, changes["shift_name"], shift.id)
    if changes.get("start_time", shift.start_time) == changes.get("end_time", shift.end_time):
        raise ValidationFailedError("start_time and end_time must differ", field="end_time")
    for field, value in changes.items():
        setattr(shift, field, value)
    session.flush()
    return shift


def delete_shift(session: Session, shift_id: int) -> None:
    shift = get_shift(session, shift_id)
    delete_unless_referenced(
        session,
        shift,
        lambda refs: (
            f"shift {shift.shift_name!r} is still used by {refs}; "
            "reassign them or deactivate the shift (is_active=false)"
        ),
    )


def get_employee(session: Session, employee_id: int) -> Employee:
    employee = repository.get_employee(session, employee_id)
    if employee is None:
        raise NotFoundError(f"employee {employee_id} not found")
    return employee


def list_employees(
    session: Session,
    page: PageParams,
    *,
    department_id: int | None = None,
    shift_id: int | None = None,
    is_active: bool | None = None,
    q: str | None = None,
) -> tuple[Sequence[Employee], int]:
    return repository.list_employees(
        session, page, department_id=department_id, shift_id=shift_id, is_active=is_active, q=q
    )


def _check_links(session: Session, shift_id: int | None, department_id: int | None) -> None:
    # 422 rather than 404: the employee URL exists, it is a field of the body that points nowhere.
    if shift_id is not None and repository.get_shift(session, shift_id) is None:
        raise ValidationFailedError(f"shift {shift_id} does not exist", field="shift_id")
    if department_id is not None and repository.get_department(session, department_id) is None:
        raise ValidationFailedError(f"department {department_id} does not exist", field="department_id")


def _ensure_email_free(session: Session, email: str, own_id: int | None = None) -> None:
    existing = repository.get_employee_by_email(session, email)
    if existing is not None and existing.id != own_id:
        raise ConflictError(f"email {email!r} already belongs to employee {existing.id}", field="email")


def create_employee(session: Session, data: EmployeeCreate, today: date) -> Employee:
    """``today`` is the site's date: the start date when the body gives none."""
    _check_links(session, data.shift_id, data.department_id)
    _ensure_email_free(session, data.email)
    employee = Employee(**data.model_dump(exclude={"joined_on"}), joined_on=data.joined_on or today)
    session.add(employee)
    session.flush()
    return employee


def update_employee(session: Session, employee_id: int, data: EmployeeUpdate) -> Employee:
    employee = get_employee(session, employee_id)
    changes = data.changes()
    _check_links(session, changes.get("shift_id"), changes.get("department_id"))
    if "email" in changes:
        _ensure_email_free(session, changes["email"], employee.id)
    for field, value in changes.items():
        setattr(employee, field, value)
    session.flush()
    return employee


def _employee_history(employee: Employee) -> Callable[[str], str]:
    return lambda refs: (
        f"employee {employee.id} has history ({refs}) that must be kept; "
        "deactivate the employee instead (is_active=false)"
    )


def ensure_employee_deletable(session: Session, employee_id: int) -> Employee:
    """409 when the employee has history; callers check this before erasing data held outside the database."""
    employee = get_employee(session, employee_id)
    raise_if_referenced(session, employee, _employee_history(employee))
    return employee


def delete_employee(session: Session, employee_id: int) -> None:
    """The row only: callers go through identity.service.delete_employee, which erases face data first."""
    employee = get_employee(session, employee_id)
    delete_unless_referenced(session, employee, _employee_history(employee))


def find_employee(session: Session, key: str) -> Employee | None:
    """An employee by id ("42") or e-mail (any case): how bulk imports name people."""
    if key.isdigit():
        return repository.get_employee(session, int(key))
    return repository.get_employee_by_email(session, key.strip().lower())
