"""Recognised punches leave an access-log trail that HR and the gate guard can read."""

from __future__ import annotations

from datetime import time

from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera
from factoryai.organization.models import Employee, Shift
from tests.conftest import assert_error

LOG = "/api/v1/identity/access-log"


def _arrange(session: Session) -> tuple[int, int]:
    shift = Shift(shift_name="General", start_time=time(8), end_time=time(17), grace_period_minutes=5)
    session.add_all([shift, Camera(id="CAM-MAIN", name="Main", source_url="synthetic://x", role="entrance")])
    session.flush()
    a = Employee(name="Asha", email="asha@example.com", shift_id=shift.id)
    b = Employee(name="Bala", email="bala@example.com", shift_id=shift.id)
    session.add_all([a, b])
    session.commit()
    return a.id, b.id


def test_recognised_punches_are_listed_newest_first(client, session: Session, make_user) -> None:
    asha, bala = _arrange(session)
    hr = make_user("hr")
    punches = [
        (asha, "2026-10-05T08:01:00+05:30", 97.5),
        (asha, "2026-10-05T08:03:00+05:30", 96.0),  # duplicate check-in: still seen, still logged
        (bala, "2026-10-05T08:02:00+05:30", 91.2),
    ]
    for employee_id, ts, confidence in punches:
        body = {"employee_id": employee_id, "timestamp": ts, "camera_id": "CAM-MAIN", "confidence": confidence}
        assert client.post("/api/v1/attendance/check-in", json=body, headers=hr).status_code == 200
    manual = {"employee_id": bala, "timestamp": "2026-10-06T08:00:00+05:30"}  # no confidence: not a recognition
    assert client.post("/api/v1/attendance/check-in", json=manual, headers=hr).status_code == 200

    everything = client.get(LOG, headers=make_user("security")).json()
    assert everything["total"] == 3
    assert [r["confidence"] for r in everything["items"]] == [96.0, 91.2, 97.5]
    assert {r["camera_id"] for r in everything["items"]} == {"CAM-MAIN"}

    only_asha = client.get(LOG, params={"employee_id": asha}, headers=hr).json()
    assert [r["employee_id"] for r in only_asha["items"]] == [asha, asha]
    window = {"since": "2026-10-05T08:01:30+05:30", "until": "2026-10-05T08:02:30+05:30"}
    assert [r["employee_id"] for r in client.get(LOG, params=window, headers=hr).json()["items"]] == [bala]


def test_access_log_needs_hr_or_security(client, make_user) -> None:
    assert_error(client.get(LOG, headers=make_user("viewer")), 403)
    assert_error(client.get(LOG), 401)


def test_naive_time_filters_are_refused(client, make_user) -> None:
    assert_error(client.get(LOG, params={"since": "2026-10-05T08:00:00"}, headers=make_user("hr")), 422)
