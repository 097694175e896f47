"""Unknown faces for HR: the list (filters, pages), the snapshot download, dismiss, and assign with its punch as of
when the face was seen. Enrolling the crop (enroll=true) needs the face engine and is tested with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.cameras.models import Camera
from factoryai.core.config import Settings
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity.models import AccessLog, UnknownAttendance
from factoryai.organization.models import Employee, Shift
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

SITE = ZoneInfo("Asia/Kolkata")
UNKNOWN = "/api/v1/identity/unknown-faces"
JPEG = b"\xff\xd8\xff\xe0 a face crop"
PNG = b"\x89PNG\r\n\x1a\n a face crop"


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in November 2026, site time (all of it in the past for these tests)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SITE)


@dataclass
class Site:
    employee: int
    no_shift: int


@pytest.fixture
def site(session: Session) -> Site:
    shift = Shift(shift_name="General", start_time=time(8), end_time=time(17), grace_period_minutes=5)
    session.add_all(
        [
            shift,
            Camera(id="CAM-GATE", name="Gate", source_url="synthetic://x", role="entrance"),
            Camera(id="CAM-YARD", name="Yard", source_url="synthetic://x", role="entrance"),
            Camera(id="CAM-EXIT", name="Exit", source_url="synthetic://x", role="exit"),
        ]
    )
    session.flush()
    asha = Employee(name="Asha", email="asha@example.com", shift_id=shift.id)
    drifter = Employee(name="Dev", email="dev@example.com")  # no shift: cannot punch
    session.add_all([asha, drifter])
    session.commit()
    return Site(employee=asha.id, no_shift=drifter.id)


@pytest.fixture
def store(settings: Settings) -> SnapshotStore:
    return SnapshotStore(settings.identity.snapshot_dir)


def user_id(client: Any, headers: dict[str, str]) -> int:
    return client.get("/api/v1/auth/me", headers=headers).json()["id"]


def unknown(
    session: Session,
    store: SnapshotStore,
    at: datetime,
    camera_id: str | None = "CAM-GATE",
    status: str = "pending",
    data: bytes | None = JPEG,
    **extra: Any,
) -> int:
    path = None
    if data is not None:
        path = store.save("unknown", data, at, ".png" if data.startswith(b"\x89PNG") else ".jpg")
    row = UnknownAttendance(camera_id=camera_id, detected_at=at, snapshot_path=path, status=status, **extra)
    session.add(row)
    session.commit()
    return row.id


def unchanged_pending(session: Session, unknown_id: int) -> None:
    row = stored(session, UnknownAttendance, unknown_id)
    assert (row["status"], row["assigned_employee_id"], row["assigned_by_id"], row["assigned_at"]) == (
        "pending",
        None,
        None,
        None,
    )


def instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed.astimezone(UTC)


# --- list ------------------------------------------------------------------------------------------------------


@pytest.fixture
def five(session: Session, store: SnapshotStore, site: Site) -> list[int]:
    """Five faces, oldest first: (day, camera, status)."""
    rows = [
        (20, "CAM-GATE", "pending"),
        (21, "CAM-YARD", "pending"),
        (22, "CAM-GATE", "dismissed"),
        (23, None, "pending"),
        (24, "CAM-GATE", "assigned"),
    ]
    ids = []
    for day, camera, status in rows:
        extra = {"assigned_employee_id": site.employee} if status == "assigned" else {}
        ids.append(unknown(session, store, ist(day, 8), camera, status, **extra))
    return ids


def listed(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(UNKNOWN, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_list_is_newest_first_and_filters_by_status_and_camera(client, hr, five: list[int]) -> None:
    one, two, three, four, five_ = five

    everything = listed(client, hr)
    assert [r["id"] for r in everything["items"]] == [five_, four, three, two, one]
    assert everything["total"] == 5
    first = everything["items"][-1]
    assert instant(first["detected_at"]) == ist(20, 8).astimezone(UTC)
    assert (first["camera_id"], first["status"]) == ("CAM-GATE", "pending")
    assert first["snapshot_path"].startswith("unknown/2026/11/20/")

    assert [r["id"] for r in listed(client, hr, status="pending")["items"]] == [four, two, one]
    assert [r["id"] for r in listed(client, hr, status="assigned")["items"]] == [five_]
    assert [r["id"] for r in listed(client, hr, camera_id="CAM-GATE")["items"]] == [five_, three, one]
    both = listed(client, hr, status="pending", camera_id="CAM-GATE")
    assert ([r["id"] for r in both["items"]], both["total"]) == ([one], 1)
    assert listed(client, hr, camera_id="CAM-NOWHERE") == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_list_pages_keep_the_total_and_the_order(client, hr, five: list[int]) -> None:
    pages = [listed(client, hr, limit=2, offset=offset) for offset in (0, 2, 4, 6)]

    assert [[r["id"] for r in p["items"]] for p in pages] == [five[4:2:-1], five[2:0:-1], five[:1], []]
    assert [(p["total"], p["limit"], p["offset"]) for p in pages] == [(5, 2, 0), (5, 2, 2), (5, 2, 4), (5, 2, 6)]
    pending_page = listed(client, hr, status="pending", limit=1, offset=1)
    assert ([r["id"] for r in pending_page["items"]], pending_page["total"]) == ([five[1]], 3)


def test_faces_seen_at_the_same_instant_page_without_gaps_or_repeats(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    ids = [unknown(session, store, ist(25, 8), "CAM-GATE") for _ in range(7)]

    seen = [r["id"] for offset in range(0, 9, 3) for r in listed(client, hr, limit=3, offset=offset)["items"]]

    assert seen == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    "params",
    [{"status": "open"}, {"limit": 0}, {"limit": 501}, {"offset": -1}, {"camera_id": "C" * 51}],
)
def test_list_refuses_bad_parameters(client, hr, params: dict[str, Any]) -> None:
    assert_error(client.get(UNKNOWN, params=params, headers=hr), 422, "validation_error")


# --- snapshot ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "media_type"), [(JPEG, "image/jpeg"), (PNG, "image/png")])
def test_snapshot_download_returns_the_stored_bytes(
    client, hr, session: Session, store: SnapshotStore, site: Site, data: bytes, media_type: str
) -> None:
    face = unknown(session, store, ist(24, 8), data=data)

    response = client.get(f"{UNKNOWN}/{face}/snapshot", headers=hr)

    assert response.status_code == 200, response.text
    assert response.content == data
    assert response.headers["content-type"] == media_type


def test_snapshot_that_is_gone_is_a_404(client, hr, session: Session, store: SnapshotStore, site: Site) -> None:
    face = unknown(session, store, ist(24, 8))
    (store.root / stored(session, UnknownAttendance, face)["snapshot_path"]).unlink()
    never_had_one = unknown(session, store, ist(24, 9), data=None)

    error = assert_error(client.get(f"{UNKNOWN}/{face}/snapshot", headers=hr), 404, "not_found")
    assert str(face) in error["message"]
    assert_error(client.get(f"{UNKNOWN}/{never_had_one}/snapshot", headers=hr), 404, "not_found")
    assert_error(client.get(f"{UNKNOWN}/999999/snapshot", headers=hr), 404, "not_found")
    assert_error(client.get(f"{UNKNOWN}/0/snapshot", headers=hr), 422, "validation_error")


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_snapshot_never_serves_a_file_outside_the_root(
    client, hr, session: Session, store: SnapshotStore, site: Site, tmp_path: Path, how: str
) -> None:
    outside = tmp_path / "outside" / "2026" / "11" / "24"
    outside.mkdir(parents=True)
    (outside / "secret.jpg").write_bytes(JPEG + b" not a snapshot")
    if how == "symlink":
        (store.root / "unknown" / "2026" / "11").mkdir(parents=True)
        (store.root / "unknown" / "2026" / "11" / "24").symlink_to(outside, target_is_directory=True)
        path = "unknown/2026/11/24/secret.jpg"
    else:
        path = "unknown/../../outside/2026/11/24/secret.jpg" if how == "dotdot" else str(outside / "secret.jpg")
    row = UnknownAttendance(camera_id=None, detected_at=ist(24, 8), snapshot_path=path, status="pending")
    session.add(row)
    session.commit()

    assert_error(client.get(f"{UNKNOWN}/{row.id}/snapshot", headers=hr), 404, "not_found")


# --- dismiss ---------------------------------------------------------------------------------------------------


def test_dismiss_once_then_422(client, hr, session: Session, store: SnapshotStore, site: Site) -> None:
    face = unknown(session, store, ist(24, 8))

    response = client.post(f"{UNKNOWN}/{face}/dismiss", headers=hr)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["status"], body["assigned_employee_id"], body["assigned_by_id"]) == (
        face,
        "dismissed",
        None,
        user_id(client, hr),
    )
    assert body["assigned_at"] is not None
    row = stored(session, UnknownAttendance, face)
    assert (row["status"], row["assigned_by_id"], row["assigned_at"]) == (
        "dismissed",
        body["assigned_by_id"],
        instant(body["assigned_at"]),
    )

    again = assert_error(client.post(f"{UNKNOWN}/{face}/dismiss", headers=hr), 422, "validation_error")
    assert [d["status"] for d in again["details"]] == ["dismissed"]
    assert stored(session, UnknownAttendance, face) == row
    late = client.post(f"{UNKNOWN}/{face}/assign", json={"employee_id": site.employee}, headers=hr)
    assert_error(late, 422, "validation_error")
    assert stored(session, UnknownAttendance, face) == row
    assert count_rows(session, AttendanceRecord) == 0


def test_dismiss_of_a_face_that_does_not_exist_is_a_404(client, hr, site: Site) -> None:
    assert_error(client.post(f"{UNKNOWN}/999999/dismiss", headers=hr), 404, "not_found")


# --- assign ----------------------------------------------------------------------------------------------------


def test_assign_records_the_punch_as_of_when_the_face_was_seen(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    seen = ist(24, 8, 2)  # inside the 5-minute grace
    face = unknown(session, store, seen, "CAM-GATE")

    response = client.post(f"{UNKNOWN}/{face}/assign", json={"employee_id": site.employee}, headers=hr)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["enrollment_id"] is None
    assigned = body["unknown"]
    assert (assigned["id"], assigned["status"], assigned["assigned_employee_id"], assigned["assigned_by_id"]) == (
        face,
        "assigned",
        site.employee,
        user_id(client, hr),
    )
    punch = body["punch"]
    assert (punch["action"], punch["employee_id"], punch["attendance_date"], punch["status"]) == (
        "check_in",
        site.employee,
        "2026-11-24",
        "PRESENT",
    )
    assert (punch["is_late"], punch["grace_period_applied"], punch["skipped_duplicate"]) == (False, True, False)
    assert instant(punch["check_in_time"]) == seen.astimezone(UTC)

    record = stored(session, AttendanceRecord, punch["attendance_id"])
    assert (record["employee_id"], record["attendance_date"], record["check_in_camera_id"]) == (
        site.employee,
        date(2026, 11, 24),
        "CAM-GATE",
    )
    assert record["check_in_time"] == seen.astimezone(UTC)
    row = stored(session, UnknownAttendance, face)
    assert (row["status"], row["assigned_employee_id"], row["assigned_by_id"]) == (
        "assigned",
        site.employee,
        assigned["assigned_by_id"],
    )
    assert row["snapshot_path"] is not None  # the crop stays for HR
    assert count_rows(session, AccessLog) == 0  # HR's word is not a face match


def test_assign_at_an_exit_camera_is_a_check_out(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    morning = unknown(session, store, ist(24, 7, 58), "CAM-GATE")
    evening = unknown(session, store, ist(24, 17, 10), "CAM-EXIT")

    first = client.post(f"{UNKNOWN}/{morning}/assign", json={"employee_id": site.employee}, headers=hr).json()
    second = client.post(f"{UNKNOWN}/{evening}/assign", json={"employee_id": site.employee}, headers=hr).json()

    assert first["punch"]["action"] == "check_in"
    assert second["punch"]["action"] == "check_out"
    assert second["punch"]["attendance_id"] == first["punch"]["attendance_id"]
    assert instant(second["punch"]["check_out_time"]) == ist(24, 17, 10).astimezone(UTC)
    assert second["punch"]["is_early_exit"] is False
    assert count_rows(session, AttendanceRecord) == 1


def test_assign_without_attendance_only_marks_the_face(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    face = unknown(session, store, ist(24, 8))

    body = {"employee_id": site.employee, "record_attendance": False}
    response = client.post(f"{UNKNOWN}/{face}/assign", json=body, headers=hr)

    assert response.status_code == 200, response.text
    assert (response.json()["punch"], response.json()["enrollment_id"]) == (None, None)
    assert stored(session, UnknownAttendance, face)["status"] == "assigned"
    assert count_rows(session, AttendanceRecord) == 0


def test_assign_to_an_unknown_employee_is_a_404_and_changes_nothing(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    face = unknown(session, store, ist(24, 8))

    error = assert_error(client.post(f"{UNKNOWN}/{face}/assign", json={"employee_id": 999999}, headers=hr), 404)

    assert error["code"] == "not_found"
    assert "999999" in error["message"]
    unchanged_pending(session, face)
    assert count_rows(session, AttendanceRecord) == 0


@pytest.mark.parametrize(
    ("who", "seen", "code"),
    [
        ("no_shift", ist(24, 8), "employee_without_shift"),
        ("employee", ist(24, 3), "outside_shift_window"),  # 03:00: no check-in window is open
    ],
)
def test_a_punch_that_is_refused_leaves_the_face_pending(
    client, hr, session: Session, store: SnapshotStore, site: Site, who: str, seen: datetime, code: str
) -> None:
    face = unknown(session, store, seen)

    response = client.post(f"{UNKNOWN}/{face}/assign", json={"employee_id": getattr(site, who)}, headers=hr)

    assert_error(response, 422, code)
    unchanged_pending(session, face)
    assert count_rows(session, AttendanceRecord) == 0


def test_assign_works_once(client, hr, session: Session, store: SnapshotStore, site: Site) -> None:
    face = unknown(session, store, ist(24, 8))
    url = f"{UNKNOWN}/{face}/assign"
    assert client.post(url, json={"employee_id": site.employee}, headers=hr).status_code == 200
    row = stored(session, UnknownAttendance, face)

    again = assert_error(client.post(url, json={"employee_id": site.employee}, headers=hr), 422, "validation_error")

    assert [d["status"] for d in again["details"]] == ["assigned"]
    assert stored(session, UnknownAttendance, face) == row
    assert count_rows(session, AttendanceRecord) == 1
    assert_error(client.post(f"{UNKNOWN}/999999/assign", json={"employee_id": site.employee}, headers=hr), 404)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"employee_id": 0},
        {"employee_id": 2**63},
        {"employee_id": "asha"},
        {"employee_id": 1, "record_attendance": "maybe"},
        {"employee_id": 1, "notify": True},
    ],
)
def test_bad_assign_bodies_are_422_and_change_nothing(
    client, hr, session: Session, store: SnapshotStore, site: Site, body: dict[str, Any]
) -> None:
    face = unknown(session, store, ist(24, 8))

    assert_error(client.post(f"{UNKNOWN}/{face}/assign", json=body, headers=hr), 422, "validation_error")

    unchanged_pending(session, face)


# --- roles -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("security", 403), ("viewer", 403), (None, 401)])
def test_only_hr_and_admin_see_and_resolve_unknown_faces(
    client, make_user, session: Session, store: SnapshotStore, site: Site, role: str | None, status: int
) -> None:
    face = unknown(session, store, ist(24, 8))
    headers = make_user(role) if role else {}

    assert_error(client.get(UNKNOWN, headers=headers), status)
    assert_error(client.get(f"{UNKNOWN}/{face}/snapshot", headers=headers), status)
    assert_error(client.post(f"{UNKNOWN}/{face}/dismiss", headers=headers), status)
    assign = client.post(f"{UNKNOWN}/{face}/assign", json={"employee_id": site.employee}, headers=headers)
    assert_error(assign, status)

    unchanged_pending(session, face)
    assert count_rows(session, AttendanceRecord) == 0


def test_admin_may_do_what_hr_does(client, admin_headers, session: Session, store: SnapshotStore, site: Site) -> None:
    face = unknown(session, store, ist(24, 8))

    assert listed(client, admin_headers)["total"] == 1
    assert client.get(f"{UNKNOWN}/{face}/snapshot", headers=admin_headers).content == JPEG
    dismissed = client.post(f"{UNKNOWN}/{face}/dismiss", headers=admin_headers)
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["assigned_by_id"] == user_id(client, admin_headers)


def test_faces_seen_long_ago_are_still_listed_after_the_snapshot_is_gone(
    client, hr, session: Session, store: SnapshotStore, site: Site
) -> None:
    """A cleared snapshot reference (retention) leaves the face listable and assignable."""
    face = unknown(session, store, ist(24, 8) - timedelta(days=200), data=None)

    assert [r["snapshot_path"] for r in listed(client, hr)["items"]] == [None]
    body = {"employee_id": site.employee, "record_attendance": False}
    assert client.post(f"{UNKNOWN}/{face}/assign", json=body, headers=hr).status_code == 200
