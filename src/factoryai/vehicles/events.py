"""The events the vehicle gate publishes (under mqtt.topic_prefix), and where each goes."""

from __future__ import annotations

from factoryai.core.config import Settings
from factoryai.core.events import Topic


def _gate_by_mqtt(settings: Settings) -> bool:
    return settings.vehicles.gate_relay == "mqtt"


def _gate_webhook(settings: Settings) -> str | None:
    return settings.vehicles.gate_webhook_url if settings.vehicles.gate_relay == "webhook" else None


def _alert_webhook(settings: Settings) -> str | None:
    return settings.vehicles.alert_webhook_url


GATE_OPEN = Topic(
    "gate/{camera_id}/open",
    "Open the barrier at this gate camera: a stored decision allowed the vehicle (vehicles.gate_relay).",
    mqtt=_gate_by_mqtt,
    webhook=_gate_webhook,
)
VEHICLE_ALERT = Topic(
    "alerts/vehicle",
    "A blocked vehicle was seen; the alert is stored and waits for acknowledgement.",
    webhook=_alert_webhook,
)
GATE_DECISION = Topic(
    "vehicles/decision",
    "A gate decision was stored (every one, not only openings): plate, status, confidence, camera, vehicle log id; "
    "what the dashboard's gate panel shows as it happens.",
)
TOPICS = (GATE_OPEN, VEHICLE_ALERT, GATE_DECISION)
