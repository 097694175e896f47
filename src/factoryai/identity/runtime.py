"""What face identification keeps between calls, owned by whoever made it (an app, the CLI, a camera worker).

The engine (dlib models or an AWS client), the gallery built from the enrolled photos, the pause after an engine
failure and the bound on concurrent recognitions used to be process globals or missing; now each owner creates a
FaceRuntime, passes it in and closes it, so two apps in one process (tests, a worker beside an API) never see each
other's gallery, pause or recognition slots.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from factoryai.core.config import Settings
from factoryai.core.errors import ServiceUnavailableError, problem
from factoryai.identity.engines.base import FaceEngine, Gallery
from factoryai.identity.engines.factory import build_engine


class GalleryCache:
    """The last gallery built per (database, engine), with the version it was built at."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[object, ...], Gallery]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, version: tuple[object, ...]) -> Gallery | None:
        with self._lock:
            cached = self._entries.get(key)
        return cached[1] if cached is not None and cached[0] == version else None

    def put(self, key: str, version: tuple[object, ...], gallery: Gallery) -> None:
        with self._lock:
            self._entries[key] = (version, gallery)


class EnginePause:
    """After an engine failure, callers that can wait (camera punches kept as pending) skip the engine for a while,
    so an outage does not make every request sit through the full retries while holding a database connection.
    Per runtime: it only saves time, correctness never depends on it."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def left(self) -> float:
        with self._lock:
            return max(0.0, self._until - time.monotonic())

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._until = time.monotonic() + seconds

    def resume(self) -> None:
        with self._lock:
            self._until = 0.0


# What a refused caller is told to wait: about one recognition of a camera frame, after which a slot is likely free.
RETRY_AFTER_SECONDS = 1


class RecognitionSlots:
    """At most ``limit`` recognitions at once. Requests that find every slot taken are refused at once (503 with
    Retry-After) rather than queued: on a small machine a queue only makes every caller late (four 40 MP images in
    parallel once waited 12.8 s), while a camera that is told to retry sends its newest frame instead."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)

    @contextmanager
    def hold(self, *, wait: bool = False) -> Iterator[None]:
        """One slot for the duration; ``wait`` for callers with no one waiting on them (the pending-retry job)."""
        if not self._slots.acquire(blocking=wait):
            message = (
                f"the server is already running {self.limit} face recognitions, its limit "
                f"(identity.max_concurrent_recognitions); retry in {RETRY_AFTER_SECONDS} s"
            )
            raise ServiceUnavailableError(
                message,
                details=[problem("", message, limit=self.limit, retry_after_seconds=RETRY_AFTER_SECONDS)],
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        try:
            yield
        finally:
            self._slots.release()


class FaceRuntime:
    """The configured face engine, built on first use (the other engine's dependencies are never loaded), with its
    gallery cache, pause and recognition slots."""

    def __init__(self, settings: Settings, engine: FaceEngine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._lock = threading.Lock()
        self.galleries = GalleryCache()
        self.pause = EnginePause()
        self.recognitions = RecognitionSlots(settings.identity.max_concurrent_recognitions)

    @property
    def engine(self) -> FaceEngine:
        with self._lock:
            if self._engine is None:
                self._engine = build_engine(self.settings)
            return self._engine

    def close(self) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close()
