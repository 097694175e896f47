"""POST /api/v1/vehicle/recognize: image → plate read (real rapidocr, real YOLOX) → quality gate → vehicle_log."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factoryai.api.app import create_app
from factoryai.core.config import Settings
from factoryai.vehicles.models import VehicleAlert, VehicleLog, WatchlistEntry
from factoryai.vehicles.plates import watchlist_key
from factoryai.vision.detector import DEFAULT_MODEL
from tests.conftest import ADMIN_PASSWORD, assert_error
from tests.db_helpers import count_rows, stored
from tests.vehicles.test_ocr import YELLOW, render_plate, synthetic_scene

RECOGNIZE = "/api/v1/vehicle/recognize"


def _jpeg(image: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


def _png(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


@pytest.fixture(scope="module")
def one_row() -> bytes:
    return _png(render_plate(["MH 12 AB 1234"]))


@pytest.fixture(scope="module")
def two_row_scene() -> bytes:
    return _jpeg(synthetic_scene(render_plate(["KL 07", "BZ 4125"], YELLOW), (560, 500)))


def test_a_plate_crop_is_read_and_decided(client, guard, session: Session, one_row: bytes, settings: Settings) -> None:
    response = client.post(RECOGNIZE, files={"image": ("plate.png", one_row, "image/png")}, headers=guard)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["plate_number"], result["valid"], result["status"]) == ("MH12AB1234", True, "UNKNOWN")
    assert result["frames_used"] == 1
    assert result["reads"][0]["text"] == "MH12AB1234"
    log = stored(session, VehicleLog, result["vehicle_log_id"])
    assert log["plate_number"] == "MH12AB1234"
    assert log["snapshot_path"].startswith("vehicles/")
    assert (Path(settings.identity.snapshot_dir) / log["snapshot_path"]).is_file()


def test_a_two_row_plate_in_a_720p_scene_is_found_and_joined_top_to_bottom(
    client, guard, two_row_scene: bytes, gate_camera: str
) -> None:
    response = client.post(
        RECOGNIZE,
        files={"image": ("gate.jpg", two_row_scene, "image/jpeg")},
        data={"camera_id": gate_camera},
        headers=guard,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["plate_number"] == "KL07BZ4125"
    assert result["reads"][0]["rows"] == ["KL07", "BZ4125"]
    box = result["reads"][0]["plate_box"]
    assert 540 <= box["left"] <= 600
    assert 480 <= box["top"] <= 560


def test_frames_of_one_pass_are_voted_into_one_decision_and_one_row(
    client, guard, session: Session, gate_camera: str
) -> None:
    clean = _png(render_plate(["KA 01 AB 1234"]))
    frames = [("images", (f"f{i}.png", clean, "image/png")) for i in range(3)]
    response = client.post(RECOGNIZE, files=frames, data={"camera_id": gate_camera}, headers=guard)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["plate_number"] == "KA01AB1234"
    assert result["frames_used"] == 3
    assert len(result["reads"]) == 3
    assert count_rows(session, VehicleLog) == 1


def test_the_same_plate_within_the_cooldown_is_not_logged_twice(
    client, guard, session: Session, one_row: bytes, gate_camera: str, settings: Settings
) -> None:
    files = {"image": ("plate.png", one_row, "image/png")}
    first = client.post(RECOGNIZE, files=files, data={"camera_id": gate_camera}, headers=guard).json()
    second = client.post(RECOGNIZE, files=files, data={"camera_id": gate_camera}, headers=guard).json()
    assert first["duplicate_of"] is None
    assert first["should_trigger_gate_event"] is True
    assert second["duplicate_of"] == first["vehicle_log_id"]
    assert second["should_trigger_gate_event"] is False  # the barrier was already told
    assert count_rows(session, VehicleLog) == 1
    snapshots = list((Path(settings.identity.snapshot_dir) / "vehicles").rglob("*.jpg"))
    assert len(snapshots) == 1  # the duplicate's picture is not kept


def test_without_a_camera_there_is_no_cooldown(client, guard, session: Session, one_row: bytes) -> None:
    files = {"image": ("plate.png", one_row, "image/png")}
    for _ in range(2):
        assert client.post(RECOGNIZE, files=files, headers=guard).status_code == 200
    assert count_rows(session, VehicleLog) == 2


def test_a_blocked_plate_raises_an_alert_with_the_snapshot(
    client, guard, session: Session, one_row: bytes, gate_camera: str
) -> None:
    session.add(
        WatchlistEntry(plate_number="MH12AB1234", plate_key=watchlist_key("MH12AB1234"), list="blocked", reason="ban")
    )
    session.commit()
    result = client.post(
        RECOGNIZE, files={"image": ("p.png", one_row, "image/png")}, data={"camera_id": gate_camera}, headers=guard
    ).json()
    assert result["status"] == "BLOCKED"
    assert result["should_trigger_gate_event"] is False
    alerts = session.query(VehicleAlert).all()
    session.rollback()
    assert len(alerts) == 1
    assert alerts[0].snapshot_path == stored(session, VehicleLog, result["vehicle_log_id"])["snapshot_path"]


def test_an_image_without_a_plate_is_a_clear_422_and_logs_nothing(client, guard, session: Session) -> None:
    blank = _jpeg(np.full((720, 1280, 3), 128, dtype=np.uint8))
    response = client.post(RECOGNIZE, files={"image": ("blank.jpg", blank, "image/jpeg")}, headers=guard)
    assert_error(response, 422, "no_plate_found")
    assert count_rows(session, VehicleLog) == 0


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"GIF89a not a plate", 422),
        (b"\xff\xd8\xff\xe0 truncated jpeg", 422),
    ],
)
def test_bad_images_are_refused(client, guard, session: Session, payload: bytes, status: int) -> None:
    response = client.post(RECOGNIZE, files={"image": ("x.jpg", payload, "image/jpeg")}, headers=guard)
    assert_error(response, status)
    assert count_rows(session, VehicleLog) == 0


def test_frame_count_limits(client, guard, one_row: bytes, settings: Settings) -> None:
    assert_error(client.post(RECOGNIZE, data={"camera_id": "x"}, headers=guard), 422)
    too_many = [("images", (f"{i}.png", one_row, "image/png")) for i in range(settings.vehicles.vote_frames + 1)]
    assert_error(client.post(RECOGNIZE, files=too_many, headers=guard), 422)


def test_an_unknown_camera_is_refused(client, guard, one_row: bytes) -> None:
    files = {"image": ("plate.png", one_row, "image/png")}
    assert_error(client.post(RECOGNIZE, files=files, data={"camera_id": "NOPE"}, headers=guard), 422)


def _post_with(settings: Settings, engine, files: dict) -> object:
    """One request to an app built on other settings, as the bootstrap admin."""
    with TestClient(create_app(settings, engine=engine)) as client:
        login = {"username": "admin", "password": ADMIN_PASSWORD}
        token = client.post("/api/v1/auth/login", data=login).json()["access_token"]
        return client.post(RECOGNIZE, files=files, headers={"Authorization": f"Bearer {token}"})


def test_an_oversized_frame_is_413(settings: Settings, clean_db) -> None:
    small = settings.model_copy(update={"vehicles": settings.vehicles.model_copy(update={"max_image_mb": 0.001})})
    response = _post_with(small, clean_db, {"image": ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 4096)})
    assert_error(response, 413)


def test_roles(client, make_user, one_row: bytes) -> None:
    files = {"image": ("plate.png", one_row, "image/png")}
    assert_error(client.post(RECOGNIZE, files=files), 401)
    assert_error(client.post(RECOGNIZE, files=files, headers=make_user("viewer")), 403)


def test_a_detector_model_given_by_path_reads_the_same(settings: Settings, clean_db, two_row_scene: bytes) -> None:
    with_detector = settings.model_copy(
        update={"video": settings.video.model_copy(update={"detector_model_path": DEFAULT_MODEL})}
    )
    response = _post_with(with_detector, clean_db, {"image": ("gate.jpg", two_row_scene, "image/jpeg")})
    assert response.status_code == 200, response.text
    assert response.json()["plate_number"] == "KL07BZ4125"


def test_a_missing_detector_model_is_a_clear_503(settings: Settings, clean_db, one_row: bytes, tmp_path: Path) -> None:
    broken = settings.model_copy(
        update={"video": settings.video.model_copy(update={"detector_model_path": tmp_path / "missing.onnx"})}
    )
    response = _post_with(broken, clean_db, {"image": ("plate.png", one_row, "image/png")})
    assert_error(response, 503)
    assert "detector_model_path" in response.json()["error"]["message"]


def test_easyocr_without_the_extra_is_a_clear_503(settings: Settings, clean_db, one_row: bytes) -> None:
    easy = settings.model_copy(update={"vehicles": settings.vehicles.model_copy(update={"ocr_engine": "easyocr"})})
    response = _post_with(easy, clean_db, {"image": ("plate.png", one_row, "image/png")})
    assert_error(response, 503)
    assert "factoryai[easyocr]" in response.json()["error"]["message"]


def test_a_pixel_bomb_and_a_thin_strip_are_refused_before_decoding(client, guard, session: Session) -> None:
    from tests.vision.test_images import png_header_only

    for image in (png_header_only(20_000, 20_000), _png(np.full((1, 300, 3), 255, dtype=np.uint8))):
        response = client.post(RECOGNIZE, files={"image": ("x.png", image, "image/png")}, headers=guard)
        assert_error(response, 422)
    assert count_rows(session, VehicleLog) == 0
