"""Two API processes and one camera worker, on PostgreSQL, against a real RTSP camera: the camera is opened once,
each API process relays it over one upstream connection, and every viewer gets frames."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.video.live_server import add_camera, admin_client, camera_worker, live_server
from tests.video.rtsp_helpers import RtspServer
from tests.video.test_runtime import wait_for

VIEWERS = 12
FRAMES = 45  # 3 s of a 15 fps camera
FRAMES = 45  # 3 s of a 15 fps camera


async def _watch(base_url: str, path: str, frames: int) -> int:
    # A client per viewer: a new TCP connection each, so the kernel spreads them over both API processes.
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client, client.stream("GET", path) as response:
        assert response.status_code == 200, await response.aread()
        seen, buffer = 0, b""
        async for chunk in response.aiter_raw():
            buffer += chunk
            seen += buffer.count(b"--frame\r\n")
            buffer = buffer[-16:]
            if seen >= frames:
                return seen
    return seen


def test_two_api_processes_and_a_worker_open_the_camera_once(
    tmp_path: Path, rtsp_server: RtspServer, make_database: Callable[[str], str]
) -> None:
    db_url = make_database("postgresql")
    with (
        live_server(tmp_path, db_url=db_url, workers=2, FACTORYAI_VIDEO__RUNTIME="auto") as server,
        admin_client(server) as admin,
    ):
        add_camera(admin, "CAM-R", rtsp_server.url())
        key = admin.post("/api/v1/api-keys", json={"name": "worker w1", "camera_ids": ["CAM-R"]})
        assert key.status_code == 201, key.text
        # Both API processes run no camera themselves: nobody has opened it yet.
        assert rtsp_server.clients() == 0
        with camera_worker(tmp_path, server, key.json()["key"]) as worker_url:
            wait_for(lambda: [w["cameras"] for w in admin.get("/api/v1/workers").json()] == [["CAM-R"]], "a worker")
            wait_for(lambda: admin.get("/api/v1/cameras/CAM-R/status").json()["online"], "frames at the worker")
            link = admin.post("/api/v1/cameras/CAM-R/viewer-token").json()

            async def main() -> list[int]:
                watching = (_watch(server.base_url, link["stream_url"], FRAMES) for _ in range(VIEWERS))
                return await asyncio.gather(*watching)

            async def watch_while_checking() -> tuple[list[int], int]:
                viewers = asyncio.create_task(main())
                upstreams = 0
                while not viewers.done():
                    health = await asyncio.to_thread(lambda: httpx.get(f"{worker_url}/health").json())
                    upstreams = max(upstreams, health["viewers"].get("CAM-R", 0))
                    await asyncio.sleep(0.1)
                return await viewers, upstreams

            counts, upstreams = asyncio.run(watch_while_checking())
            assert all(count >= FRAMES for count in counts)
            # 12 viewers, 2 API processes: at most one upstream per process to the worker (its /health counts the
            # streams it serves).
            assert 1 <= upstreams <= 2
            assert rtsp_server.clients() == 1  # the camera was opened once, by the worker

            # Health and metrics of an API process that runs no camera show the worker's cameras.
            health = httpx.get(f"{server.base_url}/api/health").json()
            assert [(c["id"], c["online"]) for c in health["cameras"]] == [("CAM-R", True)]
            assert 'factoryai_camera_online{camera="CAM-R"} 1.0' in admin.get("/metrics").text

            snapshot = admin.get("/api/v1/cameras/CAM-R/snapshot.jpg")
            assert snapshot.status_code == 200
            assert snapshot.headers["content-type"] == "image/jpeg"
        # The worker stopped and gave its camera back: no process runs it now.
        status = admin.get("/api/v1/cameras/CAM-R/status").json()
        assert status["online"] is False
        assert admin.get("/api/v1/workers").json()[0]["cameras"] == []


@pytest.mark.parametrize("runtime", ["workers"])
def test_without_a_worker_a_stream_says_why_it_cannot_start(tmp_path: Path, runtime: str) -> None:
    with live_server(tmp_path, FACTORYAI_VIDEO__RUNTIME=runtime) as server, admin_client(server) as admin:
        add_camera(admin, "CAM-X", "synthetic://pattern")
        response = admin.get("/api/v1/cameras/CAM-X/snapshot.jpg")
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "camera_not_running"
        assert "factoryai worker" in error["message"]
