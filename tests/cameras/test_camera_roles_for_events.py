"""cameras.service.get_camera_for_event: the one rule saying which camera roles may report which events."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factoryai.cameras import service
from factoryai.cameras.models import Camera, CameraRole
from factoryai.core.errors import ValidationFailedError


@pytest.fixture
def cameras(session: Session) -> Session:
    session.add_all(
        Camera(id=f"CAM-{role.value.upper()}", name=role.value, source_url="synthetic://people", role=role.value)
        for role in CameraRole
    )
    session.flush()
    return session


@pytest.mark.parametrize(
    ("roles", "accepted"),
    [
        (service.PUNCH_ROLES, {"CAM-ENTRANCE", "CAM-EXIT"}),
        (service.GATE_ROLES, {"CAM-GATE"}),
        (service.OCCUPANCY_ROLES, {"CAM-ZONE"}),
    ],
)
def test_each_event_kind_accepts_only_its_camera_roles(
    cameras: Session, roles: frozenset[CameraRole], accepted: set[str]
) -> None:
    for role in CameraRole:
        camera_id = f"CAM-{role.value.upper()}"
        if camera_id in accepted:
            assert service.get_camera_for_event(cameras, camera_id, roles=roles).id == camera_id
        else:
            with pytest.raises(ValidationFailedError) as refused:
                service.get_camera_for_event(cameras, camera_id, roles=roles)
            assert refused.value.details[0]["field"] == "camera_id"
            assert refused.value.details[0]["role"] == role.value
            assert camera_id in refused.value.message
