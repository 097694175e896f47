"""Fixtures shared by the vehicle-gate tests: the guard and the gate camera."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factoryai.cameras.models import Camera


@pytest.fixture
def guard(make_user) -> dict[str, str]:
    return make_user("security")


@pytest.fixture
def gate_camera(session: Session) -> str:
    session.add(Camera(id="CAM-GATE", name="Gate", source_url="synthetic://vehicles", role="gate"))
    session.commit()
    return "CAM-GATE"
