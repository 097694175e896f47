"""/api/v1/system: the audit log and what the service is running."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from factoryai.accounts.deps import AdminUser
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep
from factoryai.system import service
from factoryai.system.schemas import SystemLogRead

router = APIRouter(prefix=API_V1, tags=["system"], route_class=ApiRoute)


@router.get("/system/logs", response_model=Page[SystemLogRead], summary="Maintenance and audit events")
def list_system_logs(
    session: SessionDep,
    _admin: AdminUser,
    page: PageDep,
    source: Annotated[str | None, Query(max_length=50)] = None,
    level: Literal["INFO", "WARNING", "ERROR"] | None = None,
) -> Page[SystemLogRead]:
    return to_page(SystemLogRead, *service.list_logs(session, page, source=source, level=level), page)
