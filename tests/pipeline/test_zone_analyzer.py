"""The zone analyzer on scripted detections (a real ByteTrack and counter), and the drift reset reaching it over the
real MQTT broker."""

from __future__ import annotations

import json
import queue
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt

from factoryai.core.config import load_settings
from factoryai.pipeline.resets import ResetListener
from factoryai.pipeline.zone import ZoneAnalyzer
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import PERSON, Detection
from tests.mqtt_helpers import own_prefix
from tests.video.test_runtime import wait_for

SIZE = (640, 360)
T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CAMERA = CameraConfig("CAM-Z", "synthetic://pattern", "zone", 10, True, None, ((0.5, 0.0), (0.5, 1.0)), "left")


class Collected:
    """Records what the analyzer delivers (the sink interface is ours; the database path is tested elsewhere)."""

    def __init__(self) -> None:
        self.samples: list[dict[str, Any]] = []

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        self.samples.extend(samples)
        return True


def frame(i: int) -> Frame:
    return Frame(i + 1, np.zeros((SIZE[1], SIZE[0], 3), np.uint8), i / 10, T0 + timedelta(seconds=i / 10))


def person(x: float) -> Detection:
    return Detection((x - 20, 150, x + 20, 270), PERSON, "person", 0.9)


def walk(analyzer: ZoneAnalyzer, start: int, xs: list[float]) -> int:
    for i, x in enumerate(xs):
        analyzer.on_frame(frame(start + i), [person(x)])
    return start + len(xs)


def test_people_walking_across_the_line_become_samples_on_change_only() -> None:
    sink = Collected()
    analyzer = ZoneAnalyzer(CAMERA, sink, fps=10)
    # The line runs from the top to the bottom of the image; seen walking along it that way (y down), its left is
    # the image's right half: in_side "left" makes the right half inside, so walking left to right is an entry.
    n = walk(analyzer, 0, [100 + 20 * k for k in range(25)])  # x 100 → 580
    n = walk(analyzer, n + 30, [580] * 10)  # stands still: nothing new
    analyzer.close()
    assert (analyzer.entries, analyzer.exits) == (1, 0)
    assert len(sink.samples) == 2  # the first count (0), then the crossing
    first, crossing = sink.samples
    assert first["current_count"] == 0
    assert (crossing["entries"], crossing["exits"]) == (analyzer.entries, analyzer.exits)
    assert crossing["camera_id"] == "CAM-Z"
    assert crossing["timestamp"] > first["timestamp"]


def test_a_reset_sets_the_live_count_to_zero_at_the_next_frame_without_a_sample_of_its_own() -> None:
    sink = Collected()
    analyzer = ZoneAnalyzer(CAMERA, sink, fps=10)
    n = walk(analyzer, 0, [100 + 20 * k for k in range(25)])  # an entry
    assert analyzer.counter.count == 1
    analyzer.flush()
    before = len(sink.samples)
    analyzer.reset()
    walk(analyzer, n + 30, [580] * 3)  # still inside, standing: no new crossing
    analyzer.close()
    assert analyzer.counter.count == 0
    assert len(sink.samples) == before  # the reset job stored the zero sample; the counter adds none


def test_the_reset_event_on_the_broker_reaches_the_running_counter() -> None:
    settings = own_prefix(load_settings())
    reached: queue.Queue[str] = queue.Queue()
    listener = ResetListener(settings.mqtt, reached.put)
    try:
        wait_for(lambda: listener.subscribed, "the subscription")
        publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        publisher.connect(settings.mqtt.host, settings.mqtt.port)
        publisher.loop_start()
        topic = f"{settings.mqtt.topic_prefix}/occupancy/CAM-Z/reset"
        publisher.publish(topic, json.dumps({"camera_id": "CAM-Z", "discarded_count": 3}), qos=1).wait_for_publish(10)
        publisher.publish(topic, b"not json", qos=1).wait_for_publish(10)  # ignored, logged
        publisher.loop_stop()
        publisher.disconnect()
        assert reached.get(timeout=10) == "CAM-Z"
    finally:
        listener.close()
