"""/api/v1/departments, /api/v1/shifts and /api/v1/employees."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from factoryai.accounts.deps import CurrentUser, HrUser
from factoryai.core.clock import utcnow
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import Bool, IdFilter, IdPath, Page, PageDep, SearchQuery, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors
from factoryai.organization import service
from factoryai.organization.schemas import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    EmployeeCreate,
    EmployeeRead,
    EmployeeUpdate,
    ShiftCreate,
    ShiftRead,
    ShiftUpdate,
)

router = APIRouter(prefix=API_V1, tags=["organization"], route_class=ApiRoute)


@router.get("/departments", response_model=Page[DepartmentRead])
def list_departments(
    session: SessionDep, _user: CurrentUser, page: PageDep, q: SearchQuery = None
) -> Page[DepartmentRead]:
    return to_page(DepartmentRead, *service.list_departments(session, page, q), page)


@router.post("/departments", response_model=DepartmentRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_department(data: DepartmentCreate, session: SessionDep, _hr: HrUser) -> DepartmentRead:
    return DepartmentRead.model_validate(service.create_department(session, data))


@router.get("/departments/{department_id}", response_model=DepartmentRead)
def get_department(department_id: IdPath, session: SessionDep, _user: CurrentUser) -> DepartmentRead:
    return DepartmentRead.model_validate(service.get_department(session, department_id))


@router.patch("/departments/{department_id}", response_model=DepartmentRead, responses=errors(409))
def update_department(
    department_id: IdPath, data: DepartmentUpdate, session: SessionDep, _hr: HrUser
) -> DepartmentRead:
    return DepartmentRead.model_validate(service.update_department(session, department_id, data))


@router.delete("/departments/{department_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
def delete_department(department_id: IdPath, session: SessionDep, _hr: HrUser) -> Response:
    service.delete_department(session, department_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/shifts", response_model=Page[ShiftRead])
def list_shifts(
    session: SessionDep, _user: CurrentUser, page: PageDep, is_active: Bool | None = None
) -> Page[ShiftRead]:
    return to_page(ShiftRead, *service.list_shifts(session, page, is_active), page)


@router.post("/shifts", response_model=ShiftRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_shift(data: ShiftCreate, session: SessionDep, _hr: HrUser) -> ShiftRead:
    return ShiftRead.model_validate(service.create_shift(session, data))


@router.get("/shifts/{shift_id}", response_model=ShiftRead)
def get_shift(shift_id: IdPath, session: SessionDep, _user: CurrentUser) -> ShiftRead:
    return ShiftRead.model_validate(service.get_shift(session, shift_id))


@router.patch("/shifts/{shift_id}", response_model=ShiftRead, responses=errors(409))
def update_shift(shift_id: IdPath, data: ShiftUpdate, session: SessionDep, _hr: HrUser) -> ShiftRead:
    return ShiftRead.model_validate(service.update_shift(session, shift_id, data))


@router.delete("/shifts/{shift_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409))
def delete_shift(shift_id: IdPath, session: SessionDep, _hr: HrUser) -> Response:
    service.delete_shift(session, shift_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/employees", response_model=Page[EmployeeRead])
def list_employees(
    session: SessionDep,
    _user: CurrentUser,
    page: PageDep,
    department_id: IdFilter = None,
    shift_id: IdFilter = None,
    is_active: Bool | None = None,
    q: SearchQuery = None,
) -> Page[EmployeeRead]:
    rows = service.list_employees(
        session, page, department_id=department_id, shift_id=shift_id, is_active=is_active, q=q
    )
    return to_page(EmployeeRead, *rows, page)


@router.post("/employees", response_model=EmployeeRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_employee(data: EmployeeCreate, session: SessionDep, settings: SettingsDep, _hr: HrUser) -> EmployeeRead:
    today = utcnow().astimezone(settings.site.tz).date()
    return EmployeeRead.model_validate(service.create_employee(session, data, today))


@router.get("/employees/{employee_id}", response_model=EmployeeRead)
def get_employee(employee_id: IdPath, session: SessionDep, _user: CurrentUser) -> EmployeeRead:
    return EmployeeRead.model_validate(service.get_employee(session, employee_id))


@router.patch("/employees/{employee_id}", response_model=EmployeeRead, responses=errors(409))
def update_employee(employee_id: IdPath, data: EmployeeUpdate, session: SessionDep, _hr: HrUser) -> EmployeeRead:
    return EmployeeRead.model_validate(service.update_employee(session, employee_id, data))
