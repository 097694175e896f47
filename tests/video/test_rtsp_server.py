"""The RTSP test camera, read by the real clients the product uses: OpenCV's FFmpeg backend, and ffprobe.

Reads run in a guard thread with a generous join (the repo has no pytest-timeout): a read that hangs fails the test
instead of the whole run. No wall-clock limits are asserted; the machine is shared and noisy.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
import pytest

from tests.video.rtsp_helpers import RtspServer, require_rtsp

T = TypeVar("T")
TIMEOUT_MS = 5000
GUARD_S = 120.0  # a frozen stream costs OpenCV a few read timeouts before read() gives up
MAX_READS = 1000  # bounds the "read until it fails" loops: frames buffered before a failure are far fewer


@pytest.fixture(autouse=True)
def tcp_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    # OpenCV reads this when a capture opens; RTP over the RTSP connection, as the product uses it.
    monkeypatch.setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")


class HungError(AssertionError):
    """A guarded call did not return."""


@contextmanager
def opened(url: str) -> Iterator[cv2.VideoCapture]:
    # Timeouts work only when given to the constructor (DESIGN.md §4).
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, TIMEOUT_MS]
    capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    assert capture.isOpened(), f"could not open {url}"
    try:
        yield capture
    except HungError:
        raise  # left open: a thread is still inside read(), and releasing under it could crash the worker
    except BaseException:
        capture.release()
        raise
    capture.release()


def guarded(func: Callable[[], T], seconds: float = GUARD_S) -> T:
    """func() in a daemon thread; fails the test if it has not returned after `seconds` (a hang, not slowness)."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(func())
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise HungError(f"still blocked after {seconds:.0f} s")
    if errors:
        raise errors[0]
    return result[0]


def read_frames(capture: cv2.VideoCapture, count: int) -> list[np.ndarray]:
    def read() -> list[np.ndarray]:
        frames = []
        for _ in range(count):
            ok, frame = capture.read()
            assert ok, f"read {len(frames) + 1} of {count} failed"
            frames.append(frame)
        return frames

    return guarded(read)


def read_until_failure(capture: cv2.VideoCapture) -> bool:
    """Reads until read() returns False (frames buffered before the failure still come first); False then."""

    def read() -> bool:
        for _ in range(MAX_READS):
            ok, _frame = capture.read()
            if not ok:
                return False
        return True

    return guarded(read)


def wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_frames_have_the_configured_size_and_move(rtsp_server: RtspServer) -> None:
    with opened(rtsp_server.url()) as capture:
        frames = read_frames(capture, 20)
    assert {frame.shape for frame in frames} == {(360, 640, 3)}
    assert any(not np.array_equal(a, b) for a, b in itertools.pairwise(frames))
    assert not np.array_equal(frames[0], frames[-1])


def test_clients_counts_each_new_connection(rtsp_server: RtspServer) -> None:
    assert rtsp_server.clients() == 0
    with opened(rtsp_server.url()) as first:
        read_frames(first, 1)
        assert wait_until(lambda: rtsp_server.clients() == 1), rtsp_server.clients()
        with opened(rtsp_server.url()) as second:
            read_frames(second, 1)
            assert wait_until(lambda: rtsp_server.clients() == 2), rtsp_server.clients()
    with opened(rtsp_server.url()) as third:  # after the shared pipeline had no client left
        read_frames(third, 1)
    assert wait_until(lambda: rtsp_server.clients() == 3), rtsp_server.clients()


def test_a_read_fails_once_the_camera_is_killed(rtsp_server: RtspServer) -> None:
    with opened(rtsp_server.url()) as capture:
        read_frames(capture, 1)
        rtsp_server.kill()
        assert not rtsp_server.running
        assert read_until_failure(capture) is False


def test_restart_serves_the_same_url_again(rtsp_server: RtspServer) -> None:
    url = rtsp_server.url()
    port = rtsp_server.port
    with opened(url) as old:
        read_frames(old, 1)
        rtsp_server.kill()  # abrupt: the old connection is left half-closed on the server's port
        assert read_until_failure(old) is False

    rtsp_server.restart()
    assert rtsp_server.port == port
    assert rtsp_server.url() == url
    assert rtsp_server.clients() == 0  # counts are per server process
    with opened(url) as new:
        assert {frame.shape for frame in read_frames(new, 5)} == {(360, 640, 3)}
    assert wait_until(lambda: rtsp_server.clients() == 1), rtsp_server.clients()

    rtsp_server.stop()  # a graceful stop then a restart works too
    rtsp_server.restart()
    with opened(url) as again:
        read_frames(again, 1)


def test_a_frozen_camera_makes_read_fail_instead_of_hanging(rtsp_server: RtspServer) -> None:
    with opened(rtsp_server.url()) as capture:
        read_frames(capture, 1)
        rtsp_server.freeze()  # the TCP connection stays open, nothing more arrives
        try:
            assert rtsp_server.running
            assert read_until_failure(capture) is False
        finally:
            rtsp_server.thaw()
    # Thawed, the camera serves new clients again (the dead capture itself never recovers: reopen).
    with opened(rtsp_server.url()) as fresh:
        read_frames(fresh, 1)


def test_the_context_manager_stops_the_process() -> None:
    require_rtsp()
    with RtspServer(width=320, height=240, fps=5) as server:
        assert server.running
        server.freeze()  # stop() must still end a frozen camera
    assert not server.running


def test_ffprobe_reads_the_stream(rtsp_server: RtspServer) -> None:
    ffprobe = shutil.which("ffprobe")
    assert ffprobe, "ffprobe is missing: scripts/ensure-test-services.sh installs ffmpeg"
    command = [ffprobe, "-rtsp_transport", "tcp", "-v", "error", "-show_entries", "stream=width,height"]
    result = subprocess.run(
        [*command, "-of", "csv=p=0", rtsp_server.url()], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["640,360"]


def test_the_vtest_mount_delivers_the_real_footage(vtest_rtsp_server: RtspServer) -> None:
    with opened(vtest_rtsp_server.url("file")) as capture:
        frames = read_frames(capture, 10)
    assert {frame.shape for frame in frames} == {(576, 768, 3)}
    assert not np.array_equal(frames[0], frames[-1])  # people walk


def test_a_file_is_looped_like_a_live_camera(tmp_path: Path) -> None:
    require_rtsp()
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is missing: scripts/ensure-test-services.sh installs it"
    clip = tmp_path / "clip.avi"  # 2 s at 10 fps: the 80 s vtest.avi would take too long to wrap around
    subprocess.run(
        [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "2", "-c:v", "mjpeg", clip],
        check=True,
        timeout=120,
    )
    with RtspServer(file=clip) as server, opened(server.url("file")) as capture:
        frames = read_frames(capture, 60)  # 6 s of stream: the clip wraps around at least twice
    assert {frame.shape for frame in frames} == {(240, 320, 3)}


def test_a_missing_server_skips_outside_ci_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.video import rtsp_helpers

    monkeypatch.setattr(rtsp_helpers, "rtsp_available", lambda: "needs the GStreamer RTSP server (test)")
    monkeypatch.delenv("FACTORYAI_REQUIRE_SHARED_DATA", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs the GStreamer RTSP server"):
        rtsp_helpers.require_rtsp()
    monkeypatch.setenv("FACTORYAI_REQUIRE_SHARED_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match="FACTORYAI_REQUIRE_SHARED_DATA=1"):
        rtsp_helpers.require_rtsp()
