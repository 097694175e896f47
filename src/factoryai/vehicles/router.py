"""/api/v1/vehicle/validate-plate (the spec's route) and /api/v1/vehicles/watchlist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.api.deps import API_V1, Principal, SessionDep, SettingsDep, require_role, require_scope
from factoryai.core.schemas import IdPath, Page, PageDep, to_page
from factoryai.vehicles import service
from factoryai.vehicles.models import WatchList
from factoryai.vehicles.schemas import (
    AlertRead,
    PlateValidationRequest,
    PlateValidationResult,
    WatchlistCreate,
    WatchlistRead,
)

router = APIRouter(prefix=API_V1, tags=["vehicles"])
GateCaller = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST, Role.SECURITY))]
SecurityUser = Annotated[User, Depends(require_role(Role.SECURITY))]


@router.post(
    "/vehicle/validate-plate",
    response_model=PlateValidationResult,
    summary="Three-layer quality gate on a plate read (confidence, format, watchlist); every decision is logged",
)
def validate_plate(
    data: PlateValidationRequest, session: SessionDep, settings: SettingsDep, _caller: GateCaller
) -> PlateValidationResult:
    return service.validate_plate(session, data, settings)


@router.get("/vehicles/watchlist", response_model=Page[WatchlistRead])
def list_watchlist(
    session: SessionDep, _user: SecurityUser, page: PageDep, list: WatchList | None = None
) -> Page[WatchlistRead]:
    return to_page(WatchlistRead, *service.list_watchlist(session, page, list), page)


@router.post("/vehicles/watchlist", response_model=WatchlistRead, status_code=status.HTTP_201_CREATED)
def add_to_watchlist(data: WatchlistCreate, session: SessionDep, user: SecurityUser) -> WatchlistRead:
    return WatchlistRead.model_validate(service.add_to_watchlist(session, data, user))


@router.delete("/vehicles/watchlist/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_from_watchlist(entry_id: IdPath, session: SessionDep, _user: SecurityUser) -> Response:
    service.remove_from_watchlist(session, entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/vehicles/alerts", response_model=Page[AlertRead], summary="Security alerts, newest first")
def list_alerts(
    session: SessionDep, _user: SecurityUser, page: PageDep, acknowledged: bool | None = None
) -> Page[AlertRead]:
    return to_page(AlertRead, *service.list_alerts(session, page, acknowledged), page)


@router.post("/vehicles/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge_alert(alert_id: IdPath, session: SessionDep, user: SecurityUser) -> AlertRead:
    return AlertRead.model_validate(service.acknowledge_alert(session, alert_id, user))
