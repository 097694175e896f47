"""The configured face engine, one per process and configuration (models and AWS clients are costly to build)."""

from __future__ import annotations

import threading

from factoryai.core.config import Settings
from factoryai.identity.engines.base import FaceEngine

_lock = threading.Lock()
_engines: dict[str, FaceEngine] = {}


def engine_for(settings: Settings) -> FaceEngine:
    key = settings.identity.model_dump_json() + settings.site.id
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _build(settings)
            _engines[key] = engine
        return engine


def _build(settings: Settings) -> FaceEngine:
    # Imported here so a site on one engine never loads the other's dependencies (dlib models, boto3).
    if settings.identity.engine == "aws":
        from factoryai.identity.engines.aws import AwsRekognitionEngine

        return AwsRekognitionEngine.from_settings(settings.identity, settings.site.id)
    from factoryai.identity.engines.local import LocalFaceEngine

    return LocalFaceEngine.from_settings(settings.identity)
