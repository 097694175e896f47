"""Where frames come from: one opener per `source_url` scheme, each giving BGR frames at the source's own pace.

- ``rtsp://`` / ``rtsps://``: OpenCV's FFmpeg backend over TCP (UDP loses packets on busy factory networks and
  smears the picture). Open and read timeouts go to the ``VideoCapture`` constructor: set any other way OpenCV
  ignores them, and a frozen camera then blocks ``read()`` for 30 s (DESIGN.md §4).
- ``http(s)://``: an MJPEG stream (``multipart/x-mixed-replace``), read by the same FFmpeg backend.
- ``file://``: a video file, looped, delivered at its own frame rate rather than as fast as it decodes (a 10 fps
  clip must look like a 10 fps camera to everything downstream).
- ``synthetic://<scene>?width=&height=&fps=``: scenes drawn in code (video/scenes.py), paced like a camera.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import cv2
import numpy as np

from factoryai.video.scenes import make_scene

# FFmpeg reads its options from this variable when a capture opens; it must be set before the first one.
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")
# Our log says when a camera stalls or fails; OpenCV's own warnings would only repeat it, unformatted, on stderr.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
DEFAULT_FILE_FPS = 10.0
STALL_FRACTION = 0.9
MAX_PACED_FPS = 60.0


class SourceError(Exception):
    """A source that cannot be opened or stopped delivering; the message is safe to show (no credentials)."""


class FrameSource(Protocol):
    nominal_fps: float | None  # what the source says it delivers (None: unknown, e.g. some RTSP cameras)

    def read(self) -> np.ndarray | None:
        """The next frame (BGR uint8), blocking at most the read timeout; None when the source has failed."""

    def release(self) -> None: ...


@dataclass(frozen=True)
class Timeouts:
    open_seconds: float
    read_seconds: float


class _Pacer:
    """Sleeps so frames leave at ``fps``, without drift; wakes early when stopped."""

    def __init__(self, fps: float, stop: threading.Event) -> None:
        self.interval = 1.0 / min(max(fps, 0.1), MAX_PACED_FPS)
        self.stop = stop
        self.next_at = time.monotonic()

    def wait(self) -> bool:
        self.next_at += self.interval
        delay = self.next_at - time.monotonic()
        if delay < -self.interval:  # fell behind (a slow decode, a paused process): restart the clock, no burst
            self.next_at = time.monotonic()
        elif delay > 0 and self.stop.wait(delay):
            return False
        return True


class OpenCvSource:
    """rtsp(s) and http(s) MJPEG through FFmpeg; a failed read means the capture is dead (it never recovers)."""

    def __init__(self, url: str, timeouts: Timeouts) -> None:
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(timeouts.open_seconds * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(timeouts.read_seconds * 1000),
        ]
        self._read_timeout = timeouts.read_seconds
        self._capture = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(f"cannot open the stream (no answer within {timeouts.open_seconds:g} s, or refused)")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.nominal_fps = float(fps) if 0 < fps <= 240 else None

    def read(self) -> np.ndarray | None:
        started = time.monotonic()
        ok, frame = self._capture.read()
        # A frozen camera makes FFmpeg hit the read timeout, yet OpenCV still answers True twice with a stale frame
        # before it gives up (3 timeouts, measured): a read that took the timeout is a stall, whatever it returned.
        if time.monotonic() - started >= STALL_FRACTION * self._read_timeout:
            return None
        return frame if ok and frame is not None and frame.size else None

    def release(self) -> None:
        self._capture.release()


class FileSource:
    """A video file played in a loop at its own frame rate (times ``speed``: ``file:///clip.avi?speed=4`` plays it
    four times as fast, for demos and tests of long clips)."""

    def __init__(self, path: str, stop: threading.Event, speed: float = 1.0) -> None:
        if not os.path.isfile(path):
            raise SourceError(f"no such video file: {path}")
        self._path = path
        self._capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(f"cannot decode the video file: {path}")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.nominal_fps = (float(fps) if 0 < fps <= MAX_PACED_FPS else DEFAULT_FILE_FPS) * speed
        self._pacer = _Pacer(self.nominal_fps, stop)

    def read(self) -> np.ndarray | None:
        if not self._pacer.wait():
            return None
        ok, frame = self._capture.read()
        if not ok:  # end of the file: start again (seeking back is unreliable in some containers; reopen)
            self._capture.release()
            self._capture = cv2.VideoCapture(self._path, cv2.CAP_FFMPEG)
            ok, frame = self._capture.read()
        return frame if ok else None

    def release(self) -> None:
        self._capture.release()


class SyntheticSource:
    """A scene drawn in code, paced like a camera; ``speed=`` runs its clock faster (tests of long scenes), with
    ``fps`` frames per second of wall time."""

    def __init__(self, scene: str, options: dict[str, str], stop: threading.Event) -> None:
        try:
            self._scene = make_scene(scene, options)
        except ValueError as exc:
            raise SourceError(str(exc)) from None
        self.speed = _speed(options.get("speed"))
        self.nominal_fps = self._scene.fps
        self._pacer = _Pacer(self._scene.fps, stop)
        self._started = time.monotonic()

    def read(self) -> np.ndarray | None:
        if not self._pacer.wait():
            return None
        return self._scene.render((time.monotonic() - self._started) * self.speed)

    def release(self) -> None:
        pass


def _speed(raw: str | None) -> float:
    if raw is None:
        return 1.0
    try:
        speed = float(raw)
    except ValueError:
        raise SourceError(f"speed={raw!r} is not a number") from None
    if not 0.1 <= speed <= 10:
        raise SourceError("speed must lie between 0.1 and 10")
    return speed


def open_source(url: str, timeouts: Timeouts, stop: threading.Event) -> FrameSource:
    """Open ``url``; raises SourceError with a message fit for the camera's status. ``stop`` ends a paced wait."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("rtsp", "rtsps", "http", "https"):
        return OpenCvSource(url, timeouts)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "file":
        path = unquote(parts.netloc + parts.path) if parts.netloc else unquote(parts.path)
        return FileSource(path, stop, _speed(options.get("speed")))
    if scheme == "synthetic":
        return SyntheticSource(parts.netloc or parts.path.strip("/") or "pattern", options, stop)
    raise SourceError(f"unsupported source scheme {scheme!r}")
