"""The camera runtime: every enabled camera opened once, with its capture thread, its analysis loop and an encoder
per watched output size — owned by one process (``serve`` alone, or a ``worker``) and closed with it.

It follows the camera table: cameras added, changed, disabled or deleted take effect without a restart (at once
for changes made through this process, within ``video.refresh_seconds`` for the others).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from factoryai.core.clock import utcnow
from factoryai.video.analysis import AnalysisLoop, Analyzer
from factoryai.video.capture import Capture
from factoryai.video.encoder import CameraView, StreamEncoder, output_width
from factoryai.video.hub import FrameSlot
from factoryai.video.sources import Timeouts
from factoryai.vision.detector import Detector

log = logging.getLogger(__name__)
STOP_DEADLINE_SECONDS = 1.5


@dataclass(frozen=True)
class CameraConfig:
    """The parts of a camera row the runtime acts on; a change in any of them restarts the camera."""

    id: str
    source_url: str
    role: str
    analysis_fps: float | None
    detection_enabled: bool
    min_confidence: float | None
    counting_line: tuple[tuple[float, float], tuple[float, float]] | None = None
    in_side: str = "left"
    capacity: int | None = None

    @classmethod
    def of(cls, camera: Any) -> CameraConfig:
        settings = camera.settings or {}
        line = settings.get("counting_line")
        return cls(
            id=camera.id,
            source_url=camera.source_url,
            role=camera.role,
            analysis_fps=settings.get("analysis_fps"),
            detection_enabled=settings.get("detection_enabled", True),
            min_confidence=settings.get("min_confidence"),
            counting_line=(tuple(line[0]), tuple(line[1])) if line else None,  # type: ignore[arg-type]
            in_side=settings.get("in_side", "left"),
            capacity=settings.get("capacity"),
        )


@dataclass(frozen=True)
class CameraStatus:
    camera_id: str
    online: bool
    input_fps: float
    output_fps: float
    analysis_fps: float
    frames_captured: int
    frames_dropped: int
    reconnects: int
    viewers: int
    last_frame_at: datetime | None
    last_frame_age_seconds: float | None
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True)
class RuntimeOptions:
    timeouts: Timeouts
    analysis_fps: float
    jpeg_quality: int
    refresh_seconds: float
    timezone: tzinfo


MakeAnalyzer = Callable[[CameraConfig], Analyzer | None]


class CameraFeed:
    """One running camera."""

    def __init__(
        self,
        config: CameraConfig,
        options: RuntimeOptions,
        detector: Detector | None,
        make_analyzer: MakeAnalyzer | None = None,
    ) -> None:
        self.config = config
        self.options = options
        self.slot = FrameSlot()
        self.capture = Capture(config.id, config.source_url, self.slot, options.timeouts)
        self.encoders: dict[int | None, StreamEncoder] = {}
        self._lock = threading.Lock()
        line = config.counting_line if config.role == "zone" else None
        self.view = CameraView(config.id, options.timezone, self._online, self._last_seen, line, config.in_side)
        self.analysis = (
            AnalysisLoop(
                config.id,
                self.slot,
                detector,
                fps=config.analysis_fps or options.analysis_fps,
                min_confidence=config.min_confidence,
                wanted=self.watched,
                analyzer=make_analyzer(config) if make_analyzer is not None else None,
            )
            if detector is not None and config.detection_enabled
            else None
        )

    def _online(self) -> bool:
        return self.capture.state.online

    def _last_seen(self) -> datetime | None:
        frame = self.slot.latest()
        return frame.captured_at if frame else None

    def start(self) -> None:
        self.capture.start()
        if self.analysis is not None:
            self.analysis.start()

    def watched(self) -> bool:
        return any(encoder.viewers for encoder in list(self.encoders.values()))

    def encoder(self, width: int | None) -> StreamEncoder:
        latest = self.slot.latest()
        size = output_width(width, latest.image.shape[1] if latest is not None else None)
        with self._lock:
            encoder = self.encoders.get(size)
            if encoder is None:
                encoder = self.encoders[size] = StreamEncoder(self.view, self.slot, size, self.options.jpeg_quality)
            return encoder

    def stop(self) -> None:
        self.capture.stop()
        if self.analysis is not None:
            self.analysis.stop()
        for encoder in list(self.encoders.values()):
            encoder.stop()
        self.slot.close()

    def join(self, deadline: float) -> bool:
        parts: list[Capture | AnalysisLoop | StreamEncoder] = [self.capture, *self.encoders.values()]
        if self.analysis is not None:
            parts.append(self.analysis)
        return all([part.join(max(0.0, deadline - time.monotonic())) for part in parts])

    def status(self) -> CameraStatus:
        state = self.capture.state
        frame = self.slot.latest()
        encoders = list(self.encoders.values())
        return CameraStatus(
            camera_id=self.config.id,
            online=state.online,
            input_fps=self.capture.input_rate.rate(),
            output_fps=max((e.output_rate.rate() for e in encoders), default=0.0),
            analysis_fps=self.analysis.rate.rate() if self.analysis is not None else 0.0,
            frames_captured=state.frames,
            frames_dropped=sum(e.frames_dropped for e in encoders),
            reconnects=state.reconnects,
            viewers=sum(e.viewers for e in encoders),
            last_frame_at=frame.captured_at if frame else None,
            last_frame_age_seconds=round(time.monotonic() - frame.monotonic, 2) if frame else None,
            last_error=state.last_error,
            last_error_at=state.last_error_at,
        )


class CameraRuntime:
    def __init__(
        self,
        options: RuntimeOptions,
        load_cameras: Callable[[], Iterable[CameraConfig]],
        detector: Detector | None,
        make_analyzer: MakeAnalyzer | None = None,
    ) -> None:
        self.options = options
        self.load_cameras = load_cameras
        self.detector = detector
        self.make_analyzer = make_analyzer  # the camera pipeline's analytics per role (None: overlay boxes only)
        self.started_at = utcnow()
        self.closing = False  # set when the server stops: open streams end instead of following a restart
        self._feeds: dict[str, CameraFeed] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._refresher = threading.Thread(target=self._refresh_loop, name="camera-refresh", daemon=True)

    def start(self) -> None:
        self.reload()
        self._refresher.start()

    def refresh(self) -> None:
        """Re-read the cameras now (after a change through the API)."""
        self._wake.set()

    def reload(self) -> None:
        try:
            configs = list(self.load_cameras())
        except Exception:  # a database hiccup: keep the cameras running, try again at the next refresh
            log.exception("camera runtime: reading the camera list failed")
            return
        self.sync(configs)

    def sync(self, configs: Iterable[CameraConfig]) -> None:
        wanted = {config.id: config for config in configs}
        with self._lock:
            if self._stop.is_set():
                return
            stopped = [feed for cid, feed in self._feeds.items() if wanted.get(cid) != feed.config]
            for feed in stopped:
                del self._feeds[feed.config.id]
                feed.stop()
            started = [CameraFeed(config, self.options, self.detector, self.make_analyzer)
                       for cid, config in wanted.items() if cid not in self._feeds]  # fmt: skip
            for feed in started:
                self._feeds[feed.config.id] = feed
                feed.start()
        for feed in stopped:
            log.info("camera %s stopped", feed.config.id)
            feed.join(time.monotonic() + STOP_DEADLINE_SECONDS)
        for feed in started:
            log.info("camera %s started (%s)", feed.config.id, feed.config.role)

    def _refresh_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.options.refresh_seconds)
            self._wake.clear()
            if not self._stop.is_set():
                self.reload()

    def feed(self, camera_id: str) -> CameraFeed | None:
        return self._feeds.get(camera_id)

    def camera_ids(self) -> list[str]:
        return sorted(self._feeds)

    def statuses(self) -> list[CameraStatus]:
        return [feed.status() for _, feed in sorted(self._feeds.items())]

    def reset_counter(self, camera_id: str) -> bool:
        """The drift reset for a camera this runtime runs: its analyzer (a zone counter) starts again from 0."""
        feed = self._feeds.get(camera_id)
        analyzer = feed.analysis.analyzer if feed is not None and feed.analysis is not None else None
        reset = getattr(analyzer, "reset", None)
        if reset is None:
            return False
        reset()
        return True

    def close_streams(self) -> None:
        """End every open stream now (server shutdown: uvicorn waits for open responses before it stops)."""
        self.closing = True
        for feed in list(self._feeds.values()):
            for encoder in list(feed.encoders.values()):
                encoder.broadcast.close()

    def close(self) -> None:
        self.close_streams()
        with self._lock:
            self._stop.set()
            feeds, self._feeds = list(self._feeds.values()), {}
        self._wake.set()
        for feed in feeds:
            feed.stop()
        deadline = time.monotonic() + STOP_DEADLINE_SECONDS
        if self._refresher.is_alive():
            self._refresher.join(max(0.0, deadline - time.monotonic()))
        stuck = [feed.config.id for feed in feeds if not feed.join(deadline)]
        if stuck:  # a capture inside a blocking read of a frozen camera; it ends at its read timeout (daemon thread)
            log.warning("camera runtime: %s still stopping (blocked in a read)", ", ".join(stuck))
