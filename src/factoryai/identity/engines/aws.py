"""The 'aws' face engine: Amazon Rekognition, one face collection per site ('<aws_collection_prefix>-<site.id>').

How it differs from the local engine:
- SearchFacesByImage searches only the LARGEST face in the image, so `identify` returns at most one FaceResult
  (the other faces in a frame are neither reported nor matched). Use `detect` to see every face.
- Similarity: Rekognition's `Similarity` is already a 0-100 percentage and is passed through unchanged as
  Match.similarity. Matches below `aws_face_match_threshold` (FaceMatchThreshold, default 99) are filtered out by
  Rekognition itself, so a face without a match comes back with `match=None`, and with no `nearest` employee:
  Rekognition returns no candidate below FaceMatchThreshold, so it never says whom an unknown face came closest to
  (the local engine does, as a hint for HR).
- "No face in the image" is Rekognition's InvalidParameterException for SearchFacesByImage: identify returns [].
- Boxes come back as ratios of the image; we convert them to pixels of the image as it is displayed (JPEG EXIF
  orientation applied, which is also what Rekognition and OpenCV do), clipped to the image.
- Faces are stored in the collection with ExternalImageId 'emp-<employee_id>'; the service keeps each FaceId so that
  `remove` can delete them. `enroll` indexes the largest face only (MaxFaces=1): "exactly one face" is for `detect`.

Every call goes through `aws_retry` (throttling, 5xx and timeouts only); botocore's own retries are switched off so
one call is at most 1 + aws_max_retries requests. Errors that remain become FaceEngineError (service unavailable,
keep the work pending) or FaceImageError (the image itself is unusable), with the AWS error code in the message.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from PIL import Image, UnidentifiedImageError

from factoryai.core.config import IdentitySettings
from factoryai.identity.engines.base import Box, Enrollment, FaceEngineError, FaceImageError, FaceResult, Gallery, Match
from factoryai.identity.retry import aws_retry, error_code
from factoryai.vision.images import ImageError, check_dimensions

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # Rekognition's limit for images passed as bytes
DELETE_BATCH = 4096  # DeleteFaces accepts at most this many FaceIds per call
EXTERNAL_ID_PREFIX = "emp-"
# In a call that sends an image, these are about the image (our other parameters come from validated settings).
IMAGE_ERROR_CODES = frozenset({"ImageTooLargeException", "InvalidImageFormatException", "InvalidParameterException"})
IMAGE_OPERATIONS = frozenset({"DetectFaces", "IndexFaces", "SearchFacesByImage"})
_EXIF_ORIENTATION = 0x0112
_TRANSPOSED_ORIENTATIONS = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height


def make_client(identity: IdentitySettings) -> Any:
    """A Rekognition client that makes exactly one request per call: aws_retry does the retrying."""
    config = Config(
        region_name=identity.aws_region,
        connect_timeout=identity.aws_connect_timeout_seconds,
        read_timeout=identity.aws_read_timeout_seconds,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )
    # A session per client: boto3's default session is not thread-safe to create clients from concurrently.
    return boto3.session.Session().client("rekognition", endpoint_url=identity.aws_endpoint_url, config=config)


def collection_id_for(identity: IdentitySettings, site_id: str) -> str:
    return f"{identity.aws_collection_prefix}-{site_id}"


def external_image_id(employee_id: int) -> str:
    return f"{EXTERNAL_ID_PREFIX}{employee_id}"


def parse_external_image_id(value: str | None) -> int | None:
    """The employee id of 'emp-<id>', or None for a face someone else put in the collection."""
    if not value or not value.startswith(EXTERNAL_ID_PREFIX):
        return None
    digits = value[len(EXTERNAL_ID_PREFIX) :]
    return int(digits) if digits.isdigit() else None


def image_size(image: bytes) -> tuple[int, int]:
    """(width, height) as displayed, from the header only. Also refuses what Rekognition would refuse."""
    try:
        check_dimensions(image)
    except ImageError as exc:
        raise FaceImageError(str(exc)) from exc
    if len(image) > MAX_IMAGE_BYTES:
        raise FaceImageError(f"the image is {len(image)} bytes; Rekognition accepts at most {MAX_IMAGE_BYTES}")
    try:
        with Image.open(io.BytesIO(image)) as img:
            width, height = img.size
            orientation = img.getexif().get(_EXIF_ORIENTATION)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FaceImageError("the image could not be decoded (corrupt or truncated)") from exc
    return (height, width) if orientation in _TRANSPOSED_ORIENTATIONS else (width, height)


def to_pixels(box: dict[str, float], width: int, height: int) -> Box:
    """Rekognition's ratio box (which may reach outside the image) as a pixel box clipped to the image."""
    left = box.get("Left", 0.0)
    top = box.get("Top", 0.0)
    x0 = min(width, max(0, round(left * width)))
    y0 = min(height, max(0, round(top * height)))
    x1 = min(width, max(0, round((left + box.get("Width", 0.0)) * width)))
    y1 = min(height, max(0, round((top + box.get("Height", 0.0)) * height)))
    return Box(left=x0, top=y0, width=max(0, x1 - x0), height=max(0, y1 - y0))


def engine_error(exc: Exception, operation: str) -> Exception:
    """What a failed call means to the service: a bad image (client error) or an unavailable engine."""
    if isinstance(exc, ClientError):
        code = error_code(exc) or "unknown"
        operation = exc.operation_name or operation  # CreateCollection may fail inside an IndexFaces call
        message = exc.response.get("Error", {}).get("Message", "")
        if code in IMAGE_ERROR_CODES and operation in IMAGE_OPERATIONS:
            return FaceImageError(f"Rekognition rejected the image ({code}): {message}")
        return FaceEngineError(f"Rekognition {operation} failed ({code}): {message}")
    return FaceEngineError(f"Rekognition {operation} failed ({type(exc).__name__}): {exc}")


class AwsRekognitionEngine:
    name = "aws"

    def __init__(
        self,
        client: Any,
        collection_id: str,
        *,
        face_match_threshold: float = 99.0,
        max_retries: int = 3,
        retry_base_seconds: float = 1.0,
        retry_deadline_seconds: float = 30.0,
        enroll_min_face_px: int = 80,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.collection_id = collection_id
        self.face_match_threshold = float(face_match_threshold)
        self._retry_args: dict[str, Any] = {
            "max_retries": max_retries,
            "base_seconds": retry_base_seconds,
            "deadline_seconds": retry_deadline_seconds,
            "sleep": sleep,
        }
        self._collection_ready = False
        self.enroll_min_face_px = enroll_min_face_px

    @classmethod
    def from_settings(
        cls,
        identity: IdentitySettings,
        site_id: str,
        *,
        client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> AwsRekognitionEngine:
        return cls(
            client if client is not None else make_client(identity),
            collection_id_for(identity, site_id),
            face_match_threshold=identity.aws_face_match_threshold,
            max_retries=identity.aws_max_retries,
            retry_base_seconds=identity.aws_retry_base_seconds,
            retry_deadline_seconds=identity.aws_retry_deadline_seconds,
            enroll_min_face_px=identity.enroll_min_face_px,
            sleep=sleep,
        )

    # -- FaceEngine ---------------------------------------------------------------------------------------------

    def detect(self, image: bytes) -> list[Box]:
        width, height = image_size(image)
        response = self._call("detect_faces", Image={"Bytes": image})
        return [to_pixels(face["BoundingBox"], width, height) for face in response.get("FaceDetails", [])]

    def enroll(self, employee_id: int, image: bytes) -> Enrollment:
        width, height = image_size(image)
        response = self._call(
            "index_faces",
            in_collection=True,
            Image={"Bytes": image},
            ExternalImageId=external_image_id(employee_id),
            MaxFaces=1,
            QualityFilter="AUTO",
            DetectionAttributes=[],
        )
        records = response.get("FaceRecords", [])
        if not records:
            reasons = sorted({r for face in response.get("UnindexedFaces", []) for r in face.get("Reasons", [])})
            detail = ", ".join(reasons) if reasons else "no face detected"
            raise FaceImageError(f"Rekognition indexed no face in the photo ({detail})")
        face = records[0]["Face"]
        box = to_pixels(face["BoundingBox"], width, height)
        # The same rule as the local engine: exactly one face at least enroll_min_face_px wide. MaxFaces=1 indexes
        # the largest face and reports the others as EXCEEDS_MAX_FACES; a group photo must not enrol anyone.
        others = [
            to_pixels(f["FaceDetail"]["BoundingBox"], width, height)
            for f in response.get("UnindexedFaces", [])
            if "EXCEEDS_MAX_FACES" in f.get("Reasons", []) and "BoundingBox" in f.get("FaceDetail", {})
        ]
        need = f"an enrolment photo must hold exactly one face at least {self.enroll_min_face_px} px wide"
        problem = None
        if box.width < self.enroll_min_face_px:
            problem = f"the face is too small ({box.width} px wide): {need}"
        elif big := [b for b in others if b.width >= self.enroll_min_face_px]:
            problem = f"{1 + len(big)} faces found: {need}"
        if problem is not None:
            with contextlib.suppress(FaceEngineError):  # an orphan matches nobody: identify checks our own table
                self.remove(employee_id, [face["FaceId"]])
            raise FaceImageError(problem)
        return Enrollment(box=box, external_face_id=face["FaceId"])

    def identify(self, image: bytes, gallery: Gallery) -> list[FaceResult]:
        # `gallery` is the local engine's; the collection in AWS is ours.
        width, height = image_size(image)
        response = self._call(
            "search_faces_by_image",
            in_collection=True,
            tolerate="InvalidParameterException",  # Rekognition's "there are no faces in the image"
            Image={"Bytes": image},
            MaxFaces=1,
            FaceMatchThreshold=self.face_match_threshold,
            QualityFilter="AUTO",
        )
        if response is None or "SearchedFaceBoundingBox" not in response:
            return []
        matches = response.get("FaceMatches") or []
        match = self._to_match(matches[0]) if matches else None  # MaxFaces=1: the best match, if any passed
        box = to_pixels(response["SearchedFaceBoundingBox"], width, height)
        return [FaceResult(box=box, match=match, detection_confidence=response.get("SearchedFaceConfidence"))]

    def close(self) -> None:
        self.client.close()

    def remove(self, employee_id: int, external_face_ids: list[str]) -> None:
        face_ids = list(dict.fromkeys(external_face_ids))
        for start in range(0, len(face_ids), DELETE_BATCH):
            batch = face_ids[start : start + DELETE_BATCH]
            # A missing collection holds no faces: nothing left to delete, and no reason to create it.
            response = self._call(
                "delete_faces", tolerate="ResourceNotFoundException", CollectionId=self.collection_id, FaceIds=batch
            )
            if response is None:
                log.info(
                    "collection %s does not exist; employee %d has no faces there", self.collection_id, employee_id
                )
                return
            for failure in response.get("UnsuccessfulFaceDeletions", []):
                log.warning(
                    "Rekognition did not delete face %s of employee %d: %s",
                    failure.get("FaceId"),
                    employee_id,
                    ", ".join(failure.get("Reasons", [])),
                )

    def _to_match(self, candidate: dict[str, Any]) -> Match | None:
        face = candidate["Face"]
        employee_id = parse_external_image_id(face.get("ExternalImageId"))
        if employee_id is None:
            log.warning("face %s in %s has no 'emp-<id>' ExternalImageId", face.get("FaceId"), self.collection_id)
            return None
        return Match(employee_id=employee_id, similarity=float(candidate["Similarity"]), face_id=face["FaceId"])

    # -- AWS calls ----------------------------------------------------------------------------------------------

    def _call(self, method: str, *, in_collection: bool = False, tolerate: str | None = None, **params: Any) -> Any:
        """One API call with retries; errors become FaceEngineError / FaceImageError, or None for `tolerate`."""
        operation = self.client.meta.method_to_api_mapping.get(method, method)
        try:
            if in_collection:
                return self._in_collection(method, operation, params)
            return self._request(method, operation, params)
        except ClientError as exc:
            if tolerate is not None and error_code(exc) == tolerate:
                log.debug("Rekognition %s: %s", operation, exc)
                return None
            raise engine_error(exc, operation) from exc
        except (BotoCoreError, OSError) as exc:  # timeouts and connection errors past the retries, no credentials
            raise engine_error(exc, operation) from exc

    def _request(self, method: str, operation: str, params: dict[str, Any]) -> Any:
        call = aws_retry(operation, **self._retry_args)(getattr(self.client, method))
        return call(**params)

    def _in_collection(self, method: str, operation: str, params: dict[str, Any]) -> Any:
        """Call with our CollectionId, creating the collection on first use and again if it was deleted under us."""
        self._ensure_collection()
        try:
            return self._request(method, operation, {"CollectionId": self.collection_id, **params})
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
        log.warning("collection %s is missing; creating it and retrying %s once", self.collection_id, operation)
        self._ensure_collection(force=True)
        return self._request(method, operation, {"CollectionId": self.collection_id, **params})

    def _ensure_collection(self, *, force: bool = False) -> None:
        # No lock around the call: during an outage its retries take seconds, and camera requests queued behind a
        # lock would time out before they could be kept as pending. Two threads creating at once is harmless
        # (the second gets ResourceAlreadyExistsException).
        if self._collection_ready and not force:
            return
        try:
            self._request("create_collection", "CreateCollection", {"CollectionId": self.collection_id})
            log.info("created Rekognition collection %s", self.collection_id)
        except ClientError as exc:
            if error_code(exc) != "ResourceAlreadyExistsException":
                raise
        self._collection_ready = True
