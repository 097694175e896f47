"""Request dependency of the identity endpoints: the configured face engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from factoryai.api.deps import SettingsDep
from factoryai.identity.engines.base import FaceEngine
from factoryai.identity.engines.factory import engine_for


async def get_face_engine(settings: SettingsDep) -> FaceEngine:
    return engine_for(settings)


FaceEngineDep = Annotated[FaceEngine, Depends(get_face_engine)]
