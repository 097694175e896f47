"""The per-camera cooldown: the same decision on the same plate is one vehicle pass; a different decision is not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.vehicles import service
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import watchlist_key
from factoryai.vehicles.schemas import PlateValidationRequest
from tests.db_helpers import count_rows

PLATE = "MH12AB1234"


def _read(session: Session, settings: Settings, confidence: float, camera: str | None = "CAM-GATE"):
    request = PlateValidationRequest(plate_text=PLATE, confidence=confidence, camera_id=camera)
    result = service.validate_plate(session, request, settings, cooldown_seconds=60)
    session.commit()
    return result


def test_the_same_decision_again_is_the_same_pass(session: Session, settings: Settings, gate_camera: str) -> None:
    first, second = _read(session, settings, 0.97), _read(session, settings, 0.99)
    assert (first.duplicate_of, second.duplicate_of) == (None, first.vehicle_log_id)
    assert second.should_trigger_gate_event is False
    assert count_rows(session, VehicleLog) == 1


def test_an_unsure_read_never_hides_the_sure_one_after_it(
    session: Session, settings: Settings, gate_camera: str
) -> None:
    session.add(WatchlistEntry(plate_number=PLATE, plate_key=watchlist_key(PLATE), list="blocked", reason="ban"))
    session.commit()
    unsure = _read(session, settings, 0.80)
    sure = _read(session, settings, 0.97)
    assert unsure.status.value == "REJECTED"
    assert (sure.status.value, sure.duplicate_of) == ("BLOCKED", None)
    assert count_rows(session, VehicleLog) == 2
    assert count_rows(session, VehicleAlert) == 1  # the guard is alerted


def test_rejected_reads_are_each_logged_for_review(session: Session, settings: Settings, gate_camera: str) -> None:
    _read(session, settings, 0.5)
    _read(session, settings, 0.6)
    assert count_rows(session, VehicleLog) == 2


def test_a_watchlist_change_within_the_cooldown_shows(session: Session, settings: Settings, gate_camera: str) -> None:
    assert _read(session, settings, 0.97).status.value == "UNKNOWN"
    session.add(WatchlistEntry(plate_number=PLATE, plate_key=watchlist_key(PLATE), list="allowed", reason="staff"))
    session.commit()
    again = _read(session, settings, 0.97)
    assert (again.status.value, again.duplicate_of, again.should_trigger_gate_event) == ("AUTHORIZED", None, True)
