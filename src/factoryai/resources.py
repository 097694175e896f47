"""Everything a running Factory AI process owns besides the database engine, built in one place and closed once.

The API's lifespan, each CLI command and (later) camera workers create a `Resources`, pass its parts to what needs
them and close it at the end: the face runtime (engine, gallery cache, pause), plate recognition (OCR reader), the
object detector, the device-key cache, the event publishers and the scheduled jobs. No module keeps such state, so a
test or a second app in the same process never sees another's. Model weights (dlib's networks, the PP-OCR ONNX
sessions) are the one thing shared per process: they are read-only and costly to load.
"""

from __future__ import annotations

from dataclasses import dataclass

from factoryai.accounts.service import DeviceKeyCache
from factoryai.attendance import events as attendance_events
from factoryai.core.config import Settings
from factoryai.core.events import Publishers, Topic, build_publishers
from factoryai.core.jobs import Job
from factoryai.identity.runtime import FaceRuntime
from factoryai.occupancy import events as occupancy_events
from factoryai.scheduler.registry import build_jobs
from factoryai.vehicles import events as vehicle_events
from factoryai.vehicles.recognition import PlateRecognition
from factoryai.vision.detector import DEFAULT_MODEL, Detector

# Every domain's event topics (its `events.py`); build_publishers routes them.
TOPICS: tuple[Topic, ...] = (*attendance_events.TOPICS, *occupancy_events.TOPICS, *vehicle_events.TOPICS)


@dataclass
class Resources:
    settings: Settings
    faces: FaceRuntime
    plates: PlateRecognition
    detector: Detector
    device_keys: DeviceKeyCache
    publishers: Publishers
    jobs: tuple[Job, ...]

    @classmethod
    def create(cls, settings: Settings, *, publish: bool = True) -> Resources:
        """``publish=False`` for commands that raise no events (no broker connection is opened)."""
        detector = Detector(settings.video.detector_model_path or DEFAULT_MODEL)
        faces = FaceRuntime(settings)
        return cls(
            settings=settings,
            faces=faces,
            plates=PlateRecognition(settings, detector),
            detector=detector,
            device_keys=DeviceKeyCache(settings.auth.api_key_cache_seconds),
            publishers=build_publishers(settings, TOPICS) if publish else Publishers([]),
            jobs=build_jobs(settings, faces),
        )

    def close(self) -> None:
        """After the last unit of work: publishers flush what committed work raised, then the engines go."""
        self.publishers.close()
        self.plates.close()
        self.faces.close()
