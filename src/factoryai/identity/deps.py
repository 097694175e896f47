"""Request dependencies of the face endpoints: the app's face runtime (engine, gallery cache, pause, recognition
slots), and the 503 that routes running a recognition document."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from factoryai.core.web import errors
from factoryai.identity.engines.base import FaceEngine
from factoryai.identity.runtime import RETRY_AFTER_SECONDS, FaceRuntime

# For `responses=` of the routes that run the engine (identify, face check-in, enrolment).
RECOGNITION_ERRORS: dict[int | str, dict[str, Any]] = errors(
    503,
    e503="The face engine is unavailable, or every recognition slot (identity.max_concurrent_recognitions) is busy: "
    "then Retry-After says when to try again",
)
RECOGNITION_ERRORS[503]["headers"] = {
    "Retry-After": {
        "description": f"Seconds to wait when the recognitions were busy (about {RETRY_AFTER_SECONDS}).",
        "schema": {"type": "integer"},
    }
}


async def get_faces(request: Request) -> FaceRuntime:
    return request.app.state.resources.faces


FacesDep = Annotated[FaceRuntime, Depends(get_faces)]


def get_face_engine(faces: FacesDep) -> FaceEngine:  # sync: building an AWS client blocks briefly, off the loop
    return faces.engine


FaceEngineDep = Annotated[FaceEngine, Depends(get_face_engine)]
