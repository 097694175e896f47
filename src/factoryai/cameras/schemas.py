"""Camera bodies. Source URLs may carry credentials: reads show them masked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, Field, StringConstraints, field_serializer, model_validator

from factoryai.cameras.models import CameraRole
from factoryai.core.schemas import Bool, InputModel, Name, ReadModel, UpdateModel

SOURCE_SCHEMES = ("rtsp", "rtsps", "http", "https", "file", "synthetic")
# No '/', '+' or '#': camera ids become MQTT topic levels (factoryai/gate/<camera_id>/open).
CameraId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


def _check_source(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in SOURCE_SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SOURCE_SCHEMES)} (e.g. rtsp://host:554/stream)")
    if parts.scheme.lower() in ("rtsp", "rtsps", "http", "https") and not parts.hostname:
        raise ValueError("the URL has no host")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError("the URL's port is not a number between 0 and 65535") from None
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise ValueError("the URL contains spaces or control characters")
    return url


SourceUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500), AfterValidator(_check_source)
]


MASK = "***"


def mask_credentials(url: str) -> str:
    """rtsp://user:secret@host/... → rtsp://user:***@host/... (the password never leaves the server)."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))


def keep_stored_password(new_url: str, stored_url: str) -> str:
    """A client that edits a camera sends back the masked URL it was shown: keep the real password then."""
    new, old = urlsplit(new_url), urlsplit(stored_url)
    if new.password != MASK or old.password is None:
        return new_url
    userinfo, _, host = new.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(new._replace(netloc=f"{user}:{old.password}@{host}"))


class CameraSettings(InputModel):
    """Per-camera options; anything not set here falls back to the site-wide settings."""

    analysis_fps: float | None = Field(None, gt=0, le=30, description="Frames analysed per second.")
    detection_enabled: Bool = Field(True, description="Run the object detector on this camera.")
    min_confidence: float | None = Field(None, ge=0, le=1, description="Ignore detections scoring below this.")
    counting_line: tuple[tuple[float, float], tuple[float, float]] | None = Field(
        None, description="Zone cameras: the line people cross, as two points in 0..1 image coordinates."
    )

    @model_validator(mode="after")
    def _line_inside_image(self) -> CameraSettings:
        if self.counting_line is not None:
            for x, y in self.counting_line:
                if not (0 <= x <= 1 and 0 <= y <= 1):
                    raise ValueError("counting_line points must lie within 0..1")
            if self.counting_line[0] == self.counting_line[1]:
                raise ValueError("counting_line needs two different points")
        return self


class CameraCreate(InputModel):
    id: CameraId = Field(description="Stable id used in logs and topics, e.g. CAM-MAIN.")
    name: Name
    source_url: SourceUrl
    role: CameraRole
    enabled: Bool = True
    settings: CameraSettings = Field(default_factory=CameraSettings)


class CameraUpdate(UpdateModel):
    name: Name | None = None
    source_url: SourceUrl | None = None
    role: CameraRole | None = None
    enabled: Bool | None = None
    settings: CameraSettings | None = None


class CameraRead(ReadModel):
    id: str
    name: str
    source_url: str
    role: CameraRole
    enabled: bool
    settings: CameraSettings
    last_seen_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @field_serializer("source_url")
    def _masked(self, url: str) -> str:
        return mask_credentials(url)
