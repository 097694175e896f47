"""/api/v1/departments and /api/v1/employees."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from factoryai.api.deps import API_V1, CurrentUser, HrUser, SessionDep, SnapshotStoreDep
from factoryai.core.schemas import IdFilter, IdPath, Page, PageDep, SearchQuery, to_page
from factoryai.identity import service as identity
from factoryai.identity.deps import FaceEngineDep
from factoryai.organization import service
from factoryai.organization.schemas import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    EmployeeCreate,
    EmployeeRead,
    EmployeeUpdate,
)

router = APIRouter(prefix=API_V1)


@router.get("/departments", response_model=Page[DepartmentRead], tags=["departments"])
def list_departments(
    session: SessionDep, _user: CurrentUser, page: PageDep, q: SearchQuery = None
) -> Page[DepartmentRead]:
    return to_page(DepartmentRead, *service.list_departments(session, page, q), page)


@router.post("/departments", response_model=DepartmentRead, status_code=status.HTTP_201_CREATED, tags=["departments"])
def create_department(data: DepartmentCreate, session: SessionDep, _hr: HrUser) -> DepartmentRead:
    return DepartmentRead.model_validate(service.create_department(session, data))


@router.get("/departments/{department_id}", response_model=DepartmentRead, tags=["departments"])
def get_department(department_id: IdPath, session: SessionDep, _user: CurrentUser) -> DepartmentRead:
    return DepartmentRead.model_validate(service.get_department(session, department_id))


@router.patch("/departments/{department_id}", response_model=DepartmentRead, tags=["departments"])
def update_department(
    department_id: IdPath, data: DepartmentUpdate, session: SessionDep, _hr: HrUser
) -> DepartmentRead:
    return DepartmentRead.model_validate(service.update_department(session, department_id, data))


@router.delete("/departments/{department_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["departments"])
def delete_department(department_id: IdPath, session: SessionDep, _hr: HrUser) -> Response:
    service.delete_department(session, department_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/employees", response_model=Page[EmployeeRead], tags=["employees"])
def list_employees(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    department_id: IdFilter = None,
    shift_id: IdFilter = None,
    is_active: bool | None = None,
    q: SearchQuery = None,
) -> Page[EmployeeRead]:
    rows = service.list_employees(
        session, page, department_id=department_id, shift_id=shift_id, is_active=is_active, q=q
    )
    return to_page(EmployeeRead, *rows, page)


@router.post("/employees", response_model=EmployeeRead, status_code=status.HTTP_201_CREATED, tags=["employees"])
def create_employee(data: EmployeeCreate, session: SessionDep, _hr: HrUser) -> EmployeeRead:
    return EmployeeRead.model_validate(service.create_employee(session, data))


@router.get("/employees/{employee_id}", response_model=EmployeeRead, tags=["employees"])
def get_employee(employee_id: IdPath, session: SessionDep, _user: CurrentUser) -> EmployeeRead:
    return EmployeeRead.model_validate(service.get_employee(session, employee_id))


@router.patch("/employees/{employee_id}", response_model=EmployeeRead, tags=["employees"])
def update_employee(employee_id: IdPath, data: EmployeeUpdate, session: SessionDep, _hr: HrUser) -> EmployeeRead:
    return EmployeeRead.model_validate(service.update_employee(session, employee_id, data))


@router.delete("/employees/{employee_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["employees"])
def delete_employee(
    employee_id: IdPath, session: SessionDep, engine: FaceEngineDep, store: SnapshotStoreDep, _hr: HrUser
) -> Response:
    # Erasure: face data goes with the employee, also where a database cascade cannot reach (AWS, snapshot files).
    identity.delete_employee(session, engine, store, employee_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
