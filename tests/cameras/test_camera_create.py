"""Creating cameras: ids safe as MQTT topic levels, roles, case-insensitive uniqueness, bad bodies."""

from __future__ import annotations

import pytest

from factoryai.cameras.models import Camera
from tests.cameras.helpers import DEFAULT_SETTINGS, URL, camera_body, create, ids
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

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
