"""/api/v1/shifts."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from factoryai.api.deps import CurrentUser, HrUser, SessionDep
from factoryai.attendance import service
from factoryai.attendance.schemas import ShiftCreate, ShiftRead, ShiftUpdate
from factoryai.core.schemas import IdPath, Page, PageDep, to_page

router = APIRouter(tags=["shifts"])


@router.get("/shifts", response_model=Page[ShiftRead])
def list_shifts(
    session: SessionDep, _user: CurrentUser, page: PageDep, is_active: bool | None = None
) -> Page[ShiftRead]:
    return to_page(ShiftRead, *service.list_shifts(session, page, is_active), page)


@router.post("/shifts", response_model=ShiftRead, status_code=status.HTTP_201_CREATED)
def create_shift(data: ShiftCreate, session: SessionDep, _hr: HrUser) -> ShiftRead:
    return ShiftRead.model_validate(service.create_shift(session, data))


@router.get("/shifts/{shift_id}", response_model=ShiftRead)
def get_shift(shift_id: IdPath, session: SessionDep, _user: CurrentUser) -> ShiftRead:
    return ShiftRead.model_validate(service.get_shift(session, shift_id))


@router.patch("/shifts/{shift_id}", response_model=ShiftRead)
def update_shift(shift_id: IdPath, data: ShiftUpdate, session: SessionDep, _hr: HrUser) -> ShiftRead:
    return ShiftRead.model_validate(service.update_shift(session, shift_id, data))


@router.delete("/shifts/{shift_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_shift(shift_id: IdPath, session: SessionDep, _hr: HrUser) -> Response:
    service.delete_shift(session, shift_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
