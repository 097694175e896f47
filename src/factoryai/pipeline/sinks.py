"""Where the pipeline's results go. In `serve` they go straight to the domains' services, each batch in its own unit
of work, so their events (MQTT, webhooks) leave after the commit as for any request."""

from __future__ import annotations

import base64
import logging
import uuid
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from factoryai.attendance import face_punch
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import AppError, ServiceUnavailableError
from factoryai.core.snapshots import SnapshotStore
from factoryai.identity.runtime import FaceRuntime
from factoryai.occupancy import service as occupancy
from factoryai.occupancy.schemas import OccupancyBatch
from factoryai.pipeline.outbox import Outbox
from factoryai.vehicles import service as vehicles
from factoryai.vehicles.schemas import PlateValidationRequest

log = logging.getLogger(__name__)
MAX_PENDING = 10_000  # samples kept for a retry while the database is away; the oldest go first


class Sink(Protocol):
    # How faces reach identify: "attempts" (one at a time, the outcome known at once: in serve), "tracks" (a tracked
    # person's best crops in one event, checked on the API: on a worker), "none".
    face_mode: str

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        """Deliver these samples; False keeps them with the caller for the next try."""

    def face(self, camera_id: str, image: bytes, at: datetime, *, last_attempt: bool) -> str:
        """One face attempt at a tracked person: attendance.face_punch.punch_tracked_person's outcomes, "busy" (no
        recognition slot free: try again), "refused" (the camera no longer punches) or "failed" (database)."""

    def face_track(self, camera_id: str, crops: list[bytes], at: datetime) -> None:
        """A tracked person's best crops, best first, as one event."""

    def plate(self, camera_id: str, text: str, confidence: float, snapshot: bytes | None, at: datetime) -> None:
        """One vehicle pass: its voted plate read and the frame of its best read."""


class OutboxSink:
    """On a worker: results go to its on-disk outbox, and from there to the API (pipeline/delivery.py)."""

    # Crops go to the API, which holds the face gallery: biometric templates stay in one place, not on every edge
    # box, and a few 20-40 KB crops per person cost the network little.
    face_mode = "tracks"

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def face(self, camera_id: str, image: bytes, at: datetime, *, last_attempt: bool) -> str:
        raise NotImplementedError("a worker sends face tracks, not single attempts")

    def face_track(self, camera_id: str, crops: list[bytes], at: datetime) -> None:
        event = {
            "event_id": uuid.uuid4().hex,  # made here, once: a re-send after a timeout is the same event
            "camera_id": camera_id,
            "timestamp": at,
            "images": [base64.b64encode(crop).decode() for crop in crops],
        }
        self.outbox.put("face_track", [event], droppable=False)

    def plate(self, camera_id: str, text: str, confidence: float, snapshot: bytes | None, at: datetime) -> None:
        event = {
            "event_id": uuid.uuid4().hex,
            "camera_id": camera_id,
            "timestamp": at,
            "plate_text": text,
            "confidence": confidence,
            "snapshot": base64.b64encode(snapshot).decode() if snapshot else None,
        }
        self.outbox.put("plate_pass", [event], droppable=False)

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        self.outbox.put("occupancy", samples, droppable=True)
        return True


class LocalSink:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        faces: FaceRuntime | None = None,
        store: SnapshotStore | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.faces = faces
        self.store = store or SnapshotStore(settings.identity.snapshot_dir)
        self.face_mode = "attempts" if faces is not None else "none"

    def face_track(self, camera_id: str, crops: list[bytes], at: datetime) -> None:
        raise NotImplementedError("in serve, faces are tried one attempt at a time")

    def plate(self, camera_id: str, text: str, confidence: float, snapshot: bytes | None, at: datetime) -> None:
        path = self.store.save("vehicles", snapshot, utcnow()) if snapshot else None
        request = PlateValidationRequest(plate_text=text, confidence=confidence, camera_id=camera_id)
        try:
            with unit_of_work(self.session_factory) as session:
                result = vehicles.validate_plate(
                    session,
                    request,
                    self.settings,
                    snapshot_path=path,
                    cooldown_seconds=self.settings.vehicles.cooldown_seconds,
                )
        except (AppError, SQLAlchemyError) as exc:
            log.warning("gate pass at %s (%s) not decided: %s", camera_id, text, exc)
            result = None
        if path is not None and (result is None or result.duplicate_of is not None):
            self.store.delete(path)  # no decision, or the earlier one has its picture

    def face(self, camera_id: str, image: bytes, at: datetime, *, last_attempt: bool) -> str:
        if self.faces is None:
            raise RuntimeError("this sink was built without a face runtime (face_mode is 'none')")
        try:
            with unit_of_work(self.session_factory) as session:
                return face_punch.punch_tracked_person(
                    session, self.faces, self.store, self.settings, image, camera_id, at, last_attempt=last_attempt
                )
        except ServiceUnavailableError:  # every recognition slot is taken by requests: nothing was tried
            return "busy"
        except AppError as exc:  # the camera changed role or was disabled under us
            log.warning("face attempt at %s dropped: %s", camera_id, exc)
            return "refused"
        except SQLAlchemyError as exc:
            log.warning("face attempt at %s failed: %s", camera_id, exc.__class__.__name__)
            return "failed"

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        try:
            batch = OccupancyBatch.model_validate({"samples": samples[-self.settings.occupancy.max_batch :]})
            with unit_of_work(self.session_factory) as session:
                occupancy.ingest(session, batch, self.settings)
        except AppError as exc:  # the camera is no longer a zone camera, or disabled: these samples have no home
            log.warning("occupancy samples of %s dropped: %s", samples[0]["camera_id"], exc)
            return True
        except SQLAlchemyError as exc:
            log.warning("occupancy samples kept for a retry (%d): %s", len(samples), exc.__class__.__name__)
            del samples[: max(0, len(samples) - MAX_PENDING)]
            return False
        return True
