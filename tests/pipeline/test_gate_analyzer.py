"""The gate analyzer on scripted vehicle detections (a real ByteTrack): reads spaced out, voted, one decision per
pass; a parked vehicle is one pass; a vehicle gone before enough reads is decided on what was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from factoryai.pipeline.gate import GateAnalyzer
from factoryai.vehicles.ocr import PlateRead
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import Detection

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CAMERA = CameraConfig("CAM-GATE", "synthetic://gate", "gate", 10, True, None)
CAR = 2


class ScriptedReader:
    """Stands in for the OCR (tested on real plates in tests/vehicles): one misread among good reads."""

    def __init__(self, reads: list[str]) -> None:
        self.reads = reads
        self.calls = 0

    def read_vehicle(self, frame: np.ndarray, box: tuple[float, float, float, float]) -> PlateRead | None:
        text = self.reads[self.calls % len(self.reads)]
        self.calls += 1
        return PlateRead(text, 0.9) if text else None


class Passes:
    def __init__(self) -> None:
        self.decided: list[dict[str, Any]] = []

    def plate(self, camera_id: str, text: str, confidence: float, snapshot: bytes | None, at: datetime) -> None:
        self.decided.append({"camera_id": camera_id, "text": text, "snapshot": snapshot, "at": at})


def frame(i: int) -> Frame:
    return Frame(i + 1, np.zeros((720, 1280, 3), np.uint8), i / 10, T0 + timedelta(seconds=i / 10))


def drive(analyzer: GateAnalyzer, start: int, xs: list[float], width: float = 300) -> int:
    for i, x in enumerate(xs):
        analyzer.on_frame(frame(start + i), [Detection((x, 300, x + width, 500), CAR, "car", 0.9)])
    return start + len(xs)


def test_a_vehicle_that_stops_at_the_gate_for_a_minute_is_one_pass_with_a_voted_plate() -> None:
    reader, sink = ScriptedReader(["KA01AB1234", "KA01A81234", "KA01AB1234", "", "KA01AB1234"]), Passes()
    analyzer = GateAnalyzer(CAMERA, sink, 10, lambda: reader, votes=3)  # type: ignore[arg-type, return-value]
    n = drive(analyzer, 0, [100 + 20 * k for k in range(20)])  # drives up
    drive(analyzer, n, [500] * 600)  # parked for a minute
    analyzer.close()
    assert [d["text"] for d in sink.decided] == ["KA01AB1234"]  # the misread was outvoted
    assert sink.decided[0]["snapshot"]  # the frame of the best read
    assert reader.calls <= 6  # reads stop once decided: not 5 a second for a minute


def test_a_vehicle_gone_before_enough_reads_is_decided_on_what_was_read_and_a_distant_one_is_not_read() -> None:
    reader, sink = ScriptedReader(["MH12DE5678"]), Passes()
    analyzer = GateAnalyzer(CAMERA, sink, 10, lambda: reader, votes=5)  # type: ignore[arg-type, return-value]
    n = drive(analyzer, 0, [100 + 60 * k for k in range(8)], width=60)  # far away: too small to read
    assert reader.calls == 0
    n = drive(analyzer, n, [600 + 10 * k for k in range(6)])  # close for 0.6 s, then gone
    for i in range(40):
        analyzer.on_frame(frame(n + i), [])
    assert [d["text"] for d in sink.decided] == ["MH12DE5678"]
