"""Building the camera runtime of a process from the settings and the camera table."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from factoryai.cameras import service as cameras
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.video.runtime import CameraConfig, CameraRuntime, MakeAnalyzer, RuntimeOptions
from factoryai.video.sources import Timeouts
from factoryai.vision.detector import DEFAULT_MODEL, Detector


def runtime_options(settings: Settings) -> RuntimeOptions:
    video = settings.video
    return RuntimeOptions(
        timeouts=Timeouts(video.open_timeout_seconds, video.read_timeout_seconds),
        analysis_fps=video.analysis_fps,
        jpeg_quality=video.jpeg_quality,
        refresh_seconds=video.refresh_seconds,
        timezone=settings.site.tz,
    )


TRACKING_SCORE = 0.1  # trackers keep tracks alive with low-scoring boxes; the overlay draws from 0.3 (or the camera's)


def analysis_detector(settings: Settings) -> Detector:
    """The runtime's own detector, with the low threshold tracking wants (the plate reader's stays at its own)."""
    return Detector(settings.video.detector_model_path or DEFAULT_MODEL, score_threshold=TRACKING_SCORE)


def start_runtime(
    settings: Settings,
    session_factory: sessionmaker[Session],
    detector: Detector | None,
    make_analyzer: MakeAnalyzer | None = None,
) -> CameraRuntime:
    """Open every enabled camera of the table and follow its changes; the caller closes it."""

    def load() -> list[CameraConfig]:
        now = utcnow()
        with unit_of_work(session_factory) as session:
            return [
                CameraConfig.of(camera)
                for camera in cameras.enabled_cameras(session)
                # A camera a worker holds is opened there, not here too (cameras allow few sessions).
                if camera.worker_id is None
                or camera.worker_lease_expires_at is None
                or camera.worker_lease_expires_at <= now
            ]

    runtime = CameraRuntime(runtime_options(settings), load, detector, make_analyzer)
    runtime.start()
    return runtime
