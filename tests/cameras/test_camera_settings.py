"""Per-camera settings (fps, detection, confidence, counting line) and PATCH validation."""

from __future__ import annotations

import pytest

from factoryai.cameras.models import Camera
from tests.cameras.helpers import DEFAULT_SETTINGS, SECRET_URL, URL, camera_body, create
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

# --- settings -----------------------------------------------------------------------------------------


def test_settings_round_trip(client, admin_headers, session) -> None:
    settings = {
        "analysis_fps": 5,
        "detection_enabled": False,
        "min_confidence": 0.6,
        "counting_line": [[0, 0.5], [1, 0.5]],
        "in_side": "right",
        "capacity": 40,
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
        "in_side": "left",
        "capacity": None,
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
