"""Per-camera figures for Prometheus, read from the runtime at scrape time (a collector, not global gauges: the
runtime belongs to one app and goes away with it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


class CameraCollector(Collector):
    def __init__(self, statuses: list[dict[str, Any]]) -> None:
        self.statuses = statuses  # LiveVideo.statuses(): the cameras here and those workers reported

    def collect(self) -> Iterator[Metric]:
        labels = ["camera"]
        online = GaugeMetricFamily("factoryai_camera_online", "1 while frames arrive from the camera", labels=labels)
        input_fps = GaugeMetricFamily(
            "factoryai_camera_input_fps", "Frames per second read from the camera", labels=labels
        )
        output_fps = GaugeMetricFamily(
            "factoryai_camera_output_fps", "Frames per second encoded for viewers", labels=labels
        )
        age = GaugeMetricFamily(
            "factoryai_camera_last_frame_age_seconds", "Seconds since the newest frame", labels=labels
        )
        viewers = GaugeMetricFamily("factoryai_camera_viewers", "Open live streams", labels=labels)
        frames = CounterMetricFamily("factoryai_camera_frames", "Frames read from the camera", labels=labels)
        dropped = CounterMetricFamily(
            "factoryai_camera_frames_dropped", "Frames skipped by the stream encoders", labels=labels
        )
        reconnects = CounterMetricFamily("factoryai_camera_reconnects", "Times the stream was reopened", labels=labels)
        for status in self.statuses:
            camera = [status["camera_id"]]
            online.add_metric(camera, 1.0 if status.get("online") else 0.0)
            input_fps.add_metric(camera, status.get("input_fps", 0.0))
            output_fps.add_metric(camera, status.get("output_fps", 0.0))
            if status.get("last_frame_age_seconds") is not None:
                age.add_metric(camera, status["last_frame_age_seconds"])
            viewers.add_metric(camera, status.get("viewers", 0))
            frames.add_metric(camera, status.get("frames_captured", 0))
            dropped.add_metric(camera, status.get("frames_dropped", 0))
            reconnects.add_metric(camera, status.get("reconnects", 0))
        yield from (online, input_fps, output_fps, age, viewers, frames, dropped, reconnects)
