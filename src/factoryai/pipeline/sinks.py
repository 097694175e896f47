"""Where the pipeline's results go. In `serve` they go straight to the domains' services, each batch in its own unit
of work, so their events (MQTT, webhooks) leave after the commit as for any request."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from factoryai.core.config import Settings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import AppError
from factoryai.occupancy import service as occupancy
from factoryai.occupancy.schemas import OccupancyBatch
from factoryai.pipeline.outbox import Outbox

log = logging.getLogger(__name__)
MAX_PENDING = 10_000  # samples kept for a retry while the database is away; the oldest go first


class Sink(Protocol):
    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        """Deliver these samples; False keeps them with the caller for the next try."""


class OutboxSink:
    """On a worker: results go to its on-disk outbox, and from there to the API (pipeline/delivery.py)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def occupancy(self, samples: list[dict[str, Any]]) -> bool:
        self.outbox.put("occupancy", samples, droppable=True)
        return True


class LocalSink:
    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self.session_factory = session_factory
        self.settings = settings

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
