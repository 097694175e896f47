"""/api/v1/identity and /api/v1/employees/{id}/faces: enrolment, identification, access log, unknown faces, and
the spec's snapshot cleanup."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

from factoryai.accounts.deps import HrUser, Principal, require_role, require_scope
from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.core.errors import NotFoundError, ServiceUnavailableError, ValidationFailedError
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import IdFilter, IdPath, IsoDateTime, Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, SnapshotStoreDep, errors, read_upload
from factoryai.identity import service
from factoryai.identity.deps import RECOGNITION_ERRORS, FaceEngineDep, FacesDep
from factoryai.identity.engines.base import FaceEngineError, FaceImageError
from factoryai.identity.schemas import (
    AccessLogRead,
    FaceEnrolledRead,
    FaceEnrollmentRead,
    FaceErasure,
    IdentifiedFace,
    IdentifyResult,
    PendingRecognitionRead,
    UnknownFaceRead,
)

router = APIRouter(prefix=API_V1, route_class=ApiRoute)
IDENTITY = ["identity"]
AccessReader = Annotated[User, Depends(require_role(Role.HR, Role.SECURITY))]
IdentifyCaller = Annotated[Principal, Depends(require_scope(ApiKeyScope.INGEST, Role.HR, Role.SECURITY))]
ENROL_DESCRIPTION = """Enrol **3 to 5 photos** of each employee, taken on different days, in different light and with
the head slightly turned: with a single photo, other photos of the same person are often not recognised; with three
they usually are. Each photo must hold exactly one face at least `identity.enroll_min_face_px` wide and at most
`identity.max_enroll_megapixels`. One bad photo refuses the whole request (422, naming each photo and why).

The answer lists the photos enrolled now; each carries `photos_enrolled` (the employee's total, these included) and
a `recommendation` saying how many more to enrol."""


@router.get(
    "/identity/access-log", response_model=Page[AccessLogRead], tags=IDENTITY, summary="Recognised faces, newest first"
)
def list_access_log(
    session: SessionDep,
    _reader: AccessReader,
    page: PageDep,
    employee_id: IdFilter = None,
    camera_id: Annotated[str | None, Query(max_length=50)] = None,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
) -> Page[AccessLogRead]:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationFailedError(f"{name} needs a UTC offset", field=name)
    rows = service.list_access(session, page, employee_id=employee_id, camera_id=camera_id, since=since, until=until)
    return to_page(AccessLogRead, *rows, page)


@router.post(
    "/employees/{employee_id}/faces",
    tags=IDENTITY,
    response_model=list[FaceEnrolledRead],
    status_code=201,
    summary="Enrol 1-5 photos (JPEG/PNG) of one employee; 3-5 in all are recommended",
    description=ENROL_DESCRIPTION,
    responses=RECOGNITION_ERRORS,
)
def enroll_employee_faces(
    employee_id: IdPath,
    images: Annotated[list[UploadFile], File(description="1 to 5 photos of the employee (3-5 in all recommended)")],
    session: SessionDep,
    settings: SettingsDep,
    faces: FacesDep,
    user: HrUser,
) -> list[FaceEnrolledRead]:
    if len(images) > service.MAX_ENROLL_IMAGES:
        raise ValidationFailedError(f"send 1 to {service.MAX_ENROLL_IMAGES} images", field="images")
    uploads = [
        service.UploadedImage(
            name=f.filename or f"image-{i + 1}", data=read_upload(f, settings.identity.max_image_mb, "images")
        )
        for i, f in enumerate(images)
    ]
    done = service.enroll_faces(session, faces, employee_id, uploads, user.id)
    extra = {"photos_enrolled": done.photos_enrolled, "recommendation": done.recommendation}
    return [FaceEnrolledRead.of(row, **extra) for row in done.enrollments]


@router.get(
    "/employees/{employee_id}/faces",
    tags=IDENTITY,
    response_model=list[FaceEnrollmentRead],
    summary="Enrolled photos",
)
def list_employee_faces(employee_id: IdPath, session: SessionDep, _user: HrUser) -> list[FaceEnrollmentRead]:
    return [FaceEnrollmentRead.of(r) for r in service.list_faces(session, employee_id)]


@router.delete(
    "/employees/{employee_id}/faces",
    tags=IDENTITY,
    response_model=FaceErasure,
    summary="Erase the employee's face data: templates (AWS collection too) and the snapshots that show them",
    responses=errors(503),
)
def erase_employee_faces(
    employee_id: IdPath, session: SessionDep, engine: FaceEngineDep, store: SnapshotStoreDep, _user: HrUser
) -> FaceErasure:
    erased = service.erase_face_data(session, engine, store, employee_id)
    return FaceErasure(faces_removed=erased.faces_removed, snapshots_deleted=erased.snapshots_deleted)


@router.delete(
    "/employees/{employee_id}",
    status_code=204,
    tags=["organization"],
    summary="Delete an employee without history, erasing their face data (deactivate one with history instead)",
    responses=errors(409, 503),
)
def delete_employee(
    employee_id: IdPath, session: SessionDep, engine: FaceEngineDep, store: SnapshotStoreDep, _hr: HrUser
) -> Response:
    # Deleting a person is an erasure of their biometric data, which identity owns; hence the route lives here.
    # Erasure: face data goes with the employee, also where a database cascade cannot reach (AWS, snapshot files).
    service.delete_employee(session, engine, store, employee_id)
    return Response(status_code=204)


@router.post(
    "/identity/identify",
    tags=IDENTITY,
    response_model=IdentifyResult,
    summary="Every face in a JPEG/PNG image (<= identity.max_image_mb and identity.max_identify_megapixels), each "
    "matched to an employee or unknown; for HR, an unknown face names its nearest employee",
    responses=RECOGNITION_ERRORS,
)
def identify_faces(
    image: Annotated[UploadFile, File()],
    session: SessionDep,
    settings: SettingsDep,
    faces: FacesDep,
    caller: IdentifyCaller,
) -> IdentifyResult:
    data = read_upload(image, settings.identity.max_image_mb, "image")
    try:
        pause = settings.identity.engine_pause_seconds
        found = service.identify(session, faces, data, pause_seconds=pause, skip_when_paused=True)
    except FaceImageError as exc:
        raise ValidationFailedError(str(exc), field="image") from exc
    except FaceEngineError as exc:
        raise ServiceUnavailableError(f"face engine unavailable: {exc}") from exc
    # Who an unknown face resembles is a hint for assigning it, which is HR's job: devices and security don't get it.
    hr = caller.user is not None and caller.user.role in (Role.HR, Role.ADMIN)
    return IdentifyResult(engine=faces.engine.name, faces=[IdentifiedFace.of(f, with_nearest=hr) for f in found])


@router.get(
    "/identity/unknown-faces", response_model=Page[UnknownFaceRead], tags=IDENTITY, summary="Faces nobody matched"
)
def list_unknown_faces(
    session: SessionDep,
    _user: HrUser,
    page: PageDep,
    status: Literal["pending", "assigned", "dismissed"] | None = None,
    camera_id: Annotated[str | None, Query(max_length=50)] = None,
) -> Page[UnknownFaceRead]:
    return to_page(UnknownFaceRead, *service.list_unknown(session, page, status=status, camera_id=camera_id), page)


@router.get(
    "/identity/unknown-faces/{unknown_id}/snapshot",
    tags=IDENTITY,
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
    summary="The face crop of an unknown face",
)
def get_unknown_face_snapshot(
    unknown_id: IdPath, session: SessionDep, store: SnapshotStoreDep, _user: HrUser
) -> Response:
    row = service.get_unknown(session, unknown_id)
    data = store.read(row.snapshot_path) if row.snapshot_path else None
    if data is None:
        raise NotFoundError(f"unknown face {unknown_id} has no snapshot (deleted by retention or erasure)")
    return Response(content=data, media_type="image/png" if data.startswith(b"\x89PNG") else "image/jpeg")


@router.post(
    "/identity/unknown-faces/{unknown_id}/dismiss",
    tags=IDENTITY,
    response_model=UnknownFaceRead,
    summary="Not an employee (a visitor, a false detection)",
    responses=errors(409, e409="Already assigned or dismissed"),
)
def dismiss_unknown_face(unknown_id: IdPath, session: SessionDep, user: HrUser) -> UnknownFaceRead:
    return UnknownFaceRead.model_validate(service.resolve_unknown(session, unknown_id, employee=None, user_id=user.id))


@router.get(
    "/identity/pending-recognitions",
    tags=IDENTITY,
    response_model=Page[PendingRecognitionRead],
    summary="Camera frames kept during a face-engine outage: waiting, done, or given up (with the last error)",
)
def list_pending_recognitions(
    session: SessionDep,
    _user: HrUser,
    page: PageDep,
    status: Literal["pending", "done", "failed"] | None = None,
) -> Page[PendingRecognitionRead]:
    return to_page(PendingRecognitionRead, *service.list_pending(session, page, status=status), page)
