"""Bodies of the plate validation and watchlist endpoints (spec Module 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from factoryai.core.schemas import AwareIsoDateTime, BoxRead, InputModel, ReadModel, text_type
from factoryai.vehicles.gate import VehicleStatus
from factoryai.vehicles.models import WatchList

PlateText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]


class PlateValidationRequest(InputModel):
    plate_text: PlateText = Field(description="The OCR read, e.g. 'KA 01 AB 1234'.")
    confidence: float = Field(ge=0, le=1, description="OCR confidence 0..1.")
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = Field(
        None,
        description="The gate camera that read the plate: an enabled camera of role 'gate'. Without it the read is "
        "checked and logged but never opens a gate (should_trigger_gate_event is false).",
    )
    vehicle_type: Annotated[str, StringConstraints(max_length=50)] | None = None


class PlatePass(InputModel):
    """One vehicle pass decided on a camera worker: its voted plate read and the frame of its best read."""

    event_id: Annotated[str, StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = Field(
        description="Made on the worker (a UUID); the API handles each id once."
    )
    camera_id: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    timestamp: AwareIsoDateTime = Field(description="When the vehicle was first seen.")
    plate_text: PlateText
    confidence: float = Field(ge=0, le=1)
    snapshot: Annotated[str, StringConstraints(max_length=2_000_000)] | None = Field(
        None, description="Base64 JPEG of the frame with the best read."
    )


class PlatePassResult(ReadModel):
    event_id: str
    duplicate: bool = Field(description="This event id was handled before: nothing was done again.")
    vehicle_log_id: int | None = Field(description="The decision's gate-log row (null: the read was refused).")
    status: str | None = Field(description="AUTHORIZED, BLOCKED, UNKNOWN or REJECTED, as logged.")


class CorrectionRead(ReadModel):
    position: int
    read: str
    corrected: str


class PlateValidationResult(ReadModel):
    """The spec's response, plus why a read was rejected and which look-alikes were repaired."""

    valid: bool
    plate_number: str
    confidence: float
    status: VehicleStatus
    should_trigger_gate_event: bool = Field(
        description="Open the barrier: only for a read from a gate camera whose decision opens (and not a duplicate)."
    )
    alert_message: str | None
    rejection_reason: str | None
    corrections: list[CorrectionRead]
    needs_review: bool
    vehicle_log_id: int
    duplicate_of: int | None = Field(
        None, description="Camera reads only: the same plate was decided at this camera within the cooldown."
    )


class FrameReadOut(ReadModel):
    """What one frame gave: the plate read (rows top to bottom, joined into text) and where it was."""

    text: str | None
    confidence: float | None
    rows: list[str]
    plate_box: BoxRead | None
    vehicle_box: BoxRead | None


class PlateRecognitionResult(PlateValidationResult):
    """validate-plate's answer for the voted read of the frames sent, plus each frame's own read."""

    frames_used: int = Field(description="Frames whose reads took part in the vote (those of the winning length).")
    best_frame: int = Field(description="Index of the frame kept as the snapshot.")
    reads: list[FrameReadOut]


WatchlistReason = text_type(255)


class WatchlistCreate(InputModel):
    plate_number: PlateText
    list: WatchList
    reason: WatchlistReason | None = None
    valid_until: AwareIsoDateTime | None = Field(None, description="After this the entry no longer applies.")


class WatchlistRead(ReadModel):
    id: int
    plate_number: str
    list: WatchList
    reason: str | None
    valid_until: datetime | None
    created_at: datetime


class AlertRead(ReadModel):
    id: int
    alert_type: str
    plate_number: str
    camera_id: str | None
    vehicle_log_id: int | None
    message: str
    snapshot_path: str | None
    created_at: datetime
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None


class VehicleLogRead(ReadModel):
    id: int
    plate_number: str
    raw_text: str | None
    ocr_confidence: float
    vehicle_type: str | None
    status: VehicleStatus
    rejection_reason: str | None
    needs_review: bool
    timestamp: datetime
    camera_id: str | None
    snapshot_path: str | None
