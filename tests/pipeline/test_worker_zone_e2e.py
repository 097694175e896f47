"""The zone flow across machines, on PostgreSQL: a real RTSP camera (vtest.avi re-streamed) → `factoryai worker`
(detector, ByteTrack, counting line, outbox) → the API → today's entries and exits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.video.live_server import add_camera, admin_client, camera_worker, live_server
from tests.video.rtsp_helpers import RtspServer
from tests.video.test_runtime import wait_for


def test_a_worker_counts_people_on_a_real_rtsp_camera_into_the_api(
    tmp_path: Path, vtest_rtsp_server: RtspServer, make_database: Callable[[str], str]
) -> None:
    db_url = make_database("postgresql")
    with (
        live_server(tmp_path, db_url=db_url, FACTORYAI_VIDEO__RUNTIME="workers") as server,
        admin_client(server) as admin,
    ):
        line = {"counting_line": [[0.5, 0.0], [0.5, 1.0]], "in_side": "left"}
        add_camera(admin, "CAM-PLAZA", vtest_rtsp_server.url("file"), role="zone", **line)
        key = admin.post("/api/v1/api-keys", json={"name": "plaza box", "camera_ids": ["CAM-PLAZA"]}).json()["key"]
        with camera_worker(tmp_path, server, key):

            def crossings() -> int:
                (zone,) = admin.get("/api/v1/occupancy/current").json()
                return zone["entries_today"] + zone["exits_today"]

            # People cross the plaza's middle every few seconds of the clip (30 times in one pass).
            wait_for(lambda: crossings() >= 3, "crossings counted at the worker to reach the API", 180)
        (zone,) = admin.get("/api/v1/occupancy/current").json()
        assert zone["camera_id"] == "CAM-PLAZA"
        assert zone["current_count"] is not None
        assert zone["current_count"] >= 0
