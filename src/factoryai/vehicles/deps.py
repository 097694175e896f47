"""Request dependency of the plate endpoints: the app's plate recognition (OCR reader and detector)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from factoryai.vehicles.recognition import PlateRecognition


async def get_plates(request: Request) -> PlateRecognition:
    return request.app.state.resources.plates


PlatesDep = Annotated[PlateRecognition, Depends(get_plates)]
