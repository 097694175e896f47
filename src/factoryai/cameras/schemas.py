"""Camera bodies. Source URLs may carry credentials: reads show them masked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from pydantic import AfterValidator, Field, StringConstraints, field_serializer, model_validator

from factoryai.accounts.models import Role
from factoryai.cameras.models import CameraRole
from factoryai.core.schemas import AwareIsoDateTime, Bool, InputModel, Name, ReadModel, UpdateModel

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
# Query parameters that carry credentials in camera URLs (HTTP snapshot and MJPEG endpoints, signed stream links),
# compared case-insensitively: their values are masked like the password in user:***@host.
SECRET_PARAMETERS = frozenset(
    {"password", "pass", "passwd", "pwd", "token", "access_token", "key", "apikey", "api_key", "auth", "secret"}
).union({"signature"})


def _is_secret(parameter: str) -> bool:
    return unquote_plus(parameter).strip().lower() in SECRET_PARAMETERS


def _query_items(query: str) -> list[tuple[str, str, str]]:
    """(name, '=', value) per &-separated item, as written (nothing decoded or re-encoded)."""
    return [item.partition("=") for item in query.split("&")] if query else []


def _with_query(parts: SplitResult, items: list[tuple[str, str, str]]) -> SplitResult:
    return parts._replace(query="&".join(name + eq + value for name, eq, value in items))


def mask_credentials(url: str) -> str:
    """rtsp://user:secret@host/...?token=abc → rtsp://user:***@host/...?token=*** (secrets never leave the server;
    the rest of the URL is kept exactly as written)."""
    parts = urlsplit(url)
    masked = parts
    userinfo, at, host = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        masked = masked._replace(netloc=f"{userinfo.split(':', 1)[0]}:{MASK}@{host}")
    items = _query_items(parts.query)
    if any(eq and value and _is_secret(name) for name, eq, value in items):
        masked = _with_query(masked, [(n, eq, MASK if eq and v and _is_secret(n) else v) for n, eq, v in items])
    return url if masked == parts else urlunsplit(masked)


def keep_stored_password(new_url: str, stored_url: str) -> str:
    """A client that edits a camera sends back the masked URL it was shown: keep the real secrets then (the
    password in user:***@, and each secret query parameter still reading ***)."""
    new, old = urlsplit(new_url), urlsplit(stored_url)
    kept = new
    if new.password == MASK and old.password is not None:
        userinfo, _, host = new.netloc.rpartition("@")
        kept = kept._replace(netloc=f"{userinfo.split(':', 1)[0]}:{old.password}@{host}")
    stored = {n: v for n, eq, v in _query_items(old.query) if eq and _is_secret(n)}
    items = _query_items(new.query)
    if any(v == MASK and n in stored for n, _, v in items):
        kept = _with_query(kept, [(n, eq, stored[n] if v == MASK and n in stored else v) for n, eq, v in items])
    return new_url if kept == new else urlunsplit(kept)


class CameraSettings(InputModel):
    """Per-camera options; anything not set here falls back to the site-wide settings."""

    analysis_fps: float | None = Field(None, gt=0, le=30, description="Frames analysed per second.")
    detection_enabled: Bool = Field(True, description="Run the object detector on this camera.")
    min_confidence: float | None = Field(None, ge=0, le=1, description="Ignore detections scoring below this.")
    counting_line: tuple[tuple[float, float], tuple[float, float]] | None = Field(
        None, description="Zone cameras: the line people cross, as two points in 0..1 image coordinates."
    )
    in_side: Literal["left", "right"] = Field(
        "left",
        description="Zone cameras: which side of the counting line is inside, seen walking from its first point to "
        "its second (image coordinates, y down). Crossing into it is an entry, out of it an exit.",
    )
    capacity: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Zone cameras: the most people allowed (fire safety); going over it raises one alert per "
        "excursion.",
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
    source_url: str | None = Field(
        description="Where the stream is read, with its credentials masked (user:***@, ?password=***). Shown to "
        "admins only: null for every other role and for devices."
    )
    role: CameraRole
    enabled: bool
    settings: CameraSettings
    last_seen_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @field_serializer("source_url")
    def _masked(self, url: str | None) -> str | None:
        return None if url is None else mask_credentials(url)

    @classmethod
    def shown_to(cls, camera: object, role: str | None) -> CameraRead:
        """The camera as a caller of this role may see it (``None``: a device). Source URLs, even masked, name
        hosts, ports, paths and accounts on the camera network: only admins, who set them, need them."""
        read = cls.model_validate(camera)
        return read if role == Role.ADMIN else read.model_copy(update={"source_url": None})


WorkerId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"),
]


def _check_stream_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("stream_url must be an http(s) URL with a host, e.g. http://10.0.0.5:8100")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("stream_url takes no credentials, query or fragment (the relay token authenticates)")
    return url.rstrip("/")


class WorkerOutbox(InputModel):
    """A worker's outbox: what waits for the API (it grows while the API is away) and what was lost to its bound."""

    pending: int = Field(ge=0, le=10**9, description="Results waiting to be delivered.")
    dropped: int = Field(ge=0, le=10**12, description="Occupancy samples dropped since the outbox was made: it was "
                         "full (punches and gate passes are never dropped).")  # fmt: skip


class WorkerHeartbeat(InputModel):
    """What a camera worker says every few seconds (POST /api/v1/workers/heartbeat, its device key)."""

    worker_id: WorkerId = Field(description="The worker's name (factoryai worker --name), stable across restarts.")
    stream_url: Annotated[str, StringConstraints(max_length=500), AfterValidator(_check_stream_url)] | None = Field(
        None, description="Where API processes fetch this worker's MJPEG streams; null if it serves none."
    )
    relay_token: Annotated[str, StringConstraints(min_length=16, max_length=200)] | None = Field(
        None, description="Bearer token API processes present to the worker's streams (random per worker start)."
    )
    cameras: list[CameraId] | None = Field(
        None, max_length=1000, description="Cameras it wants (--camera); null: every camera its key may speak for."
    )
    statuses: dict[str, dict[str, object]] = Field(
        default_factory=dict, max_length=1000, description="The live state of the cameras it runs, by camera id."
    )
    started_at: AwareIsoDateTime | None = None
    outbox: WorkerOutbox | None = Field(None, description="Its outbox, as it stands; null for a worker without one.")


class WorkerCamera(ReadModel):
    """A camera assigned to the worker, with the full source URL it needs to open it (credentials included)."""

    id: str
    name: str
    source_url: str
    role: CameraRole
    settings: CameraSettings


class WorkerAssignment(ReadModel):
    cameras: list[WorkerCamera] = Field(description="Open exactly these; close any other.")
    lease_seconds: float = Field(description="The assignment lapses unless renewed within this time.")
    held_elsewhere: list[str] = Field(description="Wanted cameras another live worker holds (not opened here).")


class WorkerRead(ReadModel):
    id: str
    stream_url: str | None
    cameras: list[str]
    started_at: datetime | None
    last_seen_at: datetime
    online: bool
    outbox: WorkerOutbox | None = None
