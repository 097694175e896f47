"""Live streams over real HTTP: viewer links, the MJPEG format (read by ffprobe too), fan-out to many viewers, a
stalled viewer that holds up nobody, cameras changed through the API, status, health, metrics and shutdown."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import cv2
import httpx2 as httpx
import numpy as np
import pytest

from factoryai.core.auth import create_viewer_token
from factoryai.core.clock import utcnow
from tests.test_serve_e2e import Server
from tests.video.live_server import SECRET_KEY, add_camera, admin_client, live_server, read_parts
from tests.video.test_runtime import wait_for

PATTERN = "synthetic://pattern?width=640&height=360&fps=15"
HANG_GUARD_SECONDS = 120  # only stops a broken test from hanging; not a speed requirement


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with live_server(tmp_path_factory.mktemp("live")) as running:
        with admin_client(running) as admin:
            add_camera(admin, "CAM-A", PATTERN)
            add_camera(admin, "CAM-B", PATTERN, role="gate")
        yield running


@pytest.fixture
def admin(server: Server) -> Iterator[httpx.Client]:
    with admin_client(server) as client:
        yield client


def viewer_link(admin: httpx.Client, camera_id: str) -> dict[str, str]:
    response = admin.post(f"/api/v1/cameras/{camera_id}/viewer-token")
    assert response.status_code == 200, response.text
    return response.json()


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_a_viewer_link_opens_its_camera_in_an_img_tag_and_nothing_else(server: Server, admin: httpx.Client) -> None:
    link = viewer_link(admin, "CAM-A")
    with httpx.Client(base_url=server.base_url, timeout=30) as browser:  # no Authorization header, like <img>
        with browser.stream("GET", link["stream_url"]) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "multipart/x-mixed-replace; boundary=frame"
            assert response.headers["cache-control"] == "no-store"
            ((headers, jpeg),) = read_parts(response, 1)
        assert headers["content-type"] == "image/jpeg"
        assert decode(jpeg).shape == (360, 640, 3)
        snapshot = browser.get(link["snapshot_url"])
        assert snapshot.status_code == 200
        assert snapshot.headers["content-type"] == "image/jpeg"
        assert decode(snapshot.content).shape == (360, 640, 3)

        token = link["token"]
        other = browser.get(f"/api/v1/cameras/CAM-B/stream.mjpeg?token={token}")
        assert other.status_code == 401
        assert "for camera 'CAM-A'" in other.json()["error"]["message"]
        assert browser.get(f"/api/video_feed?camera_id=CAM-B&token={token}").status_code == 401
        # The link is no log-in token: it opens no other route, as a bearer token or otherwise.
        assert browser.get("/api/v1/cameras", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        # And the log-in token is no viewer link (it must never sit in a URL).
        login_token = admin.headers["Authorization"].removeprefix("Bearer ")
        assert browser.get(f"/api/v1/cameras/CAM-A/snapshot.jpg?token={login_token}").status_code == 401
        assert browser.get("/api/v1/cameras/CAM-A/snapshot.jpg").status_code == 401


def test_a_viewer_link_expires(server: Server, admin: httpx.Client) -> None:
    me = admin.get("/api/v1/auth/me").json()
    expired, _ = create_viewer_token(
        me["id"], "CAM-A", SECRET_KEY, 10, version=me.get("token_version", 0), now=utcnow() - timedelta(minutes=11)
    )
    response = httpx.get(f"{server.base_url}/api/v1/cameras/CAM-A/snapshot.jpg?token={expired}", timeout=30)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_video_feed_streams_the_first_camera_or_the_one_asked(server: Server, admin: httpx.Client) -> None:
    with admin.stream("GET", "/api/video_feed", params={"width": 320}) as response:
        assert response.status_code == 200
        ((_, jpeg),) = read_parts(response, 1)
    assert decode(jpeg).shape == (180, 320, 3)  # ?width= scales down
    with admin.stream("GET", "/api/video_feed", params={"camera_id": "CAM-B"}) as response:
        assert response.status_code == 200
        read_parts(response, 2)
    assert admin.get("/api/video_feed", params={"camera_id": "CAM-NONE"}).status_code == 404


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed (make test installs ffmpeg)")
def test_ffprobe_reads_the_stream_as_mjpeg(server: Server, admin: httpx.Client) -> None:
    url = server.base_url + viewer_link(admin, "CAM-A")["stream_url"]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-f", "mpjpeg", "-show_entries", "stream=codec_name,width,height", "-of", "json",
         "-read_intervals", "%+#3", url],
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    (stream,) = json.loads(probe.stdout)["streams"]
    assert stream == {"codec_name": "mjpeg", "width": 640, "height": 360}


def test_fifty_viewers_all_get_frames_while_a_stalled_viewer_reads_nothing(server: Server, admin: httpx.Client) -> None:
    link = viewer_link(admin, "CAM-A")
    # A viewer that asks for the stream and then never reads: a small receive buffer fills at once.
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])))
    stalled.sendall(f"GET {link['stream_url']} HTTP/1.1\r\nHost: camera\r\n\r\n".encode())
    try:
        time.sleep(2)  # the server's buffers towards it are full by now

        async def watch(client: httpx.AsyncClient) -> int:
            received, buffer = 0, b""
            async with client.stream("GET", link["stream_url"]) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_raw():
                    buffer += chunk
                    received += buffer.count(b"--frame\r\n")
                    buffer = buffer[-16:]
                    if received >= 20:
                        return received
            return received

        async def main() -> list[int]:
            limits = httpx.Limits(max_connections=60)
            async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as client:
                return await asyncio.wait_for(asyncio.gather(*(watch(client) for _ in range(50))), HANG_GUARD_SECONDS)

        assert all(count >= 20 for count in asyncio.run(main()))
        status = admin.get("/api/v1/cameras/CAM-A/status").json()
        assert status["viewers"] >= 1  # the stalled viewer is still connected: it held up nobody
    finally:
        stalled.close()


def test_cameras_changed_through_the_api_take_effect_without_a_restart(server: Server, admin: httpx.Client) -> None:
    add_camera(admin, "CAM-NEW", "synthetic://pattern?width=320&height=240&fps=10")
    snapshot = admin.get("/api/v1/cameras/CAM-NEW/snapshot.jpg")
    assert snapshot.status_code == 200, snapshot.text
    assert decode(snapshot.content).shape == (240, 320, 3)

    with admin.stream("GET", "/api/v1/cameras/CAM-NEW/stream.mjpeg") as response:
        chunks = response.iter_raw()
        read_parts(chunks, 1)
        assert admin.patch("/api/v1/cameras/CAM-NEW", json={"enabled": False}).status_code == 200
        # Disabling the camera ends its thread, and so the open stream: the response finishes by itself (a stream
        # left open would keep this loop, and the test, waiting).
        for _ in chunks:
            pass
    status = admin.get("/api/v1/cameras/CAM-NEW/status").json()
    assert status["enabled"] is False
    assert status["online"] is False
    refused = admin.get("/api/v1/cameras/CAM-NEW/snapshot.jpg")
    assert refused.status_code == 409
    assert "disabled" in refused.json()["error"]["message"]


def test_status_health_and_metrics_report_each_camera(server: Server, admin: httpx.Client) -> None:
    # The rate is over the last seconds: on a machine busy with other work a camera may have just been starved
    # of them, so wait for it (bounded) rather than read it once.
    wait_for(lambda: admin.get("/api/v1/cameras/CAM-A/status").json()["input_fps"] > 0, "an input rate")
    status = admin.get("/api/v1/cameras/CAM-A/status")
    assert status.status_code == 200
    body = status.json()
    assert body["online"] is True
    assert body["frames_captured"] > 0
    assert body["last_frame_age_seconds"] < 10
    assert body["last_error"] is None

    health = httpx.get(f"{server.base_url}/api/health", timeout=30).json()
    cameras = {camera["id"]: camera for camera in health["cameras"]}
    assert cameras["CAM-A"]["online"] is True
    assert "CAM-NEW" not in cameras

    metrics = admin.get("/metrics").text
    assert 'factoryai_camera_online{camera="CAM-A"} 1.0' in metrics
    assert 'factoryai_camera_frames_total{camera="CAM-A"}' in metrics


def test_shutdown_ends_fifty_open_streams_at_once(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, admin_client(server) as admin:
        add_camera(admin, "CAM-A", PATTERN)
        url = server.base_url + viewer_link(admin, "CAM-A")["stream_url"]
        viewers = []
        for _ in range(50):
            viewer = socket.create_connection(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])))
            viewer.sendall(f"GET {url} HTTP/1.1\r\nHost: camera\r\n\r\n".encode())
            viewers.append(viewer)
        try:
            assert viewers[-1].recv(64).startswith(b"HTTP/1.1 200")
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            code = server.process.wait(timeout=HANG_GUARD_SECONDS)
            elapsed = time.monotonic() - started
        finally:
            for viewer in viewers:
                viewer.close()
        stderr = server.stderr()
        assert code in (0, -signal.SIGTERM), stderr[-3000:]
        # uvicorn cuts streams that do not end by themselves after its graceful timeout, saying so: ours end first.
        assert "timeout graceful shutdown exceeded" not in stderr, stderr[-3000:]
        assert "Application shutdown complete." in stderr
        print(f"shutdown with 50 open streams took {elapsed:.2f} s")
