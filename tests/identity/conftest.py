"""Fixtures of the identity tests: the whole app on the 'aws' engine against the loopback Rekognition."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from factoryai.api.app import create_app
from factoryai.core.config import Settings

from ._rekognition_fake import FakeRekognition, running_fake


@pytest.fixture
def rekognition(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[FakeRekognition, str]]:
    """The loopback Rekognition, and dummy credentials from the environment only."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with running_fake() as fake:
        yield fake


@pytest.fixture
def aws_settings(settings: Settings, rekognition: tuple[FakeRekognition, str]) -> Settings:
    identity = settings.identity.model_copy(
        update={
            "engine": "aws",
            "aws_endpoint_url": rekognition[1],
            "aws_retry_base_seconds": 0.01,
            "aws_max_retries": 1,
        }
    )
    return settings.model_copy(update={"identity": identity})


@pytest.fixture
def small_image_client(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    """The app with identity.max_image_mb of 5 KB: each LFW photo (7-11 KB) is too large."""
    small = settings.model_copy(update={"identity": settings.identity.model_copy(update={"max_image_mb": 0.005})})
    with TestClient(create_app(small, engine=clean_db)) as client:
        yield client


@pytest.fixture
def aws_client(aws_settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(aws_settings, engine=clean_db)) as client:
        yield client
