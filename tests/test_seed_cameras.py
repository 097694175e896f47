"""The demo's cameras: the people counter plays real footage where Debian's opencv-doc provides it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factoryai import seed
from factoryai.cameras.models import Camera


@pytest.mark.parametrize("installed", [True, False])
def test_the_demo_floor_camera_uses_the_opencv_doc_clip_when_installed(
    clean_db: Engine, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: bool
) -> None:
    clip = tmp_path / "vtest.avi"
    if installed:
        clip.write_bytes(b"a video")
    monkeypatch.setattr(seed, "DEMO_FOOTAGE", clip)
    seed.seed_demo(session)
    session.commit()
    floor = session.get(Camera, "CAM-FLOOR")
    assert floor is not None
    assert floor.source_url == (clip.as_uri() if installed else "synthetic://people")
    assert floor.settings["counting_line"] == [[0.5, 0.0], [0.5, 1.0]]
    assert session.get(Camera, "CAM-MAIN").source_url == "synthetic://entrance"
