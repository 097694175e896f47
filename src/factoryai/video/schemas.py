"""Live-video bodies: camera status and viewer links."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from factoryai.core.schemas import ReadModel


class CameraStatusRead(ReadModel):
    camera_id: str
    enabled: bool = Field(description="False: the camera is disabled and not opened.")
    online: bool = Field(description="Frames are arriving (the last read succeeded).")
    input_fps: float = Field(description="Frames per second read from the camera over the last few seconds.")
    output_fps: float = Field(description="Frames per second encoded for viewers (0 while nobody watches).")
    analysis_fps: float = Field(description="Frames per second the detector analysed (0 while idle).")
    frames_captured: int
    frames_dropped: int = Field(description="Frames skipped by the stream encoders while watched (camera faster).")
    reconnects: int = Field(description="Times the stream was reopened after a failure since it started.")
    viewers: int = Field(description="Open streams to this camera in this process.")
    last_frame_at: datetime | None
    last_frame_age_seconds: float | None = Field(description="Seconds since the newest frame; null if none yet.")
    last_error: str | None = Field(description="Why the camera last failed (no credentials in it).")
    last_error_at: datetime | None


class ViewerLink(ReadModel):
    token: str = Field(description="Signed, short-lived, for this camera only; pass as ?token= in the URLs below.")
    expires_at: datetime = Field(description="After this the links are refused; the stream is checked when opened.")
    stream_url: str = Field(description="MJPEG stream for an <img> tag, with the token.")
    snapshot_url: str = Field(description="One JPEG, with the token.")
