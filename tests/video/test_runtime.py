"""The camera runtime in process: it follows the camera list, encodes only while watched, shows a placeholder while a
camera is away, and leaves no thread behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest

from factoryai.video.capture import RateMeter
from factoryai.video.encoder import output_width
from factoryai.video.runtime import CameraConfig, CameraRuntime, RuntimeOptions
from factoryai.video.sources import Timeouts
from tests.video.test_sources import write_clip

OPTIONS = RuntimeOptions(
    timeouts=Timeouts(open_seconds=3, read_seconds=3),
    analysis_fps=5,
    jpeg_quality=80,
    refresh_seconds=60,
    timezone=ZoneInfo("Asia/Kolkata"),
)


def camera(camera_id: str, url: str = "synthetic://pattern?width=320&height=180&fps=20") -> CameraConfig:
    return CameraConfig(camera_id, url, "zone", None, detection_enabled=False, min_confidence=None)


def wait_for(condition: Callable[[], object], what: str, seconds: float = 30) -> None:
    """Poll until true; the bound only stops a broken test from hanging, it is not a speed requirement."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def threads(prefix: str) -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(prefix)]


@pytest.fixture
def cameras() -> list[CameraConfig]:
    return []


@pytest.fixture
def runtime(cameras: list[CameraConfig]) -> Iterator[CameraRuntime]:
    runtime = CameraRuntime(OPTIONS, lambda: list(cameras), detector=None)
    runtime.start()
    yield runtime
    runtime.close()


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "not a JPEG"
    return image


def test_cameras_added_changed_and_removed_take_effect_without_a_restart(
    runtime: CameraRuntime, cameras: list[CameraConfig]
) -> None:
    cameras.append(camera("CAM-A"))
    runtime.refresh()
    wait_for(lambda: runtime.feed("CAM-A") is not None and runtime.feed("CAM-A").status().online, "CAM-A online")
    first = runtime.feed("CAM-A")

    cameras[0] = camera("CAM-A", "synthetic://pattern?width=160&height=90&fps=20")  # a new source URL
    runtime.reload()
    second = runtime.feed("CAM-A")
    assert second is not first
    assert not first.capture.alive
    wait_for(lambda: second.slot.latest() is not None, "a frame from the new source")
    assert second.slot.latest().image.shape == (90, 160, 3)

    cameras.clear()  # disabled or deleted: gone from the list of enabled cameras
    runtime.reload()
    assert runtime.feed("CAM-A") is None
    assert not second.capture.alive
    assert threads("capture-CAM-A") == []


def test_status_reports_rates_frames_and_the_last_frame(runtime: CameraRuntime, cameras: list[CameraConfig]) -> None:
    cameras.append(camera("CAM-A"))
    runtime.reload()
    feed = runtime.feed("CAM-A")
    wait_for(lambda: feed.status().frames_captured >= 20, "20 frames")
    status = feed.status()
    assert status.online
    assert status.last_error is None
    assert 5 < status.input_fps <= 25  # a 20 fps source, measured over the last seconds
    assert status.last_frame_age_seconds is not None
    assert status.last_frame_age_seconds < 5
    assert status.viewers == 0
    assert status.output_fps == 0


def test_an_encoder_runs_only_while_watched_and_publishes_jpegs_of_the_asked_width(
    runtime: CameraRuntime, cameras: list[CameraConfig]
) -> None:
    cameras.append(camera("CAM-A", "synthetic://pattern?width=640&height=360&fps=20"))
    runtime.reload()
    feed = runtime.feed("CAM-A")
    wait_for(lambda: feed.slot.latest() is not None, "a frame")
    encoder = feed.encoder(330)  # snapped down to 320
    assert encoder.width == 320
    assert feed.encoder(320) is encoder
    assert encoder.broadcast.latest() is None
    encoder.acquire()
    try:
        wait_for(lambda: encoder.frames_encoded >= 5, "5 encoded frames")
        image = decode(encoder.broadcast.latest().jpeg)
        assert image.shape == (180, 320, 3)
    finally:
        encoder.release()
    wait_for(lambda: not any(t.startswith("encode-CAM-A") for t in threads("encode-")), "the encoder to stop")
    encoded = encoder.frames_encoded
    time.sleep(0.3)
    assert encoder.frames_encoded == encoded  # unwatched: no work


def test_widths_snap_to_a_few_sizes_and_never_upscale() -> None:
    assert output_width(None) is None
    assert output_width(100) == 160
    assert output_width(639) == 480
    assert output_width(640) == 640
    assert output_width(1920, source_width=1280) is None  # the camera's own size


def test_an_offline_camera_streams_a_placeholder_that_says_so(
    tmp_path: Path, runtime: CameraRuntime, cameras: list[CameraConfig]
) -> None:
    clip = tmp_path / "camera.avi"
    cameras.append(camera("CAM-F", clip.as_uri()))  # the file is not there yet: the camera is offline
    runtime.reload()
    feed = runtime.feed("CAM-F")
    wait_for(lambda: feed.status().last_error is not None, "the open to fail")
    assert "no such video file" in feed.status().last_error
    encoder = feed.encoder(None)
    encoder.acquire()
    try:
        wait_for(lambda: encoder.broadcast.latest() is not None, "a placeholder")
        placeholder = decode(encoder.broadcast.latest().jpeg)
        assert placeholder.shape == (720, 1280, 3)
        grey = placeholder[:50, :50].astype(int)
        assert abs(grey.mean() - grey[..., 0].mean()) < 3
        assert 20 < grey.mean() < 80

        write_clip(clip, frames=5, fps=20, size=(320, 240))  # the camera comes back (the backoff retries it)
        wait_for(lambda: feed.status().online, "the camera to come back", seconds=60)
        wait_for(lambda: decode(encoder.broadcast.latest().jpeg).shape == (240, 320, 3), "live frames again")
        assert feed.status().reconnects >= 1  # opened after failed tries
    finally:
        encoder.release()


def test_closing_the_runtime_ends_every_thread(runtime: CameraRuntime, cameras: list[CameraConfig]) -> None:
    cameras.extend(camera(f"CAM-{i}") for i in range(6))
    runtime.reload()
    for i in range(6):
        runtime.feed(f"CAM-{i}").encoder(None).acquire()
    wait_for(lambda: len(threads("encode-")) >= 6, "six encoders")
    runtime.close()
    assert threads("capture-") == threads("encode-") == threads("analysis-") == threads("camera-refresh") == []


def test_the_rate_meter_reads_a_steady_rate_and_no_burst_as_hundreds_of_fps() -> None:
    meter = RateMeter(window=5)
    meter.tick(100.0)
    meter.tick(100.002)  # a new stream's first two frames, back to back
    assert meter.rate(100.003) <= 1.0
    for i in range(1, 51):
        meter.tick(100.002 + i / 10)  # then 10 fps for 5 s
    assert meter.rate(105.002) == pytest.approx(10, abs=0.5)
    assert meter.rate(200.0) == 0.0  # nothing for longer than the window
