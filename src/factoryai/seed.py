"""Demo data for a first look: departments, shifts, employees, cameras, and the two demo people the entrance camera
shows, with their faces enrolled. Safe to run twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from factoryai.attendance.shifts import ShiftRule, occurrence_for_check_in
from factoryai.cameras import repository as camera_repo
from factoryai.cameras import service as cameras
from factoryai.cameras.models import CameraRole
from factoryai.cameras.schemas import CameraCreate, CameraSettings
from factoryai.core.clock import utcnow
from factoryai.core.errors import AppError
from factoryai.identity import service as identity
from factoryai.identity.runtime import FaceRuntime
from factoryai.organization import repository as org_repo
from factoryai.organization import service as organization
from factoryai.organization.models import Shift
from factoryai.organization.schemas import DepartmentCreate, EmployeeCreate, EmployeeUpdate, ShiftCreate
from factoryai.vehicles import service as vehicles
from factoryai.vehicles.models import WatchList
from factoryai.vehicles.schemas import WatchlistCreate
from factoryai.video.scene_entrance import DEMO_PEOPLE, DemoPerson
from factoryai.video.scene_gate import BLOCKED_DEMO_PLATE

DEPARTMENTS = ("Production", "Assembly", "Quality", "Maintenance", "Logistics", "Security", "Administration")
SHIFTS = (
    ShiftCreate(shift_name="General", start_time=time(9), end_time=time(17, 30), grace_period_minutes=10),
    ShiftCreate(shift_name="Morning", start_time=time(6), end_time=time(14), grace_period_minutes=5),
    ShiftCreate(shift_name="Evening", start_time=time(14), end_time=time(22), grace_period_minutes=5),
    ShiftCreate(shift_name="Night", start_time=time(22), end_time=time(6), grace_period_minutes=5),
)
# Real footage for the demo's people counter, where Debian's opencv-doc is installed (PETS 2009 people walking,
# OpenCV's sample clip: read from the package, never shipped in ours); otherwise the synthetic scene.
DEMO_FOOTAGE = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
CAMERAS = (
    CameraCreate(id="CAM-MAIN", name="Main entrance", source_url="synthetic://entrance", role=CameraRole.ENTRANCE),
    CameraCreate(id="CAM-EXIT", name="Staff exit", source_url="synthetic://people", role=CameraRole.EXIT),
    CameraCreate(id="CAM-GATE", name="Vehicle gate", source_url="synthetic://vehicles", role=CameraRole.GATE),
    CameraCreate(
        id="CAM-FLOOR",
        name="Assembly floor",
        source_url="synthetic://people",
        role=CameraRole.ZONE,
        settings=CameraSettings(counting_line=((0.5, 0.0), (0.5, 1.0))),
    ),
)
FIRST = ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Sanjay", "Divya", "Rahul", "Sneha")
LAST = ("Sharma", "Iyer", "Patel", "Nair", "Reddy", "Gupta", "Menon", "Singh", "Das", "Kulkarni")


@dataclass
class SeedReport:
    created: dict[str, int] = field(
        default_factory=lambda: {
            "departments": 0, "shifts": 0, "employees": 0, "cameras": 0, "watchlist": 0, "faces": 0
        }
    )  # fmt: skip
    warnings: list[str] = field(default_factory=list)


def seed_demo(
    session: Session,
    employees: int = 24,
    today: date | None = None,
    faces: FaceRuntime | None = None,
    site_tz: ZoneInfo | None = None,
) -> SeedReport:
    """``today`` (site date) is the demo employees' start date; default: the UTC date. With ``faces``, the entrance
    scene's people are enrolled (on the local engine only: a demo never sends photos to AWS). ``site_tz`` (default
    UTC) decides which shift is on now."""
    today = today or utcnow().date()
    report = SeedReport()
    department_ids = []
    for name in DEPARTMENTS:
        department = org_repo.get_department_by_name(session, name)
        if department is None:
            department = organization.create_department(session, DepartmentCreate(name=name))
            report.created["departments"] += 1
        department_ids.append(department.id)
    shift_ids = []
    for data in SHIFTS:
        shift = org_repo.get_shift_by_name(session, data.shift_name)
        if shift is None:
            shift = organization.create_shift(session, data)
            report.created["shifts"] += 1
        shift_ids.append(shift.id)
    for i in range(employees):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        email = f"{first}.{last}{i + 1}@demo.factory".lower()
        if org_repo.get_employee_by_email(session, email) is None:
            organization.create_employee(
                session,
                EmployeeCreate(
                    name=f"{first} {last}",
                    email=email,
                    shift_id=shift_ids[i % len(shift_ids)],
                    department_id=department_ids[i % len(department_ids)],
                ),
                today,  # a fresh install marks nobody absent for the days before it existed
            )
            report.created["employees"] += 1
    # The people the demo entrance camera shows work the shift that is on now (Morning, Evening and Night tile the
    # day), chosen again at every seed, so `make run` shows them checked in at whatever hour it is run.
    on_now = _shift_on_now([org_repo.get_shift_by_name(session, s.shift_name) for s in SHIFTS], site_tz or UTC)
    for person in DEMO_PEOPLE:
        employee = org_repo.get_employee_by_email(session, person.email)
        if employee is None:
            data = EmployeeCreate(name=person.name, email=person.email, shift_id=on_now.id,
                                  department_id=department_ids[DEPARTMENTS.index("Administration")])  # fmt: skip
            employee = organization.create_employee(session, data, today)
            report.created["employees"] += 1
        elif employee.shift_id != on_now.id:
            organization.update_employee(session, employee.id, EmployeeUpdate(shift_id=on_now.id))
        if faces is not None and faces.settings.identity.engine == "local":
            _enrol(session, faces, employee.id, person, report)
    if not vehicles.watchlist_has(session, BLOCKED_DEMO_PLATE):  # the demo gate scene's stolen car
        reason = "Demo: reported stolen (the gate camera's scene shows it every round)"
        vehicles.add_to_watchlist(
            session, WatchlistCreate(plate_number=BLOCKED_DEMO_PLATE, list=WatchList.BLOCKED, reason=reason), None
        )
        report.created["watchlist"] += 1
    for camera in CAMERAS:
        if camera_repo.get_camera(session, camera.id) is None:
            if camera.id == "CAM-FLOOR" and DEMO_FOOTAGE.is_file():
                camera = camera.model_copy(update={"source_url": DEMO_FOOTAGE.as_uri()})
            cameras.create_camera(session, camera)
            report.created["cameras"] += 1
    return report


def _enrol(session: Session, faces: FaceRuntime, employee_id: int, person: DemoPerson, report: SeedReport) -> None:
    if identity.list_faces(session, employee_id):
        return
    photo = identity.UploadedImage(name=person.photo, data=person.enrolment_photo())
    try:
        with session.begin_nested():  # a refusal leaves the rest of the demo data in place
            identity.enroll_faces(session, faces, employee_id, [photo], None, wait=True)
        report.created["faces"] += 1
    except AppError as exc:
        report.warnings.append(f"{person.name}'s demo face was not enrolled: {exc.message}")


def _shift_on_now(shifts: list[Shift | None], tz: ZoneInfo) -> Shift:
    """The demo shift whose check-in window is open now; of two, the one starting later."""
    now = utcnow()
    open_now = []
    for shift in shifts:
        if shift is None:
            continue
        rule = ShiftRule(shift.start_time, shift.end_time, window_before_minutes=shift.checkin_window_before_minutes)
        run = occurrence_for_check_in(rule, now, tz)
        if run is not None:
            open_now.append((run.start, shift))
    if not open_now:  # the demo shifts were edited: any will do
        return next(s for s in shifts if s is not None)
    return max(open_now, key=lambda pair: pair[0])[1]
