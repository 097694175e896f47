"""/api/v1/identity: who was seen where (the face engines and enrolment arrive with the identity issue)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from factoryai.accounts.models import Role
from factoryai.api.deps import API_V1, SessionDep, require_role
from factoryai.core.errors import ValidationFailedError
from factoryai.core.schemas import IdFilter, Page, PageDep, to_page
from factoryai.identity import service
from factoryai.identity.schemas import AccessLogRead

router = APIRouter(prefix=API_V1, tags=["identity"])
AccessReader = Annotated[object, Depends(require_role(Role.HR, Role.SECURITY))]


@router.get("/identity/access-log", response_model=Page[AccessLogRead], summary="Recognised faces, newest first")
def list_access_log(
    session: SessionDep,
    _reader: AccessReader,
    page: PageDep,
    employee_id: IdFilter = None,
    camera_id: Annotated[str | None, Query(max_length=50)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AccessLogRead]:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationFailedError(f"{name} needs a UTC offset", details={"field": name})
    rows = service.list_access(session, page, employee_id=employee_id, camera_id=camera_id, since=since, until=until)
    return to_page(AccessLogRead, *rows, page)
