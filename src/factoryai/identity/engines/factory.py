"""Builds the configured face engine; its owner (identity.runtime.FaceRuntime) keeps and closes it."""

from __future__ import annotations

from factoryai.core.config import Settings
from factoryai.identity.engines.base import FaceEngine


def build_engine(settings: Settings) -> FaceEngine:
    # Imported here so a site on one engine never loads the other's dependencies (dlib models, boto3).
    if settings.identity.engine == "aws":
        from factoryai.identity.engines.aws import AwsRekognitionEngine

        return AwsRekognitionEngine.from_settings(settings.identity, settings.site.id)
    from factoryai.identity.engines.local import LocalFaceEngine

    return LocalFaceEngine.from_settings(settings.identity)
