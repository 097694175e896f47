"""The detector on real footage (vtest.avi: people walking) at its own rate, its boxes drawn on the stream."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import cv2
import numpy as np

from factoryai.video.overlay import PERSON_COLOUR
from factoryai.video.runtime import CameraConfig, CameraRuntime, RuntimeOptions
from factoryai.video.sources import Timeouts
from factoryai.vision.detector import DEFAULT_MODEL, PERSON, Detector
from tests.conftest import shared_file
from tests.video.test_runtime import wait_for

UTC_ZONE = ZoneInfo("UTC")


def test_people_in_real_footage_are_boxed_in_green_at_the_analysis_rate() -> None:
    video = shared_file("data/video/vtest.avi")
    options = RuntimeOptions(
        Timeouts(5, 5), analysis_fps=5, jpeg_quality=90, refresh_seconds=60, timezone=ZoneInfo("UTC")
    )
    camera = CameraConfig("CAM-PLAZA", video.as_uri(), "zone", None, detection_enabled=True, min_confidence=0.4)
    runtime = CameraRuntime(options, lambda: [camera], Detector(DEFAULT_MODEL))
    runtime.start()
    try:
        feed = runtime.feed("CAM-PLAZA")
        assert feed is not None
        encoder = feed.encoder(None)
        assert feed.slot.detections() is None  # nobody watches: the detector has not run
        encoder.acquire()
        try:

            def people() -> bool:
                result = feed.slot.detections()
                return result is not None and any(d.class_id == PERSON for d in result.detections)

            wait_for(people, "people detected", 120)
            result = feed.slot.detections()
            assert all(d.score >= 0.4 for d in result.detections)  # the camera's min_confidence applies
            wait_for(lambda: feed.status().analysis_fps > 0, "an analysis rate")
            # Detection runs at its own rate, slower than the camera: fewer results than frames.
            wait_for(lambda: feed.status().frames_captured > 30, "frames")
            status = feed.status()
            assert 0 < status.analysis_fps <= 5.5
            assert status.input_fps > status.analysis_fps  # a 10 fps clip, analysed at 5

            def boxed() -> bool:
                latest = feed.slot.detections()
                jpeg = encoder.broadcast.latest()
                if latest is None or jpeg is None:
                    return False
                image = cv2.imdecode(np.frombuffer(jpeg.jpeg, np.uint8), cv2.IMREAD_COLOR)
                green = np.all(np.abs(image.astype(int) - PERSON_COLOUR) < 40, axis=2)
                return int(green.sum()) > 200  # box outlines and label tags in the person colour

            wait_for(boxed, "green person boxes in the stream", 60)
        finally:
            encoder.release()
    finally:
        runtime.close()
