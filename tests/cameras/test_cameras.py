"""/api/v1/cameras: ids safe as MQTT topic levels, source URLs with masked credentials, per-camera settings,
filters, admin-only writes and what blocks a delete."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factoryai.attendance.models import AttendanceRecord
from factoryai.cameras.models import Camera
from factoryai.occupancy.models import OccupancyLog
from factoryai.organization.models import Employee
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

URL = "/api/v1/cameras"
SECRET_URL = "rtsp://cam:s3cret-pw@10.0.0.5:554/stream1"
MASKED_URL = "rtsp://cam:***@10.0.0.5:554/stream1"
DEFAULT_SETTINGS = {"analysis_fps": None, "detection_enabled": True, "min_confidence": None, "counting_line": None}


def camera_body(camera_id: str = "CAM-MAIN", **extra: Any) -> dict[str, Any]:
    return {"id": camera_id, "name": "Main gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance", **extra}


def create(client: Any, headers: dict[str, str], camera_id: str = "CAM-MAIN", **extra: Any) -> dict[str, Any]:
    response = client.post(URL, json=camera_body(camera_id, **extra), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def ids(client: Any, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [c["id"] for c in body["items"]]


def add_occupancy(session: Session, camera_id: str) -> None:
    session.add(
        OccupancyLog(
            camera_id=camera_id, current_count=3, entries=4, exits=1, timestamp=datetime(2026, 3, 2, 9, tzinfo=UTC)
        )
    )
    session.commit()


def add_attendance(session: Session, check_in_camera: str | None, check_out_camera: str | None) -> None:
    employee = Employee(name="Ann", email="ann@example.com")
    session.add(employee)
    session.flush()
    session.add(
        AttendanceRecord(
            employee_id=employee.id,
            attendance_date=date(2026, 3, 2),
            status="PRESENT",
            check_in_time=datetime(2026, 3, 2, 7, 55, tzinfo=UTC),
            check_out_time=datetime(2026, 3, 2, 16, 5, tzinfo=UTC),
            check_in_camera_id=check_in_camera,
            check_out_camera_id=check_out_camera,
        )
    )
    session.commit()


# --- create -------------------------------------------------------------------------------------------


def test_create_cam_main_entrance(client, admin_headers, session) -> None:
    created = create(client, admin_headers, "CAM-MAIN")
    assert set(created) == {
        "id",
        "name",
        "source_url",
        "role",
        "enabled",
        "settings",
        "last_seen_at",
        "created_at",
        "updated_at",
    }
    assert created["id"] == "CAM-MAIN"
    assert created["name"] == "Main gate"
    assert created["role"] == "entrance"
    assert created["enabled"] is True
    assert created["settings"] == DEFAULT_SETTINGS
    assert created["last_seen_at"] is None
    assert created["source_url"] == "rtsp://10.0.0.5/stream"

    row = stored(session, Camera, "CAM-MAIN")
    assert (row["role"], row["enabled"], row["source_url"]) == ("entrance", True, "rtsp://10.0.0.5/stream")

    got = client.get(f"{URL}/CAM-MAIN", headers=admin_headers)
    assert got.status_code == 200
    assert got.json() == created


@pytest.mark.parametrize("role", ["entrance", "exit", "gate", "zone"])
def test_every_role_is_accepted(client, admin_headers, role) -> None:
    assert create(client, admin_headers, f"CAM-{role}", role=role)["role"] == role


@pytest.mark.parametrize("camera_id", ["CAM-1", "cam_2", "Gate.North-3", "C1", "x" * 50])
def test_valid_ids(client, admin_headers, camera_id) -> None:
    assert create(client, admin_headers, camera_id)["id"] == camera_id
    assert client.get(f"{URL}/{camera_id}", headers=admin_headers).status_code == 200


def test_id_is_stripped(client, admin_headers) -> None:
    assert create(client, admin_headers, "  CAM-1 ")["id"] == "CAM-1"


@pytest.mark.parametrize(
    "camera_id",
    [
        pytest.param("CAM/1", id="slash"),
        pytest.param("CAM 1", id="space"),
        pytest.param("CAM#1", id="hash"),
        pytest.param("CAM+1", id="plus"),
        pytest.param("-CAM", id="leading-dash"),
        pytest.param(".CAM", id="leading-dot"),
        pytest.param("C", id="one-char"),
        pytest.param("", id="empty"),
        pytest.param("x" * 51, id="51-chars"),
        pytest.param("CAMÉ", id="non-ascii"),
        pytest.param(None, id="null"),
    ],
)
def test_invalid_id_is_422_and_adds_nothing(client, admin_headers, session, camera_id) -> None:
    error = assert_error(client.post(URL, json=camera_body(camera_id), headers=admin_headers), 422, "validation_error")
    assert any(d["field"].endswith("id") for d in error["details"]), error
    assert count_rows(session, Camera) == 0


@pytest.mark.parametrize("duplicate", ["CAM-MAIN", "cam-main", "Cam-Main"])
def test_ids_differing_only_in_case_are_409(client, admin_headers, session, duplicate) -> None:
    create(client, admin_headers, "CAM-MAIN")
    error = assert_error(client.post(URL, json=camera_body(duplicate), headers=admin_headers), 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["id"]
    assert "CAM-MAIN" in error["message"]
    assert count_rows(session, Camera) == 1
    assert ids(client, admin_headers) == ["CAM-MAIN"]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(camera_body(role="door"), id="unknown-role"),
        pytest.param(camera_body(role="ENTRANCE"), id="role-in-upper-case"),
        pytest.param({"id": "CAM-1", "name": "x", "source_url": "rtsp://h/s"}, id="missing-role"),
        pytest.param(camera_body(name=""), id="empty-name"),
        pytest.param(camera_body(name="n" * 101), id="101-char-name"),
        pytest.param(camera_body(enabled="sometimes"), id="bad-enabled"),
        pytest.param(camera_body(location="hall"), id="unknown-field"),
    ],
)
def test_invalid_body_is_422_and_adds_nothing(client, admin_headers, session, payload) -> None:
    assert_error(client.post(URL, json=payload, headers=admin_headers), 422, "validation_error")
    assert count_rows(session, Camera) == 0


# --- source URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "rtsp://10.0.0.5:554/stream1",
        "rtsps://cam.example.com/live",
        "http://10.0.0.7/mjpeg",
        "https://cam.example.com/video.mjpg",
        "RTSP://10.0.0.5/stream",
        "file:///var/videos/gate.mp4",
        "synthetic://walkers?count=5",
    ],
)
def test_accepted_source_urls(client, admin_headers, url) -> None:
    assert create(client, admin_headers, source_url=url)["source_url"] == url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://10.0.0.5/stream", id="ftp"),
        pytest.param("rtmp://10.0.0.5/live", id="rtmp"),
        pytest.param("rtsp:///stream1", id="rtsp-without-host"),
        pytest.param("rtsp://:554/stream1", id="rtsp-port-but-no-host"),
        pytest.param("rtsp://user:pw@/stream1", id="rtsp-credentials-but-no-host"),
        pytest.param("http://", id="http-without-host"),
        pytest.param("10.0.0.5/stream", id="no-scheme"),
        pytest.param("rtsp://10.0.0.5/my stream", id="space"),
        pytest.param("rtsp://10.0.0.5/a\nb", id="newline"),
        pytest.param("rt", id="too-short"),
        pytest.param("rtsp://h/" + "s" * 492, id="501-chars"),
    ],
)
def test_rejected_source_urls_are_422_and_add_nothing(client, admin_headers, session, url) -> None:
    error = assert_error(client.post(URL, json=camera_body(source_url=url), headers=admin_headers), 422)
    assert any(d["field"].endswith("source_url") for d in error["details"]), error
    assert count_rows(session, Camera) == 0


def test_password_is_masked_in_every_read_but_stored_in_full(client, admin_headers, session) -> None:
    created = create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    assert created["source_url"] == MASKED_URL

    got = client.get(f"{URL}/CAM-MAIN", headers=admin_headers)
    assert got.json()["source_url"] == MASKED_URL
    listed = client.get(URL, headers=admin_headers)
    assert listed.json()["items"][0]["source_url"] == MASKED_URL
    for response in (got, listed):
        assert "s3cret-pw" not in response.text

    assert stored(session, Camera, "CAM-MAIN")["source_url"] == SECRET_URL


def test_url_without_password_is_shown_as_is(client, admin_headers) -> None:
    created = create(client, admin_headers, source_url="rtsp://cam@10.0.0.5/stream")
    assert created["source_url"] == "rtsp://cam@10.0.0.5/stream"


def test_masking_keeps_an_ipv6_host_readable(client, admin_headers, session) -> None:
    created = create(client, admin_headers, source_url="rtsp://cam:pw@[fd00::5]:554/stream")
    assert created["source_url"] == "rtsp://cam:***@[fd00::5]:554/stream"
    assert stored(session, Camera, "CAM-MAIN")["source_url"] == "rtsp://cam:pw@[fd00::5]:554/stream"


@pytest.mark.parametrize("url", ["rtsp://cam:pw@10.0.0.5:99999/stream", "rtsp://cam:pw@10.0.0.5:port/stream"])
def test_url_with_credentials_and_an_invalid_port_is_422_not_500(client, admin_headers, session, url) -> None:
    response = client.post(URL, json=camera_body(source_url=url), headers=admin_headers)
    assert_error(response, 422, "validation_error")
    assert count_rows(session, Camera) == 0


def test_patch_without_source_url_keeps_the_password(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    response = client.patch(
        f"{URL}/CAM-MAIN", json={"name": "Main gate (north)", "enabled": False}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Main gate (north)"
    assert response.json()["enabled"] is False
    assert response.json()["source_url"] == MASKED_URL
    row = stored(session, Camera, "CAM-MAIN")
    assert row["source_url"] == SECRET_URL
    assert row["enabled"] is False


def test_patch_source_url_replaces_the_stored_value(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    new_url = "rtsp://admin:n3w-pw@10.0.0.6/stream2"
    response = client.patch(f"{URL}/CAM-MAIN", json={"source_url": new_url}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["source_url"] == "rtsp://admin:***@10.0.0.6/stream2"
    assert stored(session, Camera, "CAM-MAIN")["source_url"] == new_url


def test_patch_with_invalid_source_url_is_422_and_keeps_the_old_one(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    response = client.patch(
        f"{URL}/CAM-MAIN", json={"source_url": "ftp://10.0.0.6/x", "name": "X"}, headers=admin_headers
    )
    assert_error(response, 422, "validation_error")
    row = stored(session, Camera, "CAM-MAIN")
    assert (row["source_url"], row["name"]) == (SECRET_URL, "Main gate")


# --- settings -----------------------------------------------------------------------------------------


def test_settings_round_trip(client, admin_headers, session) -> None:
    settings = {
        "analysis_fps": 5,
        "detection_enabled": False,
        "min_confidence": 0.6,
        "counting_line": [[0, 0.5], [1, 0.5]],
    }
    created = create(client, admin_headers, "CAM-ZONE", role="zone", settings=settings)
    assert created["settings"] == {**settings, "analysis_fps": 5.0}
    assert stored(session, Camera, "CAM-ZONE")["settings"]["counting_line"] == [[0, 0.5], [1, 0.5]]
    assert client.get(f"{URL}/CAM-ZONE", headers=admin_headers).json()["settings"] == created["settings"]


def test_partial_settings_fill_in_defaults(client, admin_headers) -> None:
    created = create(client, admin_headers, settings={"analysis_fps": 2.5})
    assert created["settings"] == {**DEFAULT_SETTINGS, "analysis_fps": 2.5}


@pytest.mark.parametrize(
    "camera_settings",
    [
        pytest.param({"counting_line": [[0, 0.5], [1.2, 0.5]]}, id="line-x-above-1"),
        pytest.param({"counting_line": [[-0.1, 0.5], [1, 0.5]]}, id="line-x-below-0"),
        pytest.param({"counting_line": [[0, 0.5], [1, 1.01]]}, id="line-y-above-1"),
        pytest.param({"counting_line": [[0.3, 0.3], [0.3, 0.3]]}, id="identical-points"),
        pytest.param({"counting_line": [[0, 0.5]]}, id="one-point"),
        pytest.param({"counting_line": [[0, 0.5], [1, 0.5], [0.5, 0]]}, id="three-points"),
        pytest.param({"counting_line": [[0, 0.5, 1], [1, 0.5]]}, id="three-coordinates"),
        pytest.param({"exposure": 3}, id="unknown-key"),
        pytest.param({"analysis_fps": 0}, id="fps-zero"),
        pytest.param({"analysis_fps": -1}, id="fps-negative"),
        pytest.param({"analysis_fps": 31}, id="fps-above-30"),
        pytest.param({"min_confidence": 1.5}, id="confidence-above-1"),
        pytest.param({"min_confidence": -0.1}, id="confidence-negative"),
        pytest.param({"detection_enabled": "perhaps"}, id="detection-not-bool"),
        pytest.param([1, 2], id="not-an-object"),
    ],
)
def test_invalid_settings_are_422_and_add_nothing(client, admin_headers, session, camera_settings) -> None:
    response = client.post(URL, json=camera_body(settings=camera_settings), headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert any("settings" in d["field"] for d in error["details"]), error
    assert count_rows(session, Camera) == 0


def test_settings_bounds_are_inclusive(client, admin_headers) -> None:
    settings = {"analysis_fps": 30, "min_confidence": 1, "counting_line": [[0, 0], [1, 1]]}
    assert create(client, admin_headers, settings=settings)["settings"]["analysis_fps"] == 30


def test_patch_invalid_settings_is_422_and_keeps_the_old_ones(client, admin_headers, session) -> None:
    good = {
        "analysis_fps": 5.0,
        "detection_enabled": True,
        "min_confidence": None,
        "counting_line": [[0, 0.5], [1, 0.5]],
    }
    create(client, admin_headers, "CAM-ZONE", role="zone", settings=good)
    response = client.patch(
        f"{URL}/CAM-ZONE", json={"settings": {"counting_line": [[0.5, 0.5], [0.5, 0.5]]}}, headers=admin_headers
    )
    assert_error(response, 422, "validation_error")
    assert stored(session, Camera, "CAM-ZONE")["settings"] == good


def test_patch_settings_replaces_them(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-ZONE", role="zone", settings={"analysis_fps": 5, "min_confidence": 0.4})
    response = client.patch(f"{URL}/CAM-ZONE", json={"settings": {"analysis_fps": 10}}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["settings"] == {**DEFAULT_SETTINGS, "analysis_fps": 10.0}
    assert stored(session, Camera, "CAM-ZONE")["settings"]["analysis_fps"] == 10


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"name": None}, id="null-name"),
        pytest.param({"role": None}, id="null-role"),
        pytest.param({"settings": None}, id="null-settings"),
        pytest.param({"source_url": None}, id="null-url"),
        pytest.param({"role": "door"}, id="bad-role"),
        pytest.param({"id": "CAM-OTHER"}, id="id-is-not-patchable"),
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(client, admin_headers, session, change) -> None:
    created = create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    before = stored(session, Camera, "CAM-MAIN")
    assert_error(client.patch(f"{URL}/CAM-MAIN", json=change, headers=admin_headers), 422, "validation_error")
    assert stored(session, Camera, "CAM-MAIN") == before
    assert client.get(f"{URL}/CAM-MAIN", headers=admin_headers).json() == created


def test_patch_role(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-MAIN")
    response = client.patch(f"{URL}/CAM-MAIN", json={"role": "exit"}, headers=admin_headers)
    assert response.json()["role"] == "exit"
    assert stored(session, Camera, "CAM-MAIN")["role"] == "exit"


# --- list filters -------------------------------------------------------------------------------------


@pytest.fixture
def fleet(client, admin_headers) -> None:
    create(client, admin_headers, "CAM-MAIN", name="Main entrance", role="entrance")
    create(client, admin_headers, "CAM-EXIT", name="Main exit", role="exit")
    create(client, admin_headers, "GATE-1", name="Truck gate", role="gate", enabled=False)
    create(client, admin_headers, "ZONE-HALL", name="Assembly hall", role="zone")
    create(client, admin_headers, "ZONE_2", name="Paint 100% booth", role="zone")


def test_list_is_ordered_by_id(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers) == ["CAM-EXIT", "CAM-MAIN", "GATE-1", "ZONE-HALL", "ZONE_2"]


def test_filter_by_role(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, role="zone") == ["ZONE-HALL", "ZONE_2"]
    assert ids(client, admin_headers, role="gate") == ["GATE-1"]
    assert_error(client.get(URL, params={"role": "door"}, headers=admin_headers), 422, "validation_error")


def test_filter_by_enabled(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, enabled="false") == ["GATE-1"]
    assert ids(client, admin_headers, enabled="true") == ["CAM-EXIT", "CAM-MAIN", "ZONE-HALL", "ZONE_2"]


def test_search_matches_id_or_name(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, q="main") == ["CAM-EXIT", "CAM-MAIN"]  # "Main exit" by name
    assert ids(client, admin_headers, q="gate-") == ["GATE-1"]
    assert ids(client, admin_headers, q="HALL") == ["ZONE-HALL"]
    assert ids(client, admin_headers, q="zone_") == ["ZONE_2"]  # '_' is literal, not "any character"
    assert ids(client, admin_headers, q="0%") == ["ZONE_2"]
    assert ids(client, admin_headers, q="nothing") == []


def test_filters_combine(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, role="zone", q="paint") == ["ZONE_2"]
    assert ids(client, admin_headers, role="gate", enabled="true") == []


# --- roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_only_admin_may_create_patch_delete(client, admin_headers, make_user, session, role) -> None:
    created = create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    headers = make_user(role)
    assert ids(client, headers) == ["CAM-MAIN"]
    assert client.get(f"{URL}/CAM-MAIN", headers=headers).json()["source_url"] == MASKED_URL

    assert_error(client.post(URL, json=camera_body("CAM-2"), headers=headers), 403, "forbidden")
    assert_error(client.patch(f"{URL}/CAM-MAIN", json={"enabled": False}, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{URL}/CAM-MAIN", headers=headers), 403, "forbidden")
    assert count_rows(session, Camera) == 1
    assert client.get(f"{URL}/CAM-MAIN", headers=admin_headers).json() == created


def test_unauthenticated_is_401(client) -> None:
    assert_error(client.get(URL), 401, "unauthorized")
    assert_error(client.post(URL, json=camera_body()), 401, "unauthorized")


# --- delete -------------------------------------------------------------------------------------------


def test_delete_fresh_camera(client, admin_headers, session) -> None:
    create(client, admin_headers, "CAM-KEEP")
    create(client, admin_headers, "CAM-MAIN")
    response = client.delete(f"{URL}/CAM-MAIN", headers=admin_headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(f"{URL}/CAM-MAIN", headers=admin_headers), 404, "not_found")
    assert stored(session, Camera, "CAM-MAIN") is None
    assert ids(client, admin_headers) == ["CAM-KEEP"]


def test_delete_camera_with_occupancy_history_is_409_telling_to_disable(client, admin_headers, session) -> None:
    created = create(client, admin_headers, "CAM-ZONE", role="zone")
    add_occupancy(session, "CAM-ZONE")

    error = assert_error(client.delete(f"{URL}/CAM-ZONE", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"occupancy_log": 1}
    assert "disable" in error["message"]
    assert "enabled=false" in error["message"]
    assert "1 occupancy log row" in error["message"]
    assert client.get(f"{URL}/CAM-ZONE", headers=admin_headers).json() == created
    assert count_rows(session, Camera) == 1
    assert count_rows(session, OccupancyLog) == 1

    disabled = client.patch(f"{URL}/CAM-ZONE", json={"enabled": False}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["enabled"] is False


def test_delete_counts_a_record_that_uses_the_camera_twice_once(client, admin_headers, session) -> None:
    """One attendance record that checked in and out at the same camera is one row in the way, not two."""
    create(client, admin_headers, "CAM-MAIN")
    add_attendance(session, "CAM-MAIN", "CAM-MAIN")
    error = assert_error(client.delete(f"{URL}/CAM-MAIN", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"attendance_record": 1}
    assert "1 attendance record row" in error["message"]


def test_the_database_itself_keeps_a_camera_with_attendance_history(client, admin_headers, session) -> None:
    """The foreign keys restrict in the schema too, not only in the service: history never loses its camera."""
    create(client, admin_headers, "CAM-MAIN")
    add_attendance(session, "CAM-MAIN", None)
    try:
        with pytest.raises(IntegrityError):
            session.execute(delete(Camera).where(Camera.id == "CAM-MAIN"))
    finally:
        session.rollback()
    assert stored(session, Camera, "CAM-MAIN") is not None


def test_unknown_camera_is_404(client, admin_headers) -> None:
    for response in (
        client.get(f"{URL}/CAM-NONE", headers=admin_headers),
        client.patch(f"{URL}/CAM-NONE", json={"name": "x"}, headers=admin_headers),
        client.delete(f"{URL}/CAM-NONE", headers=admin_headers),
    ):
        error = assert_error(response, 404, "not_found")
        assert "CAM-NONE" in error["message"]


def test_camera_path_longer_than_an_id_is_422(client, admin_headers) -> None:
    assert_error(client.get(f"{URL}/{'x' * 51}", headers=admin_headers), 422, "validation_error")
