"""Capture from a real RTSP camera (GStreamer's RTSP server): frames, a camera that dies, one that comes back, one
that freezes with its connection open, and many drop/reconnect cycles with nothing leaked."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest

from factoryai.video.capture import Capture
from factoryai.video.encoder import CameraView, StreamEncoder
from factoryai.video.hub import FrameSlot
from factoryai.video.sources import Timeouts
from tests.video.rtsp_helpers import RtspServer
from tests.video.test_runtime import wait_for

TIMEOUTS = Timeouts(open_seconds=3, read_seconds=1)


@pytest.fixture
def capture(rtsp_server: RtspServer) -> Iterator[Capture]:
    capture = Capture("CAM-RTSP", rtsp_server.url(), FrameSlot(), TIMEOUTS, backoff=(0.2, 0.5))
    capture.start()
    yield capture
    capture.stop()
    rtsp_server.thaw()  # a frozen server would hold a read until its timeout
    assert capture.join(30), "the capture thread did not end"


def encoder_for(capture: Capture) -> StreamEncoder:
    view = CameraView("CAM-RTSP", ZoneInfo("UTC"), lambda: capture.state.online, lambda: None)
    return StreamEncoder(view, capture.slot, None, 80)


def newest_jpeg(encoder: StreamEncoder) -> np.ndarray:
    frame = encoder.broadcast.latest()
    assert frame is not None
    return cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)


def is_placeholder(image: np.ndarray) -> bool:
    corner = image[:40, :40].astype(int)
    return corner.std() < 3 and 20 < corner.mean() < 80  # the placeholder's flat dark grey


def test_frames_arrive_from_the_camera(capture: Capture) -> None:
    wait_for(lambda: capture.state.frames >= 10, "10 frames from the RTSP camera")
    frame = capture.slot.latest()
    assert frame is not None
    assert frame.image.shape == (360, 640, 3)
    assert capture.state.online
    assert capture.input_rate.rate() > 0


def test_a_dead_camera_goes_offline_shows_the_placeholder_and_reconnects_when_back(
    capture: Capture, rtsp_server: RtspServer
) -> None:
    encoder = encoder_for(capture)
    encoder.acquire()
    try:
        wait_for(lambda: capture.state.online and encoder.frames_encoded > 3, "live frames")
        assert not is_placeholder(newest_jpeg(encoder))

        rtsp_server.kill()
        wait_for(lambda: not capture.state.online, "the camera to go offline")
        wait_for(lambda: is_placeholder(newest_jpeg(encoder)), "the placeholder in the stream")
        assert capture.state.last_error

        reconnects = capture.state.reconnects
        rtsp_server.restart()
        wait_for(lambda: capture.state.online and capture.state.reconnects > reconnects, "the reconnect")
        wait_for(lambda: not is_placeholder(newest_jpeg(encoder)), "live frames again")
    finally:
        encoder.release()
        encoder.stop()


def test_a_frozen_camera_is_let_go_after_the_read_timeout(capture: Capture, rtsp_server: RtspServer) -> None:
    wait_for(lambda: capture.state.frames >= 5, "frames")
    rtsp_server.freeze()  # the process stops; its TCP connection stays open and silent
    wait_for(lambda: not capture.state.online, "the frozen camera to count as offline")
    assert "no frame within 1 s" in (capture.state.last_error or "")
    attempts = capture.state.attempts
    # Still frozen: the capture is not stuck in a read but trying to reopen (each try fails at the open timeout).
    wait_for(lambda: capture.state.attempts > attempts + 1, "reopen attempts while the camera is frozen", 60)
    assert rtsp_server.running
    rtsp_server.thaw()
    wait_for(lambda: capture.state.online, "the camera to come back after the thaw", 60)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_twenty_drop_and_reconnect_cycles_leak_no_threads_or_descriptors(
    capture: Capture, rtsp_server: RtspServer
) -> None:
    wait_for(lambda: capture.state.online, "the first connection")
    threads, fds = threading.active_count(), _open_fds()
    for cycle in range(20):
        rtsp_server.kill()
        wait_for(lambda: not capture.state.online, f"offline in cycle {cycle}")
        rtsp_server.restart()
        wait_for(lambda: capture.state.online, f"online again in cycle {cycle}", 60)
    assert capture.state.reconnects >= 20
    assert threading.active_count() == threads
    assert _open_fds() <= fds + 2  # a capture being reopened may hold its socket and one more at the moment we look
