"""The spec's three-layer quality gate (pure): confidence, format, watchlist, in that order."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from factoryai.vehicles.plates import FORMATS, Correction, check_plate, normalise, watchlist_key


class VehicleStatus(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    UNKNOWN = "UNKNOWN"
    BLOCKED = "BLOCKED"
    REJECTED = "REJECTED"


DEFAULT_OPEN_STATUSES = frozenset({VehicleStatus.AUTHORIZED, VehicleStatus.UNKNOWN})  # the spec opens for UNKNOWN


@dataclass(frozen=True)
class GateDecision:
    valid: bool
    plate_number: str
    confidence: float
    status: VehicleStatus
    should_trigger_gate_event: bool
    alert_message: str | None = None
    rejection_reason: str | None = None  # LOW_CONFIDENCE | INVALID_FORMAT | AMBIGUOUS_READ
    corrections: tuple[Correction, ...] = ()
    needs_review: bool = False  # queued for a guard to look at the snapshot


def decide(
    text: str,
    confidence: float,
    *,
    threshold: float = 0.85,
    enabled_formats: frozenset[str] = frozenset(FORMATS),
    blocked: Mapping[str, str] | None = None,
    allowed: Collection[str] = (),
    open_statuses: Collection[VehicleStatus] = DEFAULT_OPEN_STATUSES,
    camera_id: str | None = None,
) -> GateDecision:
    """Decide on one (voted) plate read.

    ``blocked`` maps watchlist keys (plates.watchlist_key) to the reason they are listed; ``allowed`` holds keys.
    Layer 1 is strict: a confidence equal to the threshold fails, as the spec's ``confidence > 0.85`` says.
    """
    read = normalise(text)
    if not confidence > threshold:
        return GateDecision(
            valid=False,
            plate_number=read,
            confidence=confidence,
            status=VehicleStatus.REJECTED,
            should_trigger_gate_event=False,
            rejection_reason="LOW_CONFIDENCE",
            needs_review=True,
        )
    plate = check_plate(read, enabled_formats)
    if not plate.valid:
        return GateDecision(
            valid=False,
            plate_number=read,
            confidence=confidence,
            status=VehicleStatus.REJECTED,
            should_trigger_gate_event=False,
            rejection_reason=plate.reason,
            needs_review=plate.reason == "AMBIGUOUS_READ",
        )
    key = watchlist_key(plate.text)
    blocked = blocked or {}
    if key in blocked:
        where = f" at {camera_id}" if camera_id else ""
        reason = f": {blocked[key]}" if blocked[key] else ""
        return GateDecision(
            valid=True,
            plate_number=plate.text,
            confidence=confidence,
            status=VehicleStatus.BLOCKED,
            should_trigger_gate_event=False,  # never opens for a blocked vehicle, whatever the setting says
            alert_message=f"Blocked vehicle {plate.text}{where}{reason}",
            corrections=plate.corrections,
        )
    status = VehicleStatus.AUTHORIZED if key in allowed else VehicleStatus.UNKNOWN
    return GateDecision(
        valid=True,
        plate_number=plate.text,
        confidence=confidence,
        status=status,
        should_trigger_gate_event=status in open_statuses,
        corrections=plate.corrections,
    )
