"""Request dependencies of the face endpoints: the app's face runtime (engine, gallery cache, pause)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from factoryai.identity.engines.base import FaceEngine
from factoryai.identity.runtime import FaceRuntime


async def get_faces(request: Request) -> FaceRuntime:
    return request.app.state.resources.faces


FacesDep = Annotated[FaceRuntime, Depends(get_faces)]


def get_face_engine(faces: FacesDep) -> FaceEngine:  # sync: building an AWS client blocks briefly, off the loop
    return faces.engine


FaceEngineDep = Annotated[FaceEngine, Depends(get_face_engine)]
