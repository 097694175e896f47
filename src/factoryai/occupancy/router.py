"""/api/v1/occupancy: samples in, live counts, hourly/daily/monthly figures, the heat map, drift and capacity alerts."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from factoryai.accounts.deps import CurrentUser, Principal, require_role, require_scope
from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.core.errors import ValidationFailedError
from factoryai.core.exports import EXPORT_RESPONSES, ExportFormat, export_response
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import AwareIsoDateTime, Bool, IdPath, IsoDate, Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, errors
from factoryai.occupancy import service
from factoryai.occupancy.schemas import (
    CameraDrift,
    CurrentOccupancy,
    DailyOccupancy,
    HeatmapCell,
    HourlyOccupancy,
    IngestResult,
    MonthlyOccupancy,
    OccupancyAlertRead,
    OccupancyBatch,
)

router = APIRouter(prefix=API_V1, tags=["occupancy"], route_class=ApiRoute)
INGEST_PATH = f"{API_V1}/occupancy/logs"
SAMPLE_BYTES = 200  # a sample's JSON at its longest (50-character camera id, timestamp with offset): the byte cap


class BulkIngestRoute(ApiRoute):
    """Device batches carry up to occupancy.max_batch (at most 100,000) samples of 5 values each; the app caps the
    path's bytes from the setting (SAMPLE_BYTES per sample), and bodies this size are parsed off the event loop."""

    max_json_values = 6 * 100_000 + 2


# The ingest route alone takes bulk bodies; every other occupancy route keeps the normal limits.
ingest_router = APIRouter(prefix=API_V1, tags=["occupancy"], route_class=BulkIngestRoute)
IngestCaller = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST))]
SecurityUser = Annotated[User, Depends(require_role(Role.SECURITY))]
CameraFilter = Annotated[str | None, Query(min_length=1, max_length=50, description="One camera; all zones if unset.")]
Format = Annotated[ExportFormat | None, Query(description="Download as csv or xlsx instead of JSON.")]
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _export(fmt: ExportFormat, rows: list[Any], name: str) -> Response:
    columns = list(type(rows[0]).model_fields) if rows else ["no data"]
    return export_response(fmt, columns, [tuple(r.model_dump().values()) for r in rows], name)


@ingest_router.post(
    "/occupancy/logs",
    response_model=IngestResult,
    summary="A batch of samples from a zone camera's counter: all stored or none; re-sent samples are skipped",
    responses=errors(403),
)
def ingest_occupancy(
    batch: OccupancyBatch, session: SessionDep, settings: SettingsDep, caller: IngestCaller
) -> IngestResult:
    for camera_id in dict.fromkeys(s.camera_id for s in batch.samples):
        caller.check_camera(camera_id)  # a device key bound to cameras speaks only for them
    return service.ingest(session, batch, settings)


@router.get("/occupancy/current", response_model=list[CurrentOccupancy], summary="Each zone's latest count")
def get_current_occupancy(session: SessionDep, settings: SettingsDep, _user: CurrentUser) -> list[CurrentOccupancy]:
    return service.current(session, settings)


@router.get(
    "/occupancy/hourly",
    response_model=list[HourlyOccupancy],
    responses={**EXPORT_RESPONSES, **errors(404)},
    summary="Hourly figures (time-weighted average, max, min, entries, exits) for site-local dates",
)
def get_hourly_occupancy(
    session: SessionDep,
    _user: CurrentUser,
    date_from: IsoDate,
    date_to: IsoDate,
    camera_id: CameraFilter = None,
    format: Format = None,
) -> list[HourlyOccupancy] | Response:
    rows = [HourlyOccupancy.model_validate(r) for r in service.hourly(session, camera_id, date_from, date_to)]
    return _export(format, rows, f"occupancy-hourly-{date_from}-{date_to}") if format else rows


@router.get(
    "/occupancy/daily",
    response_model=list[DailyOccupancy],
    responses={**EXPORT_RESPONSES, **errors(404)},
    summary="Daily totals per camera",
)
def get_daily_occupancy(
    session: SessionDep,
    _user: CurrentUser,
    date_from: IsoDate,
    date_to: IsoDate,
    camera_id: CameraFilter = None,
    format: Format = None,
) -> list[DailyOccupancy] | Response:
    rows = [
        DailyOccupancy.model_validate(r, from_attributes=True)
        for r in service.daily(session, camera_id, date_from, date_to)
    ]
    return _export(format, rows, f"occupancy-daily-{date_from}-{date_to}") if format else rows


def _month(value: str, field: str) -> tuple[int, int]:
    match = MONTH.match(value)
    if match is None:
        raise ValidationFailedError(f"{field} must be YYYY-MM, got {value!r}", field=field)
    return int(match.group(1)), int(match.group(2))


@router.get(
    "/occupancy/monthly",
    response_model=list[MonthlyOccupancy],
    responses={**EXPORT_RESPONSES, **errors(404)},
    summary="The monthly trend: average, totals and the busiest hour of each month",
)
def get_monthly_occupancy(
    session: SessionDep,
    _user: CurrentUser,
    from_month: Annotated[str, Query(max_length=7, description="YYYY-MM")],
    to_month: Annotated[str, Query(max_length=7, description="YYYY-MM")],
    camera_id: CameraFilter = None,
    format: Format = None,
) -> list[MonthlyOccupancy] | Response:
    first, last = _month(from_month, "from_month"), _month(to_month, "to_month")
    rows = [MonthlyOccupancy.model_validate(r) for r in service.monthly(session, camera_id, first, last)]
    return _export(format, rows, f"occupancy-monthly-{from_month}-{to_month}") if format else rows


@router.get(
    "/occupancy/heatmap",
    response_model=list[HeatmapCell],
    responses=errors(404),
    summary="Average occupancy by weekday and hour over a date range: when the zone is busy",
)
def get_occupancy_heatmap(
    session: SessionDep,
    _user: CurrentUser,
    camera_id: Annotated[str, Query(min_length=1, max_length=50)],
    date_from: IsoDate,
    date_to: IsoDate,
) -> list[HeatmapCell]:
    return [
        HeatmapCell.model_validate(r, from_attributes=True)
        for r in service.heatmap(session, camera_id, date_from, date_to)
    ]


@router.get(
    "/occupancy/drift",
    response_model=list[CameraDrift],
    responses=errors(404),
    summary="How far each zone's count had drifted at each daily reset: near 0 means a well-placed counting line",
)
def get_occupancy_drift(
    session: SessionDep,
    _user: CurrentUser,
    since: Annotated[AwareIsoDateTime, Query(alias="from")],
    until: Annotated[AwareIsoDateTime, Query(alias="to")],
    camera_id: CameraFilter = None,
) -> list[CameraDrift]:
    return service.drift(session, since, until, camera_id)


@router.get("/occupancy/alerts", response_model=Page[OccupancyAlertRead], summary="Zones over capacity, newest first")
def list_occupancy_alerts(
    session: SessionDep, _user: SecurityUser, page: PageDep, acknowledged: Bool | None = None
) -> Page[OccupancyAlertRead]:
    return to_page(OccupancyAlertRead, *service.list_alerts(session, page, acknowledged), page)


@router.post("/occupancy/alerts/{alert_id}/acknowledge", response_model=OccupancyAlertRead)
def acknowledge_occupancy_alert(alert_id: IdPath, session: SessionDep, user: SecurityUser) -> OccupancyAlertRead:
    return OccupancyAlertRead.model_validate(service.acknowledge_alert(session, alert_id, user))
