"""Which analytics a camera gets, by role (the runtime asks when it starts a camera)."""

from __future__ import annotations

from factoryai.core.config import Settings
from factoryai.pipeline.entrance import EntranceAnalyzer
from factoryai.pipeline.gate import GateAnalyzer
from factoryai.pipeline.sinks import Sink
from factoryai.pipeline.zone import ZoneAnalyzer
from factoryai.vehicles.recognition import PlateRecognition
from factoryai.video.analysis import Analyzer
from factoryai.video.runtime import CameraConfig, MakeAnalyzer


def analyzers(settings: Settings, sink: Sink, plates: PlateRecognition | None = None) -> MakeAnalyzer:
    """``plates``: the plate reader gate cameras use (None: gate cameras get no analytics)."""

    def make(config: CameraConfig) -> Analyzer | None:
        if not config.detection_enabled:
            return None
        fps = config.analysis_fps or settings.video.analysis_fps
        if config.role == "zone" and config.counting_line is not None:
            return ZoneAnalyzer(config, sink, fps)
        if config.role in ("entrance", "exit") and sink.face_mode != "none":
            return EntranceAnalyzer(config, sink, fps)
        if config.role == "gate" and plates is not None:
            vehicles = settings.vehicles
            return GateAnalyzer(
                config, sink, fps, plates.recognizer, vehicles.vote_frames, vehicles.ocr_confidence_threshold
            )
        return None

    return make
