"""/api/v1/attendance: punches, records, corrections and reports."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Form, Query, Response, UploadFile, status

from factoryai.accounts.deps import HrUser, Principal, require_role, require_scope
from factoryai.accounts.models import ApiKeyScope, Role
from factoryai.attendance import face_punch, reports, service
from factoryai.attendance.models import AttendanceStatus
from factoryai.attendance.schemas import (
    AbsenceRun,
    AttendanceCorrectionCreate,
    AttendanceHistory,
    AttendanceRead,
    CorrectionRead,
    DailyRegister,
    FacePunchFace,
    FacePunchResult,
    FaceTrack,
    FaceTrackResult,
    MonthlySummary,
    PunchRequest,
    PunchResult,
    UnknownFaceAssign,
    UnknownFaceAssigned,
)
from factoryai.core.errors import PayloadTooLargeError, ValidationFailedError, problem
from factoryai.core.exports import EXPORT_RESPONSES, ExportFormat, export_response
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import AwareIsoDateTime, BoxRead, IdFilter, IdPath, IsoDate, Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, SnapshotStoreDep, errors, read_upload
from factoryai.identity.deps import RECOGNITION_ERRORS, FacesDep
from factoryai.identity.schemas import UnknownFaceRead

router = APIRouter(prefix=API_V1, tags=["attendance"], route_class=ApiRoute)
# Devices post punches with an ingest key; HR and the gate guard may punch by hand.
PunchCaller = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST, Role.HR, Role.SECURITY))]
ReportReader = Annotated[object, Depends(require_role(Role.HR, Role.VIEWER))]
Format = Annotated[ExportFormat | None, Query(description="Download as csv or xlsx instead of JSON.")]


@router.post(
    "/attendance/check-in",
    response_model=PunchResult,
    summary="Check in (spec Module 3); a punch at an 'exit' camera is a check-out",
    responses=errors(404, 409, e404="No such employee"),
)
def check_in(data: PunchRequest, session: SessionDep, settings: SettingsDep, caller: PunchCaller) -> PunchResult:
    caller.check_camera(data.camera_id)
    return service.punch(session, data, settings)


@router.post(
    "/attendance/check-in/face",
    response_model=FacePunchResult,
    summary="Check in from a camera image: every recognised face punches, unknown faces are kept for HR",
    responses={
        202: {"model": FacePunchResult, "description": "Face engine unavailable: kept and retried by a job"},
        **errors(409),
        **RECOGNITION_ERRORS,
    },
)
def check_in_by_face(
    image: Annotated[UploadFile, File(description="JPEG or PNG from the camera")],
    session: SessionDep,
    settings: SettingsDep,
    faces: FacesDep,
    store: SnapshotStoreDep,
    response: Response,
    caller: PunchCaller,
    camera_id: Annotated[
        str | None, Form(min_length=1, max_length=50, description="An enabled 'entrance' or 'exit' camera.")
    ] = None,
    timestamp: Annotated[
        AwareIsoDateTime | None, Form(description="When the frame was taken; defaults to now.")
    ] = None,
) -> FacePunchResult:
    caller.check_camera(camera_id)
    data = read_upload(image, settings.identity.max_image_mb, "image")
    outcome = face_punch.punch_by_face(session, faces, store, settings, data, camera_id, timestamp)
    if outcome.pending_id is not None:
        response.status_code = status.HTTP_202_ACCEPTED
        return FacePunchResult(status="pending", faces=[], pending_id=outcome.pending_id)
    faces = []
    for o in outcome.faces:
        box = BoxRead(left=o.face.box.left, top=o.face.box.top, width=o.face.box.width, height=o.face.box.height)
        match = o.face.match
        faces.append(
            FacePunchFace(
                box=box,
                status="matched" if match else "unknown",
                employee_id=match.employee_id if match else None,
                similarity=round(match.similarity, 2) if match else None,
                punch=o.punch,
                unknown_face_id=o.unknown_id,
                error=o.error,
            )
        )
    return FacePunchResult(status="processed", faces=faces)


def _crops(data: FaceTrack, max_mb: float) -> list[bytes]:
    crops = []
    for i, text in enumerate(data.images):
        try:
            crop = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailedError(f"images.{i} is not base64", field=f"images.{i}") from None
        if len(crop) > max_mb * 1024 * 1024:
            message = f"images.{i} is larger than {max_mb:g} MB"
            raise PayloadTooLargeError(message, details=[problem(f"images.{i}", message)])
        crops.append(crop)
    return crops


@router.post(
    "/attendance/check-in/face-track",
    response_model=FaceTrackResult,
    summary="A camera worker's tracked person: its best face crops, tried in order; handled once per event id",
    responses={**errors(413), **RECOGNITION_ERRORS},
)
def check_in_by_face_track(
    data: FaceTrack,
    session: SessionDep,
    settings: SettingsDep,
    faces: FacesDep,
    store: SnapshotStoreDep,
    caller: PunchCaller,
) -> FaceTrackResult:
    caller.check_camera(data.camera_id)
    crops = _crops(data, settings.identity.max_image_mb)
    outcome = face_punch.punch_face_track(
        session, faces, store, settings, data.event_id, data.camera_id, data.timestamp, crops
    )
    return FaceTrackResult(
        event_id=data.event_id, outcome=outcome.outcome, attempts=outcome.attempts, duplicate=outcome.duplicate
    )


@router.post("/attendance/check-out", response_model=PunchResult, summary="Check out", responses=errors(404, 409))
def check_out(data: PunchRequest, session: SessionDep, settings: SettingsDep, caller: PunchCaller) -> PunchResult:
    caller.check_camera(data.camera_id)
    return service.check_out(session, data, settings)


@router.post(
    "/attendance/mark-absent",
    response_model=AbsenceRun,
    summary="Mark ABSENT everyone whose shift on that date ended without a check-in (idempotent)",
)
def mark_absent(
    attendance_date: Annotated[IsoDate, Body(embed=True, alias="date")],
    session: SessionDep,
    settings: SettingsDep,
    _hr: HrUser,
) -> AbsenceRun:
    return service.mark_absent(session, attendance_date, settings)


@router.get("/attendance", response_model=Page[AttendanceRead], responses=EXPORT_RESPONSES)
def list_attendance(
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReportReader,
    page: PageDep,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    employee_id: IdFilter = None,
    department_id: IdFilter = None,
    status_: Annotated[AttendanceStatus | None, Query(alias="status")] = None,
    format: Format = None,
) -> Page[AttendanceRead] | Response:
    if date_from and date_to and date_to < date_from:
        raise ValidationFailedError("date_to is before date_from", field="date_to")
    filters = {
        "date_from": date_from,
        "date_to": date_to,
        "employee_id": employee_id,
        "department_id": department_id,
        "status": status_.value if status_ else None,
    }
    if format is not None:
        records = list(service.all_records(session, reports.EXPORT_LIMIT, **filters))
        rows = reports.record_rows(records, settings)
        return export_response(format, reports.record_columns(settings), rows, "attendance")
    return to_page(AttendanceRead, *service.list_records(session, page, **filters), page)


@router.get("/attendance/register", response_model=DailyRegister, responses=EXPORT_RESPONSES)
def get_daily_register(
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReportReader,
    attendance_date: Annotated[IsoDate, Query(alias="date")],
    department_id: IdFilter = None,
    format: Format = None,
) -> DailyRegister | Response:
    register = reports.daily_register(session, attendance_date, settings, department_id)
    if format is not None:
        rows = reports.register_export_rows(register, settings)
        columns = reports.register_columns(settings)
        return export_response(format, columns, rows, f"register-{attendance_date.isoformat()}")
    return register


@router.get("/attendance/summary", response_model=MonthlySummary, responses=EXPORT_RESPONSES)
def get_monthly_summary(
    session: SessionDep,
    _reader: ReportReader,
    year: Annotated[int, Query(ge=2000, le=2100)],
    month: Annotated[int, Query(ge=1, le=12)],
    department_id: IdFilter = None,
    format: Format = None,
) -> MonthlySummary | Response:
    summary = reports.monthly_summary(session, year, month, department_id)
    if format is not None:
        rows = reports.summary_export_rows(summary)
        return export_response(format, reports.SUMMARY_COLUMNS, rows, f"summary-{year}-{month:02d}")
    return summary


@router.get("/attendance/{attendance_id}", response_model=AttendanceRead)
def get_attendance(attendance_id: IdPath, session: SessionDep, _reader: ReportReader) -> AttendanceRead:
    return AttendanceRead.model_validate(service.get_record(session, attendance_id))


@router.patch(
    "/attendance/{attendance_id}",
    response_model=AttendanceRead,
    summary="HR correction (reason required; the original values are kept in the history)",
    responses=errors(409),
)
def correct_attendance(
    attendance_id: IdPath, data: AttendanceCorrectionCreate, session: SessionDep, settings: SettingsDep, hr: HrUser
) -> AttendanceRead:
    return AttendanceRead.model_validate(service.correct_record(session, attendance_id, data, hr, settings))


@router.get("/attendance/{attendance_id}/history", response_model=AttendanceHistory)
def get_attendance_history(attendance_id: IdPath, session: SessionDep, _reader: ReportReader) -> AttendanceHistory:
    record, original, corrections = service.record_history(session, attendance_id)
    return AttendanceHistory(
        attendance_id=record.id,
        original=original,
        current=AttendanceRead.model_validate(record),
        corrections=[CorrectionRead.model_validate(c) for c in corrections],
    )


@router.post(
    "/identity/unknown-faces/{unknown_id}/assign",
    response_model=UnknownFaceAssigned,
    summary="Say who an unknown face was: records their punch as of when it was seen, and may enrol the face",
    responses={**errors(409, e409="Already assigned or dismissed, or the punch conflicts"), **RECOGNITION_ERRORS},
)
def assign_unknown_face(
    unknown_id: IdPath,
    data: UnknownFaceAssign,
    session: SessionDep,
    settings: SettingsDep,
    faces: FacesDep,
    store: SnapshotStoreDep,
    user: HrUser,
) -> UnknownFaceAssigned:
    row, punch, enrolled_id = face_punch.assign_unknown(
        session,
        faces,
        store,
        settings,
        unknown_id,
        data.employee_id,
        record_attendance=data.record_attendance,
        enroll=data.enroll,
        user_id=user.id,
    )
    return UnknownFaceAssigned(unknown=UnknownFaceRead.model_validate(row), punch=punch, enrollment_id=enrolled_id)
