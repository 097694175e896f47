"""/api/v1/vehicle/validate-plate (the spec's route) and /api/v1/vehicles/watchlist."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from factoryai.accounts.deps import Principal, require_role, require_scope
from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.core.errors import NotFoundError, ValidationFailedError, problem
from factoryai.core.exports import EXPORT_RESPONSES, ExportFormat, export_response
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import AwareIsoDateTime, Bool, IdPath, Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, SnapshotStoreDep, errors, read_upload
from factoryai.vehicles import service
from factoryai.vehicles.deps import PlatesDep
from factoryai.vehicles.gate import VehicleStatus
from factoryai.vehicles.models import WatchList
from factoryai.vehicles.schemas import (
    AlertRead,
    PlatePass,
    PlatePassResult,
    PlateRecognitionResult,
    PlateValidationRequest,
    PlateValidationResult,
    VehicleLogRead,
    WatchlistCreate,
    WatchlistRead,
)

router = APIRouter(prefix=API_V1, tags=["vehicles"], route_class=ApiRoute)
GateCaller = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST, Role.SECURITY))]
SecurityUser = Annotated[User, Depends(require_role(Role.SECURITY))]


@router.post(
    "/vehicle/validate-plate",
    response_model=PlateValidationResult,
    summary="Three-layer quality gate on a plate read (confidence, format, watchlist); every decision is logged",
)
def validate_plate(
    data: PlateValidationRequest, session: SessionDep, settings: SettingsDep, caller: GateCaller
) -> PlateValidationResult:
    caller.check_camera(data.camera_id)
    return service.validate_plate(session, data, settings)


@router.post(
    "/vehicle/passes",
    response_model=PlatePassResult,
    summary="A camera worker's vehicle pass (its voted plate read): decided once per event id",
)
def record_pass(
    data: PlatePass, session: SessionDep, settings: SettingsDep, store: SnapshotStoreDep, caller: GateCaller
) -> PlatePassResult:
    caller.check_camera(data.camera_id)
    return service.record_pass(session, settings, store, data)


@router.post(
    "/vehicle/recognize",
    response_model=PlateRecognitionResult,
    summary="Read the plate in a camera image (or the frames of one vehicle pass, voted), then the quality gate",
    responses=errors(503, e503="Plate OCR or the detector is misconfigured, or the database is unreachable"),
)
def recognize_plate(
    session: SessionDep,
    settings: SettingsDep,
    store: SnapshotStoreDep,
    plates: PlatesDep,
    caller: GateCaller,
    image: Annotated[UploadFile | None, File(description="One JPEG/PNG frame.")] = None,
    images: Annotated[
        list[UploadFile] | None, File(description="Or several frames of one vehicle pass (up to vehicles.vote_frames).")
    ] = None,
    camera_id: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=50,
            description="The gate camera (role 'gate'). Without it the plate is read and checked, but no gate opens.",
        ),
    ] = None,
    vehicle_type: Annotated[str | None, Form(max_length=50)] = None,
) -> PlateRecognitionResult:
    caller.check_camera(camera_id)
    uploads = ([image] if image is not None else []) + list(images or [])
    limit = settings.vehicles.vote_frames
    if not 1 <= len(uploads) <= limit:
        raise ValidationFailedError(
            f"send 1 to {limit} frames (field 'image' or 'images')",
            details=[problem("images", f"got {len(uploads)} frames", count=len(uploads))],
        )
    data = [read_upload(u, settings.vehicles.max_image_mb, "images") for u in uploads]
    return service.recognize(session, settings, plates.recognizer(), store, data, camera_id, vehicle_type)


@router.get("/vehicles/watchlist", response_model=Page[WatchlistRead])
def list_watchlist(
    session: SessionDep,
    _user: SecurityUser,
    page: PageDep,
    list_name: Annotated[WatchList | None, Query(alias="list", description="Only this list.")] = None,
) -> Page[WatchlistRead]:
    return to_page(WatchlistRead, *service.list_watchlist(session, page, list_name), page)


@router.post(
    "/vehicles/watchlist", response_model=WatchlistRead, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def add_to_watchlist(data: WatchlistCreate, session: SessionDep, user: SecurityUser) -> WatchlistRead:
    return WatchlistRead.model_validate(service.add_to_watchlist(session, data, user))


@router.delete("/vehicles/watchlist/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_from_watchlist(entry_id: IdPath, session: SessionDep, _user: SecurityUser) -> Response:
    service.remove_from_watchlist(session, entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/vehicles/alerts", response_model=Page[AlertRead], summary="Security alerts, newest first")
def list_vehicle_alerts(
    session: SessionDep, _user: SecurityUser, page: PageDep, acknowledged: Bool | None = None
) -> Page[AlertRead]:
    return to_page(AlertRead, *service.list_alerts(session, page, acknowledged), page)


@router.post("/vehicles/alerts/{alert_id}/acknowledge", response_model=AlertRead)
def acknowledge_vehicle_alert(alert_id: IdPath, session: SessionDep, user: SecurityUser) -> AlertRead:
    return AlertRead.model_validate(service.acknowledge_alert(session, alert_id, user))


def _snapshot(data: bytes | None, what: str) -> Response:
    if data is None:
        raise NotFoundError(f"{what} has no snapshot (none was taken, or retention deleted it)")
    return Response(content=data, media_type="image/png" if data.startswith(b"\x89PNG") else "image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400"})  # fmt: skip


@router.get(
    "/vehicles/log/{log_id}/snapshot",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
    summary="The picture a gate decision was made on (the frame of the best plate read, or the uploaded image)",
)
def get_vehicle_log_snapshot(
    log_id: IdPath, session: SessionDep, store: SnapshotStoreDep, _user: SecurityUser
) -> Response:
    entry = service.get_log(session, log_id)
    return _snapshot(store.read(entry.snapshot_path) if entry.snapshot_path else None, f"vehicle log entry {log_id}")


@router.get(
    "/vehicles/alerts/{alert_id}/snapshot",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
    summary="The picture of the vehicle an alert is about",
)
def get_vehicle_alert_snapshot(
    alert_id: IdPath, session: SessionDep, store: SnapshotStoreDep, _user: SecurityUser
) -> Response:
    alert = service.get_alert(session, alert_id)
    return _snapshot(store.read(alert.snapshot_path) if alert.snapshot_path else None, f"alert {alert_id}")


@router.get(
    "/vehicles/log",
    response_model=Page[VehicleLogRead],
    summary="Plate decisions, newest first; search a plate exactly or within one character (fuzzy)",
    responses=EXPORT_RESPONSES,
)
def search_vehicle_log(
    session: SessionDep,
    settings: SettingsDep,
    _user: SecurityUser,
    page: PageDep,
    plate: Annotated[str | None, Query(max_length=30)] = None,
    fuzzy: Bool = False,
    status_: Annotated[VehicleStatus | None, Query(alias="status")] = None,
    camera_id: Annotated[str | None, Query(max_length=50)] = None,
    since: AwareIsoDateTime | None = None,
    until: AwareIsoDateTime | None = None,
    format: Annotated[ExportFormat | None, Query(description="Download as csv or xlsx.")] = None,
) -> Page[VehicleLogRead] | Response:
    filters = {
        "plate": plate,
        "fuzzy": fuzzy,
        "status": status_.value if status_ else None,
        "camera_id": camera_id,
        "since": since,
        "until": until,
    }
    if format is not None:
        rows = service.export_log_rows(session, settings, **filters)
        return export_response(format, service.log_columns(settings), rows, "vehicle-log")
    return to_page(VehicleLogRead, *service.search_log(session, page, **filters), page)
