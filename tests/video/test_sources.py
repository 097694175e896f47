"""Sources: file videos looped at their own rate, synthetic scenes, clear errors for bad URLs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from factoryai.video.sources import SourceError, Timeouts, open_source

TIMEOUTS = Timeouts(open_seconds=5, read_seconds=5)


def write_clip(path: Path, frames: int, fps: float, size: tuple[int, int] = (160, 120)) -> Path:
    """A short MJPEG AVI whose frame i is filled with grey level 40 + 20*i (so a test can tell frames apart)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), 40 + 20 * i, np.uint8))
    writer.release()
    return path


def test_a_file_is_looped_frame_after_frame(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", frames=4, fps=50)
    source = open_source(clip.as_uri(), TIMEOUTS, threading.Event())
    try:
        levels = []
        for _ in range(10):
            frame = source.read()
            assert frame is not None
            assert frame.shape == (120, 160, 3)
            levels.append(round(float(frame.mean()) / 20))
    finally:
        source.release()
    assert levels[:4] == levels[4:8] == [2, 3, 4, 5]  # 40, 60, 80, 100 → the clip again from its first frame


def test_a_file_plays_at_its_own_frame_rate_not_as_fast_as_it_decodes(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", frames=3, fps=20)
    source = open_source(clip.as_uri(), TIMEOUTS, threading.Event())
    assert source.nominal_fps == pytest.approx(20)
    try:
        started = time.monotonic()
        for _ in range(11):
            assert source.read() is not None
        elapsed = time.monotonic() - started
    finally:
        source.release()
    # Ten intervals of 50 ms: unpaced, decoding 11 tiny frames takes a few milliseconds. (A lower bound only: a
    # busy machine may take longer, never shorter.)
    assert elapsed >= 0.45


def test_stopping_ends_a_paced_wait(tmp_path: Path) -> None:
    stop = threading.Event()
    source = open_source("synthetic://pattern?fps=0.2&width=64&height=64", TIMEOUTS, stop)
    assert source.read() is not None  # the first frame is due at once
    stop.set()
    assert source.read() is None  # the next was 5 s away: stopping answers now, with no frame


def test_synthetic_pattern_moves_and_takes_its_size_and_rate_from_the_url() -> None:
    source = open_source("synthetic://pattern?width=320&height=180&fps=30", TIMEOUTS, threading.Event())
    first = source.read()
    time.sleep(0.1)
    second = source.read()
    assert source.nominal_fps == 30
    assert first is not None
    assert second is not None
    assert first.shape == (180, 320, 3)
    assert first.dtype == np.uint8
    assert not np.array_equal(first, second)  # the ball and the clock move


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("synthetic://pattern?width=10", "width must lie between"),
        ("synthetic://pattern?fps=fast", "fps='fast' is not a number"),
        ("file:///no/such/video.avi", "no such video file"),
        ("ftp://camera/stream", "unsupported source scheme"),
    ],
)
def test_bad_sources_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        open_source(url, TIMEOUTS, threading.Event())


def test_a_file_that_is_not_a_video_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.avi"
    junk.write_text("not a video")
    with pytest.raises(SourceError, match="cannot decode"):
        open_source(junk.as_uri(), TIMEOUTS, threading.Event())


def test_an_rtsp_camera_that_does_not_answer_fails_within_the_open_timeout() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(SourceError, match="cannot open the stream"):
        open_source("rtsp://127.0.0.1:9/stream", Timeouts(open_seconds=2, read_seconds=2), threading.Event())


def test_a_file_can_play_faster_for_demos_and_tests(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "clip.avi", frames=3, fps=10)
    source = open_source(clip.as_uri() + "?speed=4", TIMEOUTS, threading.Event())
    try:
        assert source.nominal_fps == pytest.approx(40)
    finally:
        source.release()
    with pytest.raises(SourceError, match="speed must lie between"):
        open_source(clip.as_uri() + "?speed=100", TIMEOUTS, threading.Event())
