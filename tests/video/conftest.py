"""Real RTSP cameras (tests/video/rtsp_server.py under Debian's python3) for tests that read video streams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import shared_file
from tests.video.rtsp_helpers import RtspServer, require_rtsp


@pytest.fixture
def rtsp_server() -> Iterator[RtspServer]:
    """A started camera: moving test pattern at `rtsp_server.url()` (mount /test), 640x360 at 15 fps."""
    require_rtsp()
    with RtspServer(width=640, height=360, fps=15) as server:
        yield server


@pytest.fixture
def vtest_rtsp_server() -> Iterator[RtspServer]:
    """A started camera re-streaming ../shared/data/video/vtest.avi (768x576, 10 fps) looped at
    `vtest_rtsp_server.url("file")`; /test is served too."""
    video = shared_file("data/video/vtest.avi")
    require_rtsp()
    with RtspServer(file=video) as server:
        yield server
