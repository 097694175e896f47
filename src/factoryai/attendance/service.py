"""Shifts and punches: the spec's Module 3 rules, enforced in the database so they hold across processes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from factoryai.accounts.models import User
from factoryai.attendance import repository
from factoryai.attendance.events import ABSENCES, PUNCH
from factoryai.attendance.models import AttendanceCorrection, AttendanceRecord, AttendanceStatus
from factoryai.attendance.schemas import (
    AbsenceRun,
    AttendanceCorrectionCreate,
    PunchRequest,
    PunchResult,
)
from factoryai.attendance.shifts import (
    ShiftRule,
    evaluate_check_in,
    is_early_exit,
    next_window_opening,
    occurrence_for_check_in,
    occurrence_on,
)
from factoryai.cameras import service as cameras
from factoryai.cameras.models import CameraRole
from factoryai.core.clock import utcnow
from factoryai.core.config import WEEKDAYS, Settings
from factoryai.core.errors import ConflictError, NotFoundError, ValidationFailedError, problem
from factoryai.core.events import publish_after_commit
from factoryai.core.schemas import PageParams
from factoryai.identity import service as identity
from factoryai.organization import service as organization
from factoryai.organization.models import Employee, Shift
from factoryai.system import service as system

# --- punches (spec Module 3) ---------------------------------------------------------------------------------


def shift_rule(shift: Shift) -> ShiftRule:
    return ShiftRule(
        start=shift.start_time,
        end=shift.end_time,
        grace_minutes=shift.grace_period_minutes,
        early_exit_grace_minutes=shift.early_exit_grace_minutes,
        window_before_minutes=shift.checkin_window_before_minutes,
    )


def _punch_time(timestamp: datetime | None, settings: Settings) -> datetime:
    now = utcnow()
    if timestamp is None:
        return now
    if timestamp - now > timedelta(seconds=settings.attendance.future_tolerance_seconds):
        raise ValidationFailedError(
            f"timestamp {timestamp.isoformat()} is in the future (more than "
            f"{settings.attendance.future_tolerance_seconds} s ahead of the server clock)",
            field="timestamp",
        )
    return timestamp.astimezone(UTC)


def _punching_employee(session: Session, employee_id: int) -> tuple[Employee, Shift]:
    """The employee, locked for this transaction, and their shift; 404/422 when they cannot punch."""
    found = repository.employee_with_shift_for_update(session, employee_id)
    if found is None:
        raise NotFoundError(f"employee {employee_id} not found")
    employee, shift = found
    if not employee.is_active:
        raise ValidationFailedError(f"employee {employee_id} is inactive", code="employee_inactive")
    if shift is None:
        raise ValidationFailedError(f"employee {employee_id} has no shift assigned", code="employee_without_shift")
    if not shift.is_active:
        raise ValidationFailedError(
            f"employee {employee_id}'s shift {shift.shift_name!r} is inactive", code="shift_inactive"
        )
    return employee, shift


def _result(record: AttendanceRecord, action: str, skipped: bool) -> PunchResult:
    return PunchResult(
        action=action,
        attendance_id=record.id,
        employee_id=record.employee_id,
        attendance_date=record.attendance_date,
        shift_id=record.shift_id,
        check_in_time=record.check_in_time,
        check_out_time=record.check_out_time,
        status=record.status,
        is_late=record.status == AttendanceStatus.LATE,
        is_early_exit=record.is_early_exit,
        grace_period_applied=record.grace_period_applied,
        flagged_for_review=record.flagged_for_review,
        skipped_duplicate=skipped,
    )


def punch(session: Session, data: PunchRequest, settings: Settings) -> PunchResult:
    """A punch from the API or a camera: check-out at an 'exit' camera, check-in everywhere else."""
    at = _punch_time(data.timestamp, settings)
    camera = (
        cameras.get_camera_for_event(session, data.camera_id, roles=cameras.PUNCH_ROLES) if data.camera_id else None
    )
    if camera is not None and camera.role == CameraRole.EXIT:
        result = _check_out(session, data.employee_id, at, camera.id, settings)
    else:
        result = _check_in(session, data.employee_id, at, data.camera_id, settings)
    _log_recognition(session, data, at)
    return result


def punch_seen_earlier(
    session: Session, employee_id: int, at: datetime, camera_id: str | None, settings: Settings
) -> PunchResult:
    """HR saying who a face seen earlier was: the camera's role still decides check-in or check-out, even if the
    camera has been disabled since (it was working when it saw them)."""
    camera = cameras.get_camera(session, camera_id) if camera_id else None
    if camera is not None and camera.role == CameraRole.EXIT:
        return _check_out(session, employee_id, at, camera.id, settings)
    return _check_in(session, employee_id, at, camera_id, settings)


def check_out(session: Session, data: PunchRequest, settings: Settings) -> PunchResult:
    at = _punch_time(data.timestamp, settings)
    if data.camera_id is not None:
        cameras.get_camera_for_event(session, data.camera_id, roles=cameras.PUNCH_ROLES)
    result = _check_out(session, data.employee_id, at, data.camera_id, settings)
    _log_recognition(session, data, at)
    return result


def _log_recognition(session: Session, data: PunchRequest, at: datetime) -> None:
    # A punch that came from a face match (confidence given) is also an access-log entry, duplicates included:
    # the access log is the record of who was seen where, attendance is what that means for the shift.
    if data.confidence is not None:
        identity.record_access(session, data.employee_id, data.camera_id, at, data.confidence, data.face_id)


def _check_in(
    session: Session, employee_id: int, at: datetime, camera_id: str | None, settings: Settings
) -> PunchResult:
    _employee, shift = _punching_employee(session, employee_id)
    rule = shift_rule(shift)
    tz = settings.site.tz
    window = timedelta(hours=settings.attendance.double_entry_window_hours)
    local_day = at.astimezone(tz).date()
    days = [local_day + timedelta(days=d) for d in (-1, 0, 1)]  # every run a check-in at `at` can belong to
    records = repository.records_around(session, employee_id, at - window, at + window, days)

    # Step 1, double entry: any check-in within the window either side (a late-arriving punch from an edge
    # device may be older than the last one). The employee row lock makes this check-then-insert atomic.
    nearby = [r for r in records if r.check_in_time is not None and abs(r.check_in_time - at) < window]
    if nearby:
        closest = min(nearby, key=lambda r: abs(r.check_in_time - at))  # type: ignore[operator]
        return _result(closest, "check_in", skipped=True)

    occ = occurrence_for_check_in(rule, at, tz)
    if occ is None:
        opens = next_window_opening(rule, at, tz).astimezone(tz)
        zone = settings.site.timezone  # named, so a reader elsewhere knows whose clock these times are on
        next_window = f"the next check-in window opens at {opens:%Y-%m-%d %H:%M} ({zone})"
        raise ValidationFailedError(
            f"check-in at {at.astimezone(tz):%Y-%m-%d %H:%M:%S} ({zone}) is outside shift {shift.shift_name!r}: "
            + next_window,
            code="outside_shift_window",
            details=[problem("timestamp", next_window, next_window_opens=opens.isoformat())],
        )
    verdict = evaluate_check_in(rule, occ, at)
    record = next((r for r in records if r.attendance_date == occ.attendance_date), None)
    if record is not None and record.check_in_time is not None:
        return _result(record, "check_in", skipped=True)  # this run already has its check-in
    if record is None:
        record = AttendanceRecord(employee_id=employee_id, attendance_date=occ.attendance_date)
        session.add(record)
    # An ABSENT row written early (or by HR) becomes a real check-in when the employee does turn up.
    record.shift_id = shift.id
    record.check_in_time = at
    record.check_in_camera_id = camera_id
    record.status = verdict.status
    record.grace_period_applied = verdict.grace_period_applied
    record.is_early_exit = False
    record.flagged_for_review = False
    session.flush()  # the unique key (employee, date) backs the lock up: a violation is a 409, never a 2nd row
    _announce(session, record, "check_in")
    return _result(record, "check_in", skipped=False)


def _check_out(
    session: Session, employee_id: int, at: datetime, camera_id: str | None, settings: Settings
) -> PunchResult:
    _punching_employee(session, employee_id)
    since = at - timedelta(hours=settings.attendance.max_shift_hours)
    record = repository.latest_check_in(session, employee_id, before=at, after=since)
    if record is None:
        raise ConflictError(
            f"employee {employee_id} has no check-in in the {settings.attendance.max_shift_hours:g} hours "
            "before this check-out",
            code="no_open_check_in",
        )
    if record.check_out_time is not None and at <= record.check_out_time:
        return _result(record, "check_out", skipped=True)  # an earlier or repeated check-out changes nothing
    shift = organization.get_shift(session, record.shift_id) if record.shift_id is not None else None
    early = False
    if shift is not None:
        rule = shift_rule(shift)
        early = is_early_exit(rule, occurrence_on(rule, record.attendance_date, settings.site.tz), at)
    record.check_out_time = at
    record.check_out_camera_id = camera_id
    record.is_early_exit = early
    record.flagged_for_review = early
    session.flush()
    _announce(session, record, "check_out")
    return _result(record, "check_out", skipped=False)


def _announce(session: Session, record: AttendanceRecord, kind: str) -> None:
    at = record.check_in_time if kind == "check_in" else record.check_out_time
    camera = record.check_in_camera_id if kind == "check_in" else record.check_out_camera_id
    payload = {
        "attendance_id": record.id,
        "employee_id": record.employee_id,
        "kind": kind,
        "time": at.isoformat() if at else None,
        "status": str(record.status) if record.status else None,
        "is_early_exit": record.is_early_exit,
        "camera_id": camera,
    }
    publish_after_commit(session, PUNCH.pattern, payload)


# --- records, HR corrections, absences -----------------------------------------------------------------------


def get_record(session: Session, record_id: int) -> AttendanceRecord:
    record = repository.get_record(session, record_id)
    if record is None:
        raise NotFoundError(f"attendance record {record_id} not found")
    return record


_CORRECTABLE = ("check_in_time", "check_out_time", "status", "is_early_exit", "flagged_for_review")


def _snapshot(record: AttendanceRecord) -> dict[str, Any]:
    values = {field: getattr(record, field) for field in (*_CORRECTABLE, "grace_period_applied")}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def correct_record(
    session: Session, record_id: int, data: AttendanceCorrectionCreate, user: User, settings: Settings
) -> AttendanceRecord:
    """Apply an HR correction and keep who changed what, from what, when and why.

    Changed times re-derive what depends on them (status and grace from the check-in, the early-exit flag
    from the check-out) unless the correction sets those explicitly.
    """
    record = get_record(session, record_id)
    before = _snapshot(record)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    check_in = changes.get("check_in_time", record.check_in_time)
    check_out = changes.get("check_out_time", record.check_out_time)
    if check_in is not None and check_out is not None and check_out <= check_in:
        raise ValidationFailedError("check_out_time must be after check_in_time", field="check_out_time")
    if changes.get("status") in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and check_in is None:
        raise ValidationFailedError("PRESENT or LATE needs a check_in_time", field="status")

    shift = organization.get_shift(session, record.shift_id) if record.shift_id is not None else None
    occ = occurrence_on(shift_rule(shift), record.attendance_date, settings.site.tz) if shift else None
    for field, value in changes.items():
        setattr(record, field, value.astimezone(UTC) if isinstance(value, datetime) else value)
    if "check_in_time" in changes and shift and occ:
        if record.check_in_time is None:
            record.grace_period_applied = False
            if "status" not in changes:
                record.status = AttendanceStatus.ABSENT
        else:
            verdict = evaluate_check_in(shift_rule(shift), occ, record.check_in_time)
            record.grace_period_applied = verdict.grace_period_applied
            if "status" not in changes:
                record.status = verdict.status
    if "check_out_time" in changes and shift and occ and "is_early_exit" not in changes:
        early = record.check_out_time is not None and is_early_exit(shift_rule(shift), occ, record.check_out_time)
        record.is_early_exit = early
        if "flagged_for_review" not in changes:
            record.flagged_for_review = early
    after = _snapshot(record)
    diff = {k: {"old": before[k], "new": after[k]} for k in before if before[k] != after[k]}
    if not diff:
        raise ValidationFailedError("the correction changes nothing", code="no_change")
    session.add(
        AttendanceCorrection(
            attendance_id=record.id,
            changed_by_id=user.id,
            changed_by_username=user.username,
            changed_at=utcnow(),
            reason=data.reason,
            changes=diff,
        )
    )
    session.flush()
    return record


def record_history(
    session: Session, record_id: int
) -> tuple[AttendanceRecord, dict[str, Any], Sequence[AttendanceCorrection]]:
    record = get_record(session, record_id)
    corrections = repository.corrections_for(session, record.id)
    original = _snapshot(record)
    for correction in reversed(corrections):  # walk back from the current values to the first ones
        for field, change in correction.changes.items():
            original[field] = change["old"]
    return record, original, corrections


def is_expected_at_work(
    employee: Employee, shift: Shift | None, attendance_date: date, settings: Settings, now: datetime
) -> bool:
    """Whether missing that day's check-in makes the employee absent: an active employee who had joined by then, on
    an active shift, a working day, and the shift run is over."""
    if not employee.is_active or shift is None or not shift.is_active or attendance_date < employee.joined_on:
        return False
    if WEEKDAYS[attendance_date.weekday()] in settings.attendance.weekly_off_days:
        return False
    return occurrence_on(shift_rule(shift), attendance_date, settings.site.tz).end <= now


def mark_absent(session: Session, attendance_date: date, settings: Settings, now: datetime | None = None) -> AbsenceRun:
    """Write ABSENT for active employees whose shift run on that date has ended without a check-in.

    Idempotent: employees with any record for the date are skipped, and the unique key (employee, date)
    turns a concurrent second run into a no-op. The site's weekly off day marks nobody.
    """
    now = now or utcnow()
    weekday = WEEKDAYS[attendance_date.weekday()]
    if weekday in settings.attendance.weekly_off_days:
        return AbsenceRun(attendance_date=attendance_date, marked_absent=0, skipped_reason=f"weekly off ({weekday})")
    marked: list[int] = []
    for employee, shift in repository.employees_missing_record(session, attendance_date):
        if not is_expected_at_work(employee, shift, attendance_date, settings, now):
            continue
        # The punches' lock: a check-in or another run may have written the record since the list was read.
        repository.employee_with_shift_for_update(session, employee.id)
        if repository.get_record_for_date(session, employee.id, attendance_date) is not None:
            continue
        session.add(
            AttendanceRecord(
                employee_id=employee.id,
                shift_id=shift.id,
                attendance_date=attendance_date,
                status=AttendanceStatus.ABSENT,
            )
        )
        session.flush()
        marked.append(employee.id)
    system.record(
        session,
        "attendance.mark_absent",
        f"{len(marked)} employee(s) marked absent for {attendance_date.isoformat()}",
        details={"attendance_date": attendance_date.isoformat(), "marked_absent": len(marked)},
    )
    if marked:
        payload = {"attendance_date": attendance_date.isoformat(), "employee_ids": marked}
        publish_after_commit(session, ABSENCES.pattern, payload)
    return AbsenceRun(attendance_date=attendance_date, marked_absent=len(marked))


def list_records(session: Session, page: PageParams, **filters: Any) -> tuple[Sequence[AttendanceRecord], int]:
    return repository.list_records(session, page, **filters)


def all_records(session: Session, limit: int, **filters: Any) -> Sequence[AttendanceRecord]:
    return repository.all_records(session, limit, **filters)
