"""Camera source URLs: accepted schemes, credentials masked in reads but stored in full."""

from __future__ import annotations

import pytest

from factoryai.cameras.models import Camera
from tests.cameras.helpers import MASKED_URL, SECRET_URL, URL, camera_body, create
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

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
