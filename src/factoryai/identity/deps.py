"""Request dependencies of the identity endpoints: the configured engine and the snapshot store."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from factoryai.api.deps import SettingsDep
from factoryai.identity.engines.base import FaceEngine
from factoryai.identity.engines.factory import engine_for
from factoryai.identity.snapshots import SnapshotStore


async def get_face_engine(settings: SettingsDep) -> FaceEngine:
    return engine_for(settings)


async def get_snapshot_store(settings: SettingsDep) -> SnapshotStore:
    return SnapshotStore(settings.identity.snapshot_dir)


FaceEngineDep = Annotated[FaceEngine, Depends(get_face_engine)]
SnapshotStoreDep = Annotated[SnapshotStore, Depends(get_snapshot_store)]
