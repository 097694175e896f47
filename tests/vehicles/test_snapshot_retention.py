"""Gate pictures age out with the face snapshots: the 90-day cleanup deletes them and clears vehicle_log and
vehicle_alert references."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy.orm import Session

from factoryai.core.config import Settings
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import watchlist_key
from tests.db_helpers import stored
from tests.vehicles.test_ocr import render_plate
from tests.vehicles.test_recognize_api import RECOGNIZE, _png


def test_old_gate_pictures_are_deleted_and_unreferenced(
    client, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    session.add(WatchlistEntry(plate_number="MH12AB1234", plate_key=watchlist_key("MH12AB1234"), list="blocked"))
    session.commit()
    plate = _png(render_plate(["MH 12 AB 1234"]))
    result = client.post(RECOGNIZE, files={"image": ("p.png", plate, "image/png")}, headers=admin_headers).json()
    log = stored(session, VehicleLog, result["vehicle_log_id"])
    picture = Path(settings.identity.snapshot_dir) / log["snapshot_path"]
    hundred_days_ago = time.time() - 100 * 86400
    os.utime(picture, (hundred_days_ago, hundred_days_ago))

    report = client.post("/api/v1/identity/cleanup-snapshots", headers=admin_headers).json()

    assert report["files_deleted"] == 1
    assert not picture.exists()
    assert stored(session, VehicleLog, result["vehicle_log_id"])["snapshot_path"] is None
    alerts = session.query(VehicleAlert).all()
    assert [a.snapshot_path for a in alerts] == [None]  # the alert kept its row, not the picture
    session.rollback()
