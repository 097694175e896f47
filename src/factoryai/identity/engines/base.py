"""The one interface every face engine implements, and the values it exchanges with the identity service.

Engines hold no database session: the service stores what `enroll` returns (a descriptor for the local engine, an
external face id for AWS) and hands the local engine its gallery when it identifies. That keeps engines testable
on their own and lets the service own the unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np


class FaceEngineError(Exception):
    """The engine could not answer (service down, throttled past the retries): the caller keeps the work pending."""


class FaceImageError(ValueError):
    """The image itself is unusable (not JPEG/PNG, corrupt, too large for the engine): a client error, never retried."""


@dataclass(frozen=True, slots=True)
class Box:
    """A face's bounding box in pixels of the image that was passed in."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Match:
    employee_id: int
    similarity: float  # 0-100, higher is more alike; each engine documents how it maps its own score
    face_id: str | None = None  # the engine's id of the matched enrolled face (AWS FaceId), if it has one


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The employee an unknown face came nearest to, and why that was no match: a hint for HR assigning the face,
    never evidence (the match rule is unchanged; see identity/matching.py)."""

    employee_id: int
    similarity: float  # 0-100, on the same scale as Match.similarity
    reason: Literal["below_threshold", "ambiguous"]  # ambiguous: a second employee was nearly as near


@dataclass(frozen=True, slots=True)
class FaceResult:
    """One face found by identify(): its box and a match, or None for an unknown face (with its nearest employee
    where the engine can tell)."""

    box: Box
    match: Match | None
    detection_confidence: float | None = None
    nearest: NearMiss | None = None


@dataclass(frozen=True, slots=True)
class Enrollment:
    """What the service stores for one enrolled photo."""

    box: Box
    descriptor: np.ndarray | None = None  # float32 (128,) for the local engine
    external_face_id: str | None = None  # Rekognition FaceId for the aws engine


@dataclass(slots=True)
class Gallery:
    """Enrolled descriptors for the local engine's 1:N search: one row per enrolled photo."""

    employee_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    descriptors: np.ndarray = field(default_factory=lambda: np.empty((0, 128), dtype=np.float32))


class FaceEngine(Protocol):
    name: str

    def detect(self, image: bytes) -> list[Box]:
        """Every face in the image (enrolment checks: exactly one, big enough)."""

    def enroll(self, employee_id: int, image: bytes) -> Enrollment:
        """Enrol the single face of one photo. Raises FaceImageError when it has no usable face."""

    def identify(self, image: bytes, gallery: Gallery) -> list[FaceResult]:
        """Every face found, each matched or unknown. Raises FaceEngineError when the engine is unavailable."""

    def remove(self, employee_id: int, external_face_ids: list[str]) -> None:
        """Forget an employee's faces held outside our database (AWS collection); local engines do nothing."""

    def close(self) -> None:
        """Release what the engine holds (the AWS client's connections); the owner calls it once, at the end."""
